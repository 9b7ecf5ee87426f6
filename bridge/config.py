"""Configuration: sites, where packs live, where state is kept.

``certbridge.toml`` (found by ``--config``, ``CERTBRIDGE_CONFIG`` or the current folder)::

    packs = ["resource_packs"]          # folders of packs or pack folders
    state_dir = ".certbridge/state"     # one SQLite state file per site

    [[sites]]
    name = "campus"
    url = "https://moodle.example.edu.cn"
    token_env = "CAMPUS_MOODLE_TOKEN"   # the NAME of the variable holding the token
    workers = 2                         # parallel uploads
    rate_limit = 20                     # requests per second (0 = none)
    timeout = 120                       # seconds to read a response
    verify_tls = true                   # never turn off outside a lab
    ca_bundle = ""                      # optional CA file for a private CA
    drift = "restore"                   # hand changes in Moodle: "restore" them or "leave" and report
    prune = false                       # delete (not hide) modules removed from a pack
    max_delete = 0                      # refuse a run deleting more than this (0 = no limit)

Without a file, ``CERTBRIDGE_URL`` and ``CERTBRIDGE_TOKEN`` define one site named
``default``. Tokens are only ever read from the environment, never from the file.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr

CONFIG_FILE = "certbridge.toml"
DEFAULT_STATE_DIR = Path(".certbridge/state")
DEFAULT_PACKS = [Path("resource_packs")]
_SITE_KEYS = {"name", "url", "token_env", "workers", "rate_limit", "timeout", "verify_tls", "ca_bundle",
              "drift", "prune", "max_delete"}
_TOP_KEYS = {"packs", "state_dir", "sites"}


class ConfigError(BridgeError):
    exit_code = ExitCode.INVALID_INPUT


@dataclass
class Site:
    name: str
    url: str
    token_env: str
    workers: int = 2
    rate_limit: float = 0.0
    timeout: float = 120.0
    verify_tls: bool = True
    ca_bundle: str = ""
    drift: str = "restore"  # sync policy for hand changes: restore | leave
    prune: bool = False  # sync deletes (instead of hiding) modules removed from a pack
    max_delete: int = 0  # 0 = no limit

    @property
    def token(self) -> str:
        """The token from the environment; a clear error when it is not set."""
        value = os.environ.get(self.token_env, "").strip()
        if not value:
            raise ConfigError(
                tr("No token for site '{site}': set the environment variable {var}.",
                   "站点“{site}”没有令牌：请设置环境变量 {var}。", site=self.name, var=self.token_env),
                exit_code=ExitCode.SITE_ERROR)
        return value

    @property
    def verify(self) -> bool | str:
        return self.ca_bundle or self.verify_tls

    def __repr__(self) -> str:  # never the token
        return f"Site(name={self.name!r}, url={self.url!r}, token_env={self.token_env!r})"


@dataclass
class Config:
    sites: list[Site] = field(default_factory=list)
    packs: list[Path] = field(default_factory=lambda: list(DEFAULT_PACKS))
    state_dir: Path = DEFAULT_STATE_DIR
    file: Path | None = None

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
        config.sites.append(Site(name="default", url=env["CERTBRIDGE_URL"], token_env="CERTBRIDGE_TOKEN"))
    if env.get("CERTBRIDGE_STATE_DIR"):
        config.state_dir = Path(env["CERTBRIDGE_STATE_DIR"])
    return config


def _read_file(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text("utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(tr("Config file {f} not found.", "找不到配置文件 {f}。", f=path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(tr("{f}: {err}. Fix the file.", "{f}：{err}。请修正该文件。", f=path, err=err)) from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(tr("{f}: unknown key(s) {k}; known: {known}.", "{f}：未知的键 {k}；可用：{known}。",
                             f=path, k=", ".join(sorted(unknown)), known=", ".join(sorted(_TOP_KEYS))))
    base = path.parent
    config = Config(file=path,
                    packs=[base / p for p in data.get("packs", [str(p) for p in DEFAULT_PACKS])],
                    state_dir=base / data.get("state_dir", str(DEFAULT_STATE_DIR)))
    for i, raw in enumerate(data.get("sites", [])):
        unknown = set(raw) - _SITE_KEYS
        missing = {"name", "url", "token_env"} - set(raw)
        if unknown or missing:
            raise ConfigError(tr("{f}: site #{n}: unknown {u}, missing {m}.", "{f}：第 {n} 个站点：未知键 {u}，缺少 {m}。",
                                 f=path, n=i + 1, u=", ".join(sorted(unknown)) or "-", m=", ".join(sorted(missing)) or "-"))
        if raw.get("drift", "restore") not in ("restore", "leave"):
            raise ConfigError(tr("{f}: site #{n}: drift must be \"restore\" or \"leave\".",
                                 "{f}：第 {n} 个站点：drift 只能是 \"restore\" 或 \"leave\"。", f=path, n=i + 1))
        config.sites.append(Site(**raw))
    return config
