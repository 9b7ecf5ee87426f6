"""Which companion plugin this client can work with (docs/plugin-api.md)."""
from __future__ import annotations

from bridge.i18n import tr
from bridge.moodle.errors import PLUGIN_PREFIX, PluginIncompatible, plugin_missing_hint
from bridge.moodle.types import PluginInfo

#: The plugin APIs this client speaks (``get_info.api_version``), oldest first: 2 adds
#: ``upsert_modules`` (batched writes); with API 1 the client writes one module per call.
API_VERSIONS = (1, 2)
#: The newest of them.
API_VERSION = API_VERSIONS[-1]
#: The first API with ``local_certbridge_upsert_modules``.
BATCH_API_VERSION = 2
#: The oldest plugin build that implements API_VERSION correctly.
MIN_PLUGIN_VERSION = 2026112800
#: The first plugin build that stores course plans and reports inside Moodle
#: (``set_course_plan``, ``get_report``); older ones still sync.
PLANS_PLUGIN_VERSION = 2026113001
#: The first plugin build with ``export_module``: a teacher's hand edit is kept before a sync
#: overwrites it (docs/drift.md). With an older one such a module is left alone, reported.
EXPORT_PLUGIN_VERSION = 2026113005

GET_INFO = PLUGIN_PREFIX + "get_info"


def check_plugin(info: PluginInfo) -> PluginInfo:
    """Return ``info`` if usable, else raise ``PluginIncompatible`` saying what to install."""
    if info.api_version not in API_VERSIONS:
        if info.api_version > API_VERSION:
            hint = tr("Upgrade certbridge (this one speaks plugin API {ours}).",
                      "请升级 certbridge（当前版本使用插件 API {ours}）。", ours=API_VERSION)
        else:
            hint = plugin_missing_hint()
        raise PluginIncompatible(
            tr("The site's local_certbridge {release} speaks plugin API {theirs}; this certbridge needs API {ours}.",
               "站点的 local_certbridge {release} 使用插件 API {theirs}；本程序需要 API {ours}。",
               release=info.plugin_release or info.plugin_version, theirs=info.api_version, ours=API_VERSION),
            function=GET_INFO, errorcode="apiversion", hint=hint,
        )
    if info.plugin_version < MIN_PLUGIN_VERSION:
        raise PluginIncompatible(
            tr("The site's local_certbridge is version {theirs}; version {min} or newer is needed.",
               "站点的 local_certbridge 版本为 {theirs}；需要 {min} 或更新版本。",
               theirs=info.plugin_version, min=MIN_PLUGIN_VERSION),
            function=GET_INFO, errorcode="pluginversion",
            hint=tr("Upgrade the plugin: copy moodle/local/certbridge from this release into the site's "
                    "local/ folder and run admin/cli/upgrade.php.",
                    "请升级插件：将本版本的 moodle/local/certbridge 复制到站点的 local/ 目录并运行 "
                    "admin/cli/upgrade.php。"),
        )
    return info
