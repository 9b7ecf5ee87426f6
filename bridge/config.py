"""Configuration: sites, where packs live, where state is kept.

``certbridge.toml`` (found by ``--config``, ``CERTBRIDGE_CONFIG`` or the current folder)::

    packs = ["resource_packs"]          # folders of packs or pack folders
    state_dir = ".certbridge/state"     # one SQLite state file per site

    [[sites]]
    name = "campus"
    url = "https://moodle.example.edu.cn"
    token_env = "CAMPUS_MOODLE_TOKEN"   # the NAME of the variable holding the token, or:
    # token_file = "/etc/certbridge/campus.token"   # mode 0600/0400, owned by the user running certbridge
    # token_credential = "campus-token"             # systemd: LoadCredential=campus-token:/etc/…
    workers = 2                         # parallel uploads
    rate_limit = 20                     # requests per second (0 = none)
    timeout = 120                       # seconds to read a response
    verify_tls = true                   # never turn off outside a lab
    ca_bundle = ""                      # CA certificate(s), PEM, for a self-signed or private-CA site
                                        # (relative to this file)
    drift = "restore"                   # hand changes in Moodle: "restore" (a copy is kept), "leave"
                                        # and report, or "protect" (conflict until adopted)
    prune = false                       # delete (not hide) modules removed from a pack
    max_delete = 20                     # refuse a run deleting more than this (as --max-delete:
                                        # 0 = no deletion; leave it out for no limit)
    drift_keep_days = 180               # prune kept hand edits older than this (0 = never)
    drift_keep_max = 10                 # at most this many kept hand edits per module (0 = no limit)

Without a file, ``CERTBRIDGE_URL`` and ``CERTBRIDGE_TOKEN`` (and ``CERTBRIDGE_CA_BUNDLE``)
(or ``CERTBRIDGE_TOKEN_FILE``) define one site named ``default``. A token is never written
in this file: it comes from the environment, a private file, or a systemd credential.
Every mistake in the file is reported at once, with its line.
"""
from __future__ import annotations

import difflib
import ipaddress
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.pack.lines import LineIndex

CONFIG_FILE = "certbridge.toml"
DEFAULT_STATE_DIR = Path(".certbridge/state")
DEFAULT_PACKS = [Path("resource_packs")]
#: Every key a [[sites]] table may hold (a ``Site`` field) and the TOML types it takes.
_SITE_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "url": (str,), "token_env": (str,), "token_file": (str,), "token_credential": (str,),
    "workers": (int,), "rate_limit": (float, int), "timeout": (float, int), "verify_tls": (bool,),
    "ca_bundle": (str,), "drift": (str,), "prune": (bool,), "max_delete": (int,), "allow_insecure_http": (bool,),
    "drift_keep_days": (int,), "drift_keep_max": (int,)}
_SITE_KEYS = frozenset(_SITE_TYPES)
_TOKEN_KEYS = ("token_env", "token_file", "token_credential")
_TOP_KEYS = {"packs", "state_dir", "sites", "metrics_file"}


class ConfigError(BridgeError):
    exit_code = ExitCode.INVALID_INPUT


@dataclass
class Site:
    name: str
    url: str
    token_env: str = ""
    token_file: str = ""  # absolute once loaded
    token_credential: str = ""  # a file name in systemd's $CREDENTIALS_DIRECTORY
    workers: int = 2
    rate_limit: float = 0.0
    timeout: float = 120.0
    verify_tls: bool = True
    ca_bundle: str = ""
    drift: str = "restore"  # sync policy for hand changes: restore | leave | protect
    prune: bool = False  # sync deletes (instead of hiding) modules removed from a pack
    max_delete: int | None = None  # refuse a run deleting more; unset = no limit, 0 = no deletion
    allow_insecure_http: bool = False
    drift_keep_days: int = 180  # kept hand edits older than this are pruned (0 = never by age)
    drift_keep_max: int = 10  # at most this many kept hand edits per module (0 = no limit)

    @property
    def token(self) -> str:
        """The token from the environment, a private file or a systemd credential; a clear
        error when it is not there."""
        if self.token_file:
            return read_token_file(Path(self.token_file), self.name)
        if self.token_credential:
            folder = os.environ.get("CREDENTIALS_DIRECTORY", "")
            if not folder:
                raise ConfigError(
                    tr("No token for site '{site}': token_credential = \"{name}\" needs systemd's credentials "
                       "($CREDENTIALS_DIRECTORY is not set): run it from the unit with LoadCredential={name}:FILE, "
                       "or use token_file or token_env.",
                       "站点“{site}”没有令牌：token_credential = \"{name}\" 需要 systemd 凭据（未设置 "
                       "$CREDENTIALS_DIRECTORY）：请在带 LoadCredential={name}:文件 的 unit 中运行，或改用 token_file "
                       "或 token_env。", site=self.name, name=self.token_credential),
                    exit_code=ExitCode.SITE_ERROR)
            return read_token_file(Path(folder) / self.token_credential, self.name)
        value = os.environ.get(self.token_env, "").strip()
        if not value:
            raise ConfigError(
                tr("No token for site '{site}': set the environment variable {var}.",
                   "站点“{site}”没有令牌：请设置环境变量 {var}。", site=self.name, var=self.token_env),
                exit_code=ExitCode.SITE_ERROR)
        return value

    @property
    def insecure_http(self) -> bool:
        """Plain HTTP to another host: allowed only by ``allow_insecure_http``, and said."""
        return insecure_url(self.url)

    @property
    def verify(self) -> bool | str:
        return self.ca_bundle or self.verify_tls

    def __repr__(self) -> str:  # never the token
        return f"Site(name={self.name!r}, url={self.url!r}, token_env={self.token_env!r})"


def read_token_file(path: Path, site: str) -> str:
    """The token in ``path``: refused unless only its owner can read it and that owner
    runs certbridge (systemd's credentials folder is private by construction)."""
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    managed = bool(credentials) and Path(credentials) in path.parents
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise ConfigError(tr("No token for site '{site}': {path} does not exist.", "站点“{site}”没有令牌：{path} 不存在。",
                             site=site, path=path), exit_code=ExitCode.SITE_ERROR) from None
    except OSError as err:
        raise ConfigError(tr("No token for site '{site}': cannot read {path} ({why}).",
                             "站点“{site}”没有令牌：无法读取 {path}（{why}）。", site=site, path=path,
                             why=err.strerror or err), exit_code=ExitCode.SITE_ERROR) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        mode = stat.S_IMODE(info.st_mode)
        if not managed and (mode & 0o077 or info.st_uid != os.geteuid()):
            raise ConfigError(
                tr("Token file {path} is refused: mode {mode:04o}, owner uid {uid}; it must be readable by its owner "
                   "only (0600 or 0400) and owned by the user running certbridge (uid {me}).",
                   "令牌文件 {path} 被拒绝：权限 {mode:04o}，属主 uid {uid}；它必须只有属主可读（0600 或 0400），"
                   "且属主为运行 certbridge 的用户（uid {me}）。", path=path, mode=mode, uid=info.st_uid,
                   me=os.geteuid()),
                hint=tr("Fix it with: chown $(id -un) {path} && chmod 600 {path} (and revoke the token if others "
                        "could read it).", "修复：chown $(id -un) {path} && chmod 600 {path}（若他人曾可读取，请吊销该令牌）。",
                        path=path))
        data = fh.read(4096)
    value = data.decode("utf-8", errors="replace").strip()
    if not value:
        raise ConfigError(tr("No token for site '{site}': {path} is empty.", "站点“{site}”没有令牌：{path} 为空。",
                             site=site, path=path), exit_code=ExitCode.SITE_ERROR)
    return value


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_url(url: str) -> bool:
    """``http://`` to a host other than this machine: the token would cross a network in clear."""
    parts = urlsplit(url)
    return parts.scheme == "http" and not is_loopback(parts.hostname or "")


def insecure_warning(site: Site) -> str:
    return tr("Site '{site}' uses plain http:// to {url} (allow_insecure_http): the token and every reply cross "
              "the network unencrypted; anyone on the path can read and reuse the token.",
              "站点“{site}”使用明文 http:// 访问 {url}（allow_insecure_http）：令牌与所有应答均以明文经过网络，"
              "途经的任何人都能读取并冒用该令牌。", site=site.name, url=site.url)


def _insecure_problem(url: str, where: str) -> str:
    host = urlsplit(url).hostname or url
    return tr("{url} uses plain http:// to {host}: the token would cross the network in clear. Use https:// "
              "(see ca_bundle for a private CA), or, on a network you trust, allow it with {where}.",
              "{url} 使用明文 http:// 访问 {host}：令牌将以明文经过网络。请使用 https://（私有 CA 见 ca_bundle），"
              "或在可信网络上用 {where} 明确允许。", url=url, host=host, where=where)


@dataclass
class Config:
    sites: list[Site] = field(default_factory=list)
    packs: list[Path] = field(default_factory=lambda: list(DEFAULT_PACKS))
    state_dir: Path = DEFAULT_STATE_DIR
    file: Path | None = None
    metrics_file: Path | None = None  # Prometheus textfile written after every sync

    def site(self, name: str | None) -> Site:
        """The named site, or the only one; errors say which names exist."""
        if not self.sites:
            raise ConfigError(
                tr("No Moodle site configured: set CERTBRIDGE_URL and CERTBRIDGE_TOKEN, or add [[sites]] to {f}.",
                   "未配置 Moodle 站点：请设置 CERTBRIDGE_URL 和 CERTBRIDGE_TOKEN，或在 {f} 中添加 [[sites]]。",
                   f=CONFIG_FILE), exit_code=ExitCode.SITE_ERROR)
        if name is None:
            if len(self.sites) == 1:
                return self.sites[0]
            raise ConfigError(tr("Several sites are configured ({names}): choose one with --site.",
                                 "配置了多个站点（{names}）：请用 --site 选择一个。",
                                 names=", ".join(s.name for s in self.sites)))
        for site in self.sites:
            if site.name == name:
                return site
        raise ConfigError(tr("Unknown site '{name}'; configured: {names}.", "未知站点“{name}”；已配置：{names}。",
                             name=name, names=", ".join(s.name for s in self.sites)))

    def select(self, name: str | None, all_sites: bool = False) -> list[Site]:
        return list(self.sites) if all_sites else [self.site(name)]

    def state_path(self, site: Site) -> Path:
        return self.state_dir / f"{site.name}.sqlite"


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Read the config file if there is one; else build a one-site config from the environment."""
    env = os.environ if environ is None else environ
    if path is None:
        candidate = env.get("CERTBRIDGE_CONFIG")
        path = Path(candidate) if candidate else (Path(CONFIG_FILE) if Path(CONFIG_FILE).is_file() else None)
    config = Config()
    if path is not None:
        config = _read_file(path)
    if env.get("CERTBRIDGE_URL") and not any(s.name == "default" for s in config.sites):
        url = env["CERTBRIDGE_URL"].strip()
        if not _url_ok(url):
            raise ConfigError(tr("CERTBRIDGE_URL must be the site's address, starting with http:// or https://, "
                                 "not '{url}'.", "CERTBRIDGE_URL 应为站点地址，以 http:// 或 https:// 开头，而不是“{url}”。",
                                 url=url), hint=tr("e.g. export CERTBRIDGE_URL=https://moodle.example.edu.cn",
                                                   "例如：export CERTBRIDGE_URL=https://moodle.example.edu.cn"))
        allow = env.get("CERTBRIDGE_ALLOW_INSECURE_HTTP", "").strip().lower() in ("1", "true", "yes")
        if insecure_url(url) and not allow:
            raise ConfigError("CERTBRIDGE_URL: " + _insecure_problem(url, "CERTBRIDGE_ALLOW_INSECURE_HTTP=1"))
        token_file = env.get("CERTBRIDGE_TOKEN_FILE", "").strip()
        config.sites.append(Site(name="default", url=url, token_env="CERTBRIDGE_TOKEN",
                                 token_file="" if env.get("CERTBRIDGE_TOKEN", "").strip() else token_file,
                                 ca_bundle=env.get("CERTBRIDGE_CA_BUNDLE", "").strip(), allow_insecure_http=allow))
    if env.get("CERTBRIDGE_STATE_DIR"):
        config.state_dir = Path(env["CERTBRIDGE_STATE_DIR"])
    return config


def tls_hint(site: Site) -> str:
    """What to do when the site's certificate is not trusted: name the CA, never turn
    verification off."""
    if site.ca_bundle:
        return tr("The site's certificate is not signed by the CA in {ca}: put the CA that signed it (PEM) in that "
                  "file, and check the URL's host name matches the certificate.",
                  "站点证书不是由 {ca} 中的 CA 签发的：请将签发该证书的 CA（PEM 格式）放入该文件，并确认地址中的主机名与证书一致。",
                  ca=site.ca_bundle)
    return tr("If the site uses a self-signed certificate or a private CA, keep TLS verification on and name the CA: "
              "save its certificate (PEM) to a file and set ca_bundle = \"/path/to/ca.pem\" in the site's [[sites]] "
              "entry of certbridge.toml, or export CERTBRIDGE_CA_BUNDLE=/path/to/ca.pem when the site comes from "
              "CERTBRIDGE_URL. Also check the URL's host name matches the certificate.",
              "若站点使用自签名证书或私有 CA：请保持 TLS 验证开启并指定该 CA——将其证书（PEM 格式）保存为文件，"
              "在 certbridge.toml 该站点的 [[sites]] 中设置 ca_bundle = \"/path/to/ca.pem\"；站点由 CERTBRIDGE_URL "
              "给出时，则 export CERTBRIDGE_CA_BUNDLE=/path/to/ca.pem。并确认地址中的主机名与证书一致。")


def is_tls_error(err: BaseException) -> bool:
    """True for a failed TLS handshake (untrusted or mismatched certificate)."""
    text = getattr(err, "message", "") or str(err)
    return "SSLError" in text or "CERTIFICATE_VERIFY_FAILED" in text


def _url_ok(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


_TYPE_NAMES = {str: ("a string in quotes", "带引号的字符串"), int: ("a whole number", "整数"),
               float: ("a number", "数字"), bool: ("true or false", "布尔值（true 或 false）")}
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: What a Moodle token looks like: pasted into token_env by mistake, it must not be echoed.
_TOKEN_LIKE = re.compile(r"[0-9a-fA-F]{20,}")


def _did_you_mean(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return tr(" Did you mean '{k}'?", "是否应为“{k}”？", k=close[0]) if close else ""


def _site_problems(raw: dict, i: int, where, base: Path) -> list[str]:
    """Everything wrong with one [[sites]] entry, each message starting with its file:line."""
    out: list[str] = []
    name = raw.get("name")
    label = (tr("site #{n} '{name}'", "第 {n} 个站点“{name}”", n=i + 1, name=name) if isinstance(name, str)
             else tr("site #{n}", "第 {n} 个站点", n=i + 1))
    for key in sorted(set(raw) - _SITE_KEYS):
        out.append(where("sites", i, key) + tr("{site}: unknown key '{k}'.", "{site}：未知的键“{k}”。", site=label, k=key)
                   + _did_you_mean(key, _SITE_KEYS) + tr(" Known keys: {known}.", "可用的键：{known}。",
                                                         known=", ".join(sorted(_SITE_KEYS))))
    for key in sorted({"name", "url"} - set(raw)):
        out.append(where("sites", i) + tr("{site}: '{k}' is missing.", "{site}：缺少“{k}”。", site=label, k=key))
    given = [k for k in _TOKEN_KEYS if k in raw]
    if len(given) != 1:
        out.append(where("sites", i, *(given[1:2] or [])) + tr(
            "{site}: give exactly one of token_env (an environment variable's name), token_file (a file only "
            "its owner can read) or token_credential (a systemd credential); found {found}.",
            "{site}：token_env（环境变量名）、token_file（仅属主可读的文件）、token_credential（systemd 凭据）"
            "三者必须且只能给出一个；实际为 {found}。", site=label, found=", ".join(given) or tr("none", "无")))
    url = raw.get("url")
    if isinstance(url, str) and _url_ok(url) and insecure_url(url) and raw.get("allow_insecure_http") is not True:
        out.append(where("sites", i, "url") + tr("{site}: ", "{site}：", site=label)
                   + _insecure_problem(url, "allow_insecure_http = true"))
    for key, value in raw.items():
        types = _SITE_TYPES.get(key)
        if types is None:
            continue
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            en, zh = _TYPE_NAMES[types[0]]
            out.append(where("sites", i, key) + tr("{site}: {k} must be {t}, not {v!r}.", "{site}：{k} 应为{t}，而不是 {v!r}。",
                                                   site=label, k=key, t=tr(en, zh), v=value))
            continue
        problem = _site_value_problem(key, value, base)
        if problem:
            out.append(where("sites", i, key) + tr("{site}: {problem}", "{site}：{problem}", site=label, problem=problem))
    return out


def _site_value_problem(key: str, value, base: Path) -> str | None:
    if key == "url" and not _url_ok(value):
        return tr("url must start with http:// or https:// and name the host, e.g. https://moodle.example.edu.cn.",
                  "url 应以 http:// 或 https:// 开头并包含主机名，例如 https://moodle.example.edu.cn。")
    if key == "token_env":
        if _TOKEN_LIKE.fullmatch(value):
            # Never repeat it: this is probably the token itself.
            return tr("token_env is the NAME of an environment variable, and this looks like a token. Remove the "
                      "token from the file (and revoke it if the file was shared), then set token_env = "
                      "\"CAMPUS_MOODLE_TOKEN\" and export that variable.",
                      "token_env 应为环境变量的名称，而这里看起来是令牌本身。请从文件中删除令牌（如文件已被共享，请吊销该令牌），"
                      "改为 token_env = \"CAMPUS_MOODLE_TOKEN\"，并导出该环境变量。")
        if not _ENV_NAME.fullmatch(value):
            return tr("token_env must be an environment variable name (letters, digits, _), not '{v}'.",
                      "token_env 应为环境变量名（字母、数字、下划线），而不是“{v}”。", v=value)
    if key == "token_credential" and (not value or "/" in value or value.startswith(".")):
        return tr("token_credential must be a credential's name, as in LoadCredential=NAME:FILE, not '{v}'.",
                  "token_credential 应为凭据名（即 LoadCredential=名称:文件 中的名称），而不是“{v}”。", v=value)
    if key == "name" and (not value.strip() or any(c in value for c in "/\\") or value.startswith(".")):
        return tr("name must be a short name such as \"campus\" (it names the state file), not '{v}'.",
                  "name 应为简短名称，如 \"campus\"（用作状态文件名），而不是“{v}”。", v=value)
    if key == "workers" and not 1 <= value <= 32:
        return tr("workers must be between 1 and 32.", "workers 应在 1 到 32 之间。")
    if key in ("rate_limit", "drift_keep_days", "drift_keep_max") and value < 0:
        return tr("{k} must be 0 or more (0 = no limit).", "{k} 不能小于 0（0 表示不限）。", k=key)
    if key == "max_delete" and value < 0:
        return tr("max_delete must be 0 or more (0 = no deletion; leave it out for no limit).",
                  "max_delete 不能小于 0（0 表示不允许删除；不设置则不限）。")
    if key == "timeout" and value <= 0:
        return tr("timeout must be more than 0 seconds.", "timeout 应大于 0 秒。")
    if key == "drift" and value not in ("restore", "leave", "protect"):
        return tr("drift must be \"restore\", \"leave\" or \"protect\".", "drift 只能是 \"restore\"、\"leave\" 或 \"protect\"。")
    if key == "ca_bundle" and value and not (base / value).exists():
        return tr("ca_bundle {p} does not exist: give the CA certificate file (PEM), absolute or relative to the "
                  "config file.", "ca_bundle {p} 不存在：请给出 CA 证书文件（PEM），绝对路径或相对于配置文件的路径。",
                  p=base / value)
    return None


def _read_file(path: Path) -> Config:
    from bridge.pack.tomlfile import MAX_TOML_BYTES
    from bridge.safefile import UnsafeFile, read_regular

    try:
        text = read_regular(path, MAX_TOML_BYTES).decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnsafeFile as err:
        if err.reason == "unreadable" and not path.exists():
            raise ConfigError(tr("Config file {f} not found.", "找不到配置文件 {f}。", f=path),
                              hint=tr("Check --config or CERTBRIDGE_CONFIG.", "请检查 --config 或 CERTBRIDGE_CONFIG。")) from None
        if err.reason == "not-regular" and path.is_dir():
            raise ConfigError(tr("{f} is a folder; give the config file (certbridge.toml).",
                                 "{f} 是目录；请给出配置文件（certbridge.toml）。", f=path)) from None
        raise ConfigError(err.message) from None
    except RecursionError:
        raise ConfigError(tr("{f}: arrays or tables are nested too deeply. Fix the file.",
                             "{f}：数组或表嵌套过深。请修正该文件。", f=path)) from None
    except FileNotFoundError:
        raise ConfigError(tr("Config file {f} not found.", "找不到配置文件 {f}。", f=path),
                          hint=tr("Check --config or CERTBRIDGE_CONFIG.", "请检查 --config 或 CERTBRIDGE_CONFIG。")) from None
    except IsADirectoryError:
        raise ConfigError(tr("{f} is a folder; give the config file (certbridge.toml).",
                             "{f} 是目录；请给出配置文件（certbridge.toml）。", f=path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(tr("{f}: {err}. Fix the file.", "{f}：{err}。请修正该文件。", f=path, err=err)) from None
    lines = LineIndex(text)

    def where(*key: object) -> str:
        line = lines.line(*key)
        return f"{path}:{line}: " if line else f"{path}: "

    problems: list[str] = []
    for key in sorted(set(data) - _TOP_KEYS):
        problems.append(where(key) + tr("unknown key '{k}'.", "未知的键“{k}”。", k=key) + _did_you_mean(key, _TOP_KEYS)
                        + tr(" Known: {known} (site settings go under [[sites]]).", "可用：{known}（站点设置应写在 [[sites]] 下）。",
                             known=", ".join(sorted(_TOP_KEYS))))
    packs = data.get("packs", [str(p) for p in DEFAULT_PACKS])
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        problems.append(where("packs") + tr("packs must be a list of folders, e.g. packs = [\"resource_packs\"].",
                                            "packs 应为目录列表，例如 packs = [\"resource_packs\"]。"))
        packs = []
    state_dir = data.get("state_dir", str(DEFAULT_STATE_DIR))
    if not isinstance(state_dir, str):
        problems.append(where("state_dir") + tr("state_dir must be a folder name in quotes.", "state_dir 应为带引号的目录名。"))
        state_dir = str(DEFAULT_STATE_DIR)
    metrics_file = data.get("metrics_file", "")
    if not isinstance(metrics_file, str):
        problems.append(where("metrics_file") + tr("metrics_file must be a file name in quotes (e.g. "
                                                   "\"/var/lib/node_exporter/textfile/certbridge.prom\").",
                                                   "metrics_file 应为带引号的文件名（如 "
                                                   "\"/var/lib/node_exporter/textfile/certbridge.prom\"）。"))
        metrics_file = ""
    sites = data.get("sites", [])
    if not isinstance(sites, list) or not all(isinstance(s, dict) for s in sites):
        problems.append(where("sites") + tr("sites must be written as [[sites]] tables.", "sites 应写作 [[sites]] 表。"))
        sites = []
    base = path.parent
    names: set[str] = set()
    for i, raw in enumerate(sites):
        problems += _site_problems(raw, i, where, base)
        if raw.get("name") in names:
            problems.append(where("sites", i, "name") + tr("two sites are named '{n}'.", "有两个站点都叫“{n}”。", n=raw["name"]))
        names.add(raw.get("name"))
    if problems:
        raise ConfigError("\n".join(problems), hint=tr("Fix the config file; settings: README.md, Configuration.",
                                                        "请修正配置文件；各项设置见 README.md 的 Configuration 一节。"))
    config = Config(file=path, packs=[base / p for p in packs], state_dir=base / state_dir,
                    metrics_file=base / metrics_file if metrics_file else None)
    for raw in sites:
        site = Site(**raw)
        if site.ca_bundle:
            site.ca_bundle = str(base / site.ca_bundle)
        if site.token_file:
            site.token_file = str(base / site.token_file)
        config.sites.append(site)
    return config
