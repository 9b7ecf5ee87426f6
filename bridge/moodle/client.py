"""``MoodleClient``: typed wrappers over Moodle core and the ``local_certbridge`` plugin.

Each method's docstring names the wsfunction it calls. Wire details (flattening, error
mapping, retries, token handling) live in ``requester.py``; uploads in ``upload.py``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bridge.errors import ExitCode
from bridge.moodle import download, upload
from bridge.moodle.compat import BATCH_API_VERSION, GET_INFO, check_plugin
from bridge.i18n import tr
from bridge.moodle.errors import PLUGIN_PREFIX, MoodleError, UnexpectedResponse, WarningsError, error_for
from bridge.moodle.requester import Requester
from bridge.moodle.types import (
    CallStats,
    ImportResult,
    ModuleExport,
    ModuleListing,
    PluginInfo,
    RemoteModule,
    RemoteSection,
    UploadResult,
    UpsertResult,
)

MODNAMES = ("resource", "page", "url", "label", "quiz")
#: Most modules ``upsert_modules`` takes in one call (the plugin's ``MAX_MODULES``).
MAX_BATCH = 50


def _check_modname(modname: object) -> None:
    if modname not in MODNAMES:
        raise ValueError(f"modname must be one of {', '.join(MODNAMES)}, not {modname!r}")


class MoodleClient:
    """A Moodle site seen through one token.

    ``url`` is the site root (``http://127.0.0.1:8765``). Reads are retried on
    connection errors and 5xx; writes never are once sent (see ``AmbiguousWrite``).
    ``rate_limit`` is requests per second, or a callable run before each request.
    """

    def __init__(self, url: str, token: str, **options: Any):
        """``options`` are ``Requester``'s: ``timeout``, ``verify``, ``retries``, ``backoff``,
        ``rate_limit``, ``user_agent``, ``session``."""
        self.requester = Requester(url, token, **options)
        self._plugin: PluginInfo | None = None

    def __repr__(self) -> str:
        return f"MoodleClient(url={self.url!r})"

    def __enter__(self) -> MoodleClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.requester.close()

    @property
    def url(self) -> str:
        return self.requester.url

    @property
    def stats(self) -> CallStats:
        """Counters of calls made: ``reads``, ``writes``, ``by_function``, ``http_requests``."""
        return self.requester.stats

    def call(self, wsfunction: str, *, write: bool, allow_warnings: bool = False, **params: Any) -> Any:
        """Call any web-service function; ``write=True`` turns retries off once sent."""
        return self.requester.call(wsfunction, params, write=write, allow_warnings=allow_warnings)

    # -- core: site, categories, courses --------------------------------------------

    def site_info(self) -> dict:
        """Who the token belongs to and which functions it may call (``core_webservice_get_site_info``)."""
        return self.call("core_webservice_get_site_info", write=False)

    def get_categories(self, **criteria: Any) -> list[dict]:
        """Categories matching ``criteria`` (e.g. ``idnumber="x"``), all when none (``core_course_get_categories``)."""
        params: dict[str, Any] = {}
        if criteria:
            params["criteria"] = [{"key": k, "value": v} for k, v in criteria.items()]
            params["addsubcategories"] = False
        return self.call("core_course_get_categories", write=False, **params)

    def create_category(self, name: str, parent: int = 0, idnumber: str | None = None,
                        description: str = "") -> dict:
        """Create a course category; returns ``{id, name}`` (``core_course_create_categories``)."""
        category = {"name": name, "parent": parent, "idnumber": idnumber}
        if description:
            category.update(description=description, descriptionformat=1)
        return self.call("core_course_create_categories", write=True, categories=[category])[0]

    def get_course_by_shortname(self, shortname: str) -> dict | None:
        """The course with this shortname, or ``None`` (``core_course_get_courses_by_field``)."""
        result = self.call("core_course_get_courses_by_field", write=False, field="shortname", value=shortname)
        courses = result.get("courses") or []
        return courses[0] if courses else None

    def get_course(self, courseid: int) -> dict | None:
        """The course with this id, or ``None`` (``core_course_get_courses_by_field``)."""
        result = self.call("core_course_get_courses_by_field", write=False, field="id", value=courseid)
        courses = result.get("courses") or []
        return courses[0] if courses else None

    def create_course(self, shortname: str, fullname: str, categoryid: int, *, summary: str = "",
                      numsections: int = 0, visible: bool = True, idnumber: str | None = None,
                      format: str = "topics") -> dict:
        """Create a course; returns ``{id, shortname}`` (``core_course_create_courses``)."""
        course = {
            "fullname": fullname, "shortname": shortname, "categoryid": categoryid, "idnumber": idnumber,
            "summary": summary, "summaryformat": 1, "format": format, "visible": visible,
            "courseformatoptions": [{"name": "numsections", "value": numsections}],
        }
        return self.call("core_course_create_courses", write=True, courses=[course])[0]

    def update_course(self, courseid: int, **fields: Any) -> None:
        """Change course fields, e.g. ``fullname=…`` (``core_course_update_courses``).

        Moodle reports a refused course as a warning; it is raised as its typed error
        (``AccessDenied``, ``NotFound``…).
        """
        self._single_item("core_course_update_courses", courses=[{"id": courseid, **fields}])

    def delete_course(self, courseid: int) -> None:
        """Delete a course and everything in it (``core_course_delete_courses``)."""
        self._single_item("core_course_delete_courses", courseids=[courseid])

    def _single_item(self, function: str, **params: Any) -> Any:
        try:
            return self.call(function, write=True, **params)
        except WarningsError as err:
            raise err.warnings[0].to_error(function) from None

    def get_course_contents(self, courseid: int) -> list[dict]:
        """Sections with their modules (no idnumbers) (``core_course_get_contents``)."""
        return self.call("core_course_get_contents", write=False, courseid=courseid)

    # -- core: modules and sections ----------------------------------------------------

    def get_course_module(self, cmid: int) -> dict:
        """One course module, ``idnumber`` included (``core_course_get_course_module``)."""
        return self.call("core_course_get_course_module", write=False, cmid=cmid)["cm"]

    def edit_module(self, action: str, cmid: int) -> None:
        """``hide``/``show``/``stealth``/… a module (``core_course_edit_module``)."""
        self.call("core_course_edit_module", write=True, action=action, id=cmid)

    def edit_section(self, action: str, sectionid: int) -> None:
        """``hide``/``show`` a section by its id, not number (``core_course_edit_section``)."""
        self.call("core_course_edit_section", write=True, action=action, id=sectionid)

    def delete_modules(self, cmids: Sequence[int]) -> None:
        """Delete modules by cmid (``core_course_delete_modules``, which answers ``null``)."""
        if cmids:
            self.call("core_course_delete_modules", write=True, cmids=list(cmids))

    def get_unused_draft_itemid(self) -> int:
        """A fresh draft item id for uploads (``core_files_get_unused_draft_itemid``)."""
        return int(self.call("core_files_get_unused_draft_itemid", write=False)["itemid"])

    # -- files -------------------------------------------------------------------------

    def upload_files(self, files: Sequence[upload.FileSpec], *, itemid: int = 0) -> UploadResult:
        """Stream files into one draft area (``webservice/upload.php``).

        Each item is a path or ``(name in Moodle, path)``; ``itemid=0`` allocates a new
        draft item id. Raises ``FileTooLarge``/``FileNameExists`` for a refused file.
        """
        max_bytes = self._plugin.maxbytes if self._plugin else 0
        return upload.upload_files(self.requester, files, itemid=itemid, max_bytes=max_bytes)

    def download_file(self, fileurl: str, dest) -> str:
        """Stream a module's file (a ``fileurl`` from ``export_module``) into ``dest``;
        returns the SHA-1 of the bytes (``webservice/pluginfile.php``)."""
        return download.download_file(self.requester, fileurl, dest)

    # -- the companion plugin ----------------------------------------------------------

    def plugin_info(self) -> PluginInfo:
        """Plugin and site versions (``local_certbridge_get_info``).

        Raises ``PluginMissing`` when the plugin (or its service) is absent and
        ``PluginIncompatible`` when it speaks another API or is too old.
        """
        info = check_plugin(PluginInfo.from_json(self.call(GET_INFO, write=False)))
        self._plugin = info
        return info

    def require_plugin(self) -> PluginInfo:
        """``plugin_info()`` once per client; every plugin wrapper calls this first."""
        return self._plugin or self.plugin_info()

    def _plugin_call(self, function: str, params: dict[str, Any], *, write: bool) -> dict:
        self.require_plugin()
        # Plugin warnings are informational (the write happened); they ride on the result.
        return self.requester.call(PLUGIN_PREFIX + function, params, write=write, allow_warnings=True)

    def ensure_sections(self, courseid: int, sections: Sequence[tuple[int, str]]) -> list[RemoteSection]:
        """Create/rename sections; returns all sections (``local_certbridge_ensure_sections``)."""
        result = self._plugin_call("ensure_sections", {
            "courseid": courseid, "sections": [{"number": n, "name": name} for n, name in sections]}, write=True)
        return [RemoteSection(number=int(s["number"]), id=int(s["id"]), name=s.get("name") or "",
                              visible=bool(int(s.get("visible", 1)))) for s in result["sections"]]

    def upsert_module(self, courseid: int, *, idnumber: str, modname: str, section: int, name: str,
                      intro: str = "", visible: bool = True, position: int = -1, content: str = "",
                      externalurl: str = "", draftitemid: int = 0, filename: str = "") -> UpsertResult:
        """Create or update the module with this idnumber (``local_certbridge_upsert_module``)."""
        _check_modname(modname)
        result = self._plugin_call("upsert_module", {
            "courseid": courseid, "idnumber": idnumber, "modname": modname, "section": section, "name": name,
            "intro": intro, "visible": visible, "position": position, "content": content,
            "externalurl": externalurl, "draftitemid": draftitemid, "filename": filename}, write=True)
        return UpsertResult.from_json(result)

    def upsert_modules(self, courseid: int, modules: Sequence[dict[str, Any]]) -> list[UpsertResult | MoodleError]:
        """Create or update several modules of one course, in order; one result per module:
        its ``UpsertResult``, or the typed error that stopped it (the others are still written).

        One call to ``local_certbridge_upsert_modules`` (plugin API 2), or, from an older
        plugin, one ``upsert_module`` call per module. Each module is a dict of
        ``upsert_module``'s keyword arguments. An error of the call as a whole (token,
        course, network: ``AmbiguousWrite``…) is raised, not returned.
        """
        if len(modules) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} modules per call, not {len(modules)}")
        for module in modules:
            _check_modname(module.get("modname"))
        if self.require_plugin().api_version < BATCH_API_VERSION:
            return [self._upsert_one(courseid, module) for module in modules]
        function = PLUGIN_PREFIX + "upsert_modules"
        result = self._plugin_call("upsert_modules", {"courseid": courseid, "modules": list(modules)}, write=True)
        items = result["results"]
        if len(items) != len(modules):
            raise UnexpectedResponse(tr("{function}: {n} results for {m} modules", "{function}：{m} 个模块返回了 {n} 个结果",
                                        function=function, n=len(items), m=len(modules)), function=function)
        return [UpsertResult.from_json(item) if item.get("ok") else error_for(function, item) for item in items]

    def _upsert_one(self, courseid: int, module: dict[str, Any]) -> UpsertResult | MoodleError:
        try:
            return self.upsert_module(courseid, **module)
        except MoodleError as err:
            if err.exit_code == ExitCode.SITE_ERROR:
                raise  # the site is unusable: not this module's problem
            return err

    def import_questions(self, cmid: int, *, draftitemid: int, filename: str) -> ImportResult:
        """Replace a quiz's questions with a Moodle XML file from a draft area
        (``local_certbridge_import_questions``)."""
        result = self._plugin_call("import_questions", {
            "cmid": cmid, "draftitemid": draftitemid, "filename": filename}, write=True)
        return ImportResult.from_json(result)

    def get_modules(self, courseid: int, prefix: str) -> list[RemoteModule]:
        """The course's modules whose idnumber starts with ``prefix`` (``local_certbridge_get_modules``)."""
        return self.list_modules(courseid, prefix).modules

    def list_modules(self, courseid: int, prefix: str) -> ModuleListing:
        """``get_modules`` with the fingerprint of the course plan stored in Moodle
        (``local_certbridge_get_modules``)."""
        if not prefix:
            raise ValueError("prefix must not be empty")
        if self._plugin is not None:
            result = self._plugin_call("get_modules", {"courseid": courseid, "prefix": prefix}, write=False)
        else:
            result = self._first_plugin_read("get_modules", {"courseid": courseid, "prefix": prefix})
        fingerprint = result.get("plan_fingerprint")
        return ModuleListing([RemoteModule.from_json(m) for m in result["modules"]],
                             None if fingerprint is None else str(fingerprint))

    def set_course_plan(self, courseid: int, plan: dict) -> str:
        """Store the course's plan (bridge.render.plan) for the in-Moodle report; returns the
        stored fingerprint (``local_certbridge_set_course_plan``)."""
        result = self._plugin_call("set_course_plan", {"courseid": courseid, "plan": plan}, write=True)
        return str(result["fingerprint"])

    def get_report(self, courseid: int) -> dict:
        """The course's completion computed by Moodle from its stored plan
        (``local_certbridge_get_report``; fields in docs/plugin-api.md)."""
        return self._plugin_call("get_report", {"courseid": courseid}, write=False)

    def _first_plugin_read(self, function: str, params: dict[str, Any]) -> dict:
        """A plugin read before ``get_info`` was asked: the reply carries the plugin's
        versions, so a read-only run needs no extra call. On an error, or from a plugin
        too old to send them, ``get_info`` says what is wrong (missing, incompatible)."""
        try:
            result = self.requester.call(PLUGIN_PREFIX + function, params, write=False, allow_warnings=True)
        except MoodleError:
            self.require_plugin()  # raises PluginMissing / PluginIncompatible when that is the cause
            raise
        if "api_version" not in result or "plugin_version" not in result:
            self.require_plugin()
        else:
            check_plugin(PluginInfo(component="local_certbridge", plugin_version=int(result["plugin_version"]),
                                    plugin_release="", api_version=int(result["api_version"]),
                                    moodle_version=0, moodle_release=""))
        return result

    def export_module(self, cmid: int) -> ModuleExport:
        """What a module holds now, as stored: name, description, page HTML, URL, the
        file's address, a quiz's questions as Moodle XML, when and by whom it was last
        changed (``local_certbridge_export_module``)."""
        return ModuleExport.from_json(self._plugin_call("export_module", {"cmid": cmid}, write=False))

    def delete_module(self, courseid: int, idnumber: str, prefix: str) -> bool:
        """Delete the module with this idnumber; ``False`` if none (``local_certbridge_delete_module``)."""
        if not prefix or not idnumber.startswith(prefix):
            raise ValueError(f"idnumber {idnumber!r} is outside prefix {prefix!r}")
        result = self._plugin_call("delete_module", {
            "courseid": courseid, "idnumber": idnumber, "prefix": prefix}, write=True)
        return bool(result["deleted"])
