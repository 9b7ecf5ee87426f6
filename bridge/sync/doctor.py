"""``certbridge doctor``: can this site be synced? Each check says what is wrong and how
to fix it; later checks are skipped when an earlier one makes them meaningless."""
from __future__ import annotations

from dataclasses import dataclass

from bridge.config import Site, insecure_warning, is_tls_error, tls_hint
from bridge.errors import BridgeError
from bridge.i18n import tr
from bridge.moodle.compat import BATCH_API_VERSION, EXPORT_PLUGIN_VERSION, GET_INFO
from bridge.moodle.errors import (
    InvalidToken,
    MoodleError,
    PluginIncompatible,
    PluginMissing,
    TransportError,
    UnexpectedReply,
    UnexpectedResponse,
)
from bridge.moodle.errors import PLUGIN_PREFIX

#: Every web-service function a sync or report calls.
NEEDED_FUNCTIONS = (
    "core_webservice_get_site_info", "core_course_get_categories", "core_course_create_categories",
    "core_course_get_courses_by_field", "core_course_create_courses", "core_course_edit_module",
    "core_course_delete_modules",
    GET_INFO, PLUGIN_PREFIX + "ensure_sections", PLUGIN_PREFIX + "upsert_module",
    PLUGIN_PREFIX + "import_questions", PLUGIN_PREFIX + "get_modules", PLUGIN_PREFIX + "delete_module",
)
OK, FAIL, SKIP, WARN = "ok", "fail", "skipped", "warning"


@dataclass
class Check:
    name: str
    status: str
    detail: str = ""
    fix: str = ""

    def to_dict(self) -> dict:
        return {"check": self.name, "status": self.status, "detail": self.detail, "fix": self.fix or None}


def _fix(err: BaseException) -> str:
    return getattr(err, "hint", None) or ""


def run_doctor(site: Site, client_factory) -> list[Check]:
    """All checks for ``site``; ``client_factory(site)`` builds the client (tests pass their own)."""
    checks: list[Check] = []
    try:
        client = client_factory(site)
    except BridgeError as err:  # no token in the environment
        return [Check("token", FAIL, err.message, _fix(err))]
    with client:
        try:
            info = client.site_info()
        except TransportError as err:
            return checks + [Check("reachable", FAIL, err.message, tls_hint(site) if is_tls_error(err) else _fix(err))]
        except UnexpectedReply as err:  # JSON, but not the shape Moodle sends
            return checks + [Check("reachable", OK, site.url), Check("rest", FAIL, err.message, _fix(err))]
        except UnexpectedResponse as err:
            return checks + [Check("reachable", OK, site.url),
                             Check("rest", FAIL, err.message,
                                   tr("Enable web services and the REST protocol (Site administration > Server > "
                                      "Web services > Overview), and check the URL is the site root.",
                                      "请启用 Web 服务与 REST 协议（网站管理 > 服务器 > Web 服务 > 概览），并确认地址为站点根地址。"))]
        except InvalidToken as err:
            return checks + [Check("reachable", OK, site.url), Check("rest", OK),
                             Check("token", FAIL, err.message, _fix(err))]
        except MoodleError as err:
            fix = _fix(err)
            if err.errorcode == "accessexception":
                # Every service has get_site_info: the token's service refuses this user as a whole.
                fix = tr("Enable the service 'certbridge' and add the token's user to its Authorised users "
                         "(Site administration > Server > Web services > External services; docs/plugin.md).",
                         "请启用服务 “certbridge” 并把令牌的用户加入其“授权用户”（网站管理 > 服务器 > Web 服务 > "
                         "外部服务；见 docs/plugin.md）。")
            return checks + [Check("reachable", OK, site.url), Check("rest", FAIL, err.message, fix)]
        if site.insecure_http:
            checks.append(Check("transport", WARN, insecure_warning(site),
                                tr("Use https:// (ca_bundle for a private CA) and remove allow_insecure_http.",
                                   "请改用 https://（私有 CA 见 ca_bundle），并删除 allow_insecure_http。")))
        checks += [Check("reachable", OK, site.url),
                   Check("rest", OK, tr("Moodle {release}", "Moodle {release}", release=info.get("release", "?"))),
                   Check("token", OK, tr("user {user}", "用户 {user}", user=info.get("username", "?")))]
        needed = list(NEEDED_FUNCTIONS)
        try:
            plugin = client.plugin_info()
            if plugin.api_version >= BATCH_API_VERSION:
                needed.append(PLUGIN_PREFIX + "upsert_modules")  # sync batches its writes with it
            checks.append(Check("plugin", OK, f"local_certbridge {plugin.plugin_release} ({plugin.plugin_version}), "
                                              f"API {plugin.api_version}"))
            if plugin.plugin_version >= EXPORT_PLUGIN_VERSION:
                needed.append(PLUGIN_PREFIX + "export_module")  # keeps a teacher's hand edit before restoring
            else:
                checks.append(Check("hand-edits", WARN, tr(
                    "this plugin cannot export a module, so a teacher's edit in Moodle cannot be kept: the sync "
                    "leaves such a module alone and reports it", "此插件无法导出模块，教师在 Moodle 中的修改无法保存："
                    "同步将不改动这类模块并报告它们"), tr(
                    "Upgrade local_certbridge to 1.5.0 ({v}) or later (certbridge plugin zip).",
                    "请将 local_certbridge 升级到 1.5.0（{v}）或更高版本（certbridge plugin zip）。",
                    v=EXPORT_PLUGIN_VERSION)))
        except (PluginMissing, PluginIncompatible) as err:
            checks.append(Check("plugin", FAIL, err.message, _fix(err)))
        except MoodleError as err:
            checks.append(Check("plugin", FAIL, err.message, _fix(err)))
        available = {f.get("name") for f in info.get("functions") or []}
        missing = [f for f in needed if f not in available]
        if missing:
            checks.append(Check("functions", FAIL, tr("missing from the token's service: {names}",
                                                      "令牌所属服务缺少：{names}", names=", ".join(missing)),
                                tr("Use a token of the 'certbridge' service (the plugin creates it), or add these "
                                   "functions to your service (Site administration > Server > Web services > "
                                   "External services > Functions).",
                                   "请使用 “certbridge” 服务（由插件创建）的令牌，或将这些函数加入你的服务"
                                   "（网站管理 > 服务器 > Web 服务 > 外部服务 > 函数）。")))
        else:
            checks.append(Check("functions", OK, tr("{n} functions available", "{n} 个函数可用", n=len(needed))))
        if int(info.get("uploadfiles", 0) or 0):
            checks.append(Check("uploads", OK))
        else:
            checks.append(Check("uploads", FAIL, tr("the token's service does not allow file uploads",
                                                    "令牌所属服务不允许上传文件"),
                                tr("Tick 'Can upload files' on the service (Site administration > Server > Web services "
                                   "> External services > Edit).",
                                   "请在该服务上勾选“可以上传文件”（网站管理 > 服务器 > Web 服务 > 外部服务 > 编辑）。")))
    return checks
