"""Typed errors for everything Moodle can answer, keyed by Moodle's ``errorcode``.

Moodle reports almost every failure with HTTP 200 and a JSON body, so the requester
inspects each body and turns it into one of these classes (see ``error_for``). The
raw ``errorcode`` is kept as is; the message shown to people is bilingual.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr

#: debuginfo can be a whole SQL query or stack; keep messages readable.
_MAX_DETAIL = 600

PLUGIN_PREFIX = "local_certbridge_"


class MoodleError(BridgeError):
    """A failure reported by (or while talking to) a Moodle site.

    ``message`` is the bilingual text for people; ``remote_message`` is Moodle's own
    text; ``errorcode`` is Moodle's code untouched; ``debuginfo`` is only present when
    the site has debugging on.
    """

    exit_code = ExitCode.FAILURES

    def __init__(
        self,
        message: str,
        *,
        function: str = "",
        errorcode: str = "",
        remote_message: str = "",
        debuginfo: str | None = None,
        hint: str | None = None,
        exit_code: ExitCode | None = None,
    ):
        super().__init__(message, hint=hint, exit_code=exit_code)
        self.function = function
        self.errorcode = errorcode
        self.remote_message = remote_message
        self.debuginfo = debuginfo

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(function={self.function!r}, errorcode={self.errorcode!r}, "
            f"message={self.remote_message or self.message!r})"
        )

    def __reduce__(self):  # keep the keyword-only constructor picklable
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type, state: dict) -> MoodleError:
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


class InvalidToken(MoodleError):
    """The token is unknown, expired or missing (``invalidtoken``)."""

    exit_code = ExitCode.SITE_ERROR


class AccessDenied(MoodleError):
    """The token's user may not do this (capability, course access, service)."""


class InvalidParameter(MoodleError):
    """Moodle rejected the parameters; ``debuginfo`` (debugging on) says which."""


class NotFound(MoodleError):
    """No such record (``invalidrecord`` / ``invalidrecordunknown`` and friends)."""


class AlreadyExists(MoodleError):
    """A unique field is already taken."""


class ShortnameTaken(AlreadyExists):
    """A course with this shortname exists (``shortnametaken``)."""


class IdnumberTaken(AlreadyExists):
    """A category or course with this idnumber exists."""


class Conflict(MoodleError):
    """The site's current state forbids the change (e.g. a quiz with attempts, an
    idnumber held by another module type); it needs a decision, not a retry."""


class PluginMissing(MoodleError):
    """The ``local_certbridge`` functions are not installed or not in the token's service."""

    exit_code = ExitCode.SITE_ERROR


class PluginIncompatible(MoodleError):
    """The installed plugin speaks another API version or is too old."""

    exit_code = ExitCode.SITE_ERROR


class ImportFailed(MoodleError):
    """Moodle's question importer rejected a file (``certbridge_importfailed``)."""


class FileTooLarge(MoodleError):
    """An upload exceeds a size limit (``fileoversized``, HTTP 413)."""


class FileNameExists(MoodleError):
    """The draft area already holds a file of that name (``filenameexist``)."""


class UploadFailed(MoodleError):
    """Any other per-file upload failure."""


class WarningsError(MoodleError):
    """The call returned, but some items came back as warnings (= failures).

    ``warnings`` holds one ``MoodleWarning`` per failed item; ``result`` the whole
    decoded body, so a caller can still use what succeeded.
    """

    def __init__(self, message: str, *, warnings: list[MoodleWarning], result: Any = None, **kw: Any):
        super().__init__(message, **kw)
        self.warnings = warnings
        self.result = result


class TransportError(MoodleError):
    """The site could not be reached; nothing was done on it."""

    exit_code = ExitCode.SITE_ERROR


class ServerError(MoodleError):
    """The site answered with HTTP 5xx. ``write`` tells whether a write was attempted."""

    def __init__(self, message: str, *, status: int, write: bool = False, **kw: Any):
        super().__init__(message, **kw)
        self.status = status
        self.write = write


class AmbiguousWrite(MoodleError):
    """A write was sent but its outcome is unknown (timeout, connection reset).

    Never retried blindly: read the state back (by idnumber) and decide.
    """


class UnexpectedResponse(MoodleError):
    """The body is not what a Moodle web service sends (not JSON, wrong URL, proxy page)."""

    exit_code = ExitCode.SITE_ERROR


class UnexpectedReply(UnexpectedResponse):
    """A reply that decodes as JSON but lacks a field the client needs, or has it with the
    wrong type. The site cannot be used as it is (exit 3)."""

    def __init__(self, message: str, *, field: str = "", **kw: Any):
        super().__init__(message, **kw)
        self.field = field


@dataclass(frozen=True)
class MoodleWarning:
    """One item of a ``warnings`` list: Moodle's per-item failure report."""

    item: str
    itemid: Any
    warningcode: str
    message: str

    @classmethod
    def from_json(cls, data: dict) -> MoodleWarning:
        return cls(
            item=str(data.get("item", "")),
            itemid=data.get("itemid"),
            warningcode=str(data.get("warningcode", "")),
            message=str(data.get("message", "")),
        )

    def to_error(self, function: str) -> MoodleError:
        """The typed error this warning stands for (e.g. ``requireloginerror`` → AccessDenied)."""
        return error_for(function, {"errorcode": self.warningcode, "message": self.message})


# errorcode → class. Every code in shared/moodle-contract/ is listed, plus close kin.
ERRORCODES: dict[str, type[MoodleError]] = {
    "invalidtoken": InvalidToken,
    "accessexception": AccessDenied,
    "nopermissions": AccessDenied,
    "requireloginerror": AccessDenied,
    "errorcoursecontextnotvalid": AccessDenied,
    # Also what Moodle says for a category id that does not exist (contract 68).
    "errorcatcontextnotvalid": AccessDenied,
    "restrictedcontextexception": AccessDenied,
    "usernotfullysetup": AccessDenied,
    "sitepolicynotagreed": AccessDenied,
    "invalidparameter": InvalidParameter,
    "missingparam": InvalidParameter,
    # edit_module with an unknown action: our call was wrong, not the site.
    "codingerror": InvalidParameter,
    "invalidrecord": NotFound,
    "invalidrecordunknown": NotFound,
    "unknowcategory": NotFound,  # sic: Moodle's spelling
    "unknowncourseidnumber": NotFound,
    "certbridge_notindraft": NotFound,
    "shortnametaken": ShortnameTaken,
    "categoryidnumbertaken": IdnumberTaken,
    "courseidnumbertaken": IdnumberTaken,
    "idnumbertaken": IdnumberTaken,
    "certbridge_importfailed": ImportFailed,
    "certbridge_quizhasattempts": Conflict,
    "certbridge_wrongmodname": Conflict,
    "fileoversized": FileTooLarge,
    "maxbytes": FileTooLarge,
    "userquotalimit": FileTooLarge,
    "filenameexist": FileNameExists,
}


def _what(cls: type[MoodleError]) -> str:
    """A short bilingual phrase for the kind of failure."""
    phrases = {
        InvalidToken: tr("the token was refused", "令牌无效"),
        AccessDenied: tr("access denied", "无权执行"),
        InvalidParameter: tr("invalid parameters", "参数无效"),
        NotFound: tr("not found", "记录不存在"),
        ShortnameTaken: tr("short name already used", "课程简称已被使用"),
        IdnumberTaken: tr("ID number already used", "ID 编号已被使用"),
        PluginMissing: tr("the certbridge plugin is missing", "缺少 certbridge 插件"),
        ImportFailed: tr("question import failed", "题目导入失败"),
        Conflict: tr("conflicts with the site's current state", "与站点现状冲突"),
        FileTooLarge: tr("file too large", "文件过大"),
        FileNameExists: tr("file name already exists", "文件名已存在"),
        UploadFailed: tr("upload failed", "上传失败"),
    }
    return phrases.get(cls, tr("Moodle error", "Moodle 错误"))


def _hint(cls: type[MoodleError], function: str) -> str | None:
    if cls is InvalidToken:
        return tr(
            "Check the site URL and token (Site administration > Server > Web services > Manage tokens).",
            "请检查站点地址与令牌（网站管理 > 服务器 > Web 服务 > 管理令牌）。",
        )
    if cls is AccessDenied:
        return tr(
            "Give the token's user the needed capabilities in that course or category, and make sure "
            "the token's service includes {function}.",
            "请为令牌所属用户在该课程或类别中授予所需权限，并确认令牌的服务包含 {function}。",
            function=function,
        )
    if cls is PluginMissing:
        return plugin_missing_hint()
    return None


def plugin_missing_hint() -> str:
    return tr(
        "Install the companion plugin moodle/local/certbridge into the site's local/ folder, run "
        "admin/cli/upgrade.php, enable the 'certbridge' service, add the sync user to its authorised "
        "users and create the token for that service (docs/plugin.md; `certbridge plugin --help`).",
        "请将配套插件 moodle/local/certbridge 安装到站点的 local/ 目录，运行 admin/cli/upgrade.php，"
        "启用 “certbridge” 服务、把同步账号加入其授权用户，并为该服务创建令牌"
        "（见 docs/plugin.md；`certbridge plugin --help`）。",
    )


def clip(text: str | None) -> str | None:
    if text is None:
        return None
    text = str(text).strip()
    return text if len(text) <= _MAX_DETAIL else text[:_MAX_DETAIL] + "…"


def _is_plugin_missing(function: str, errorcode: str, remote_message: str) -> bool:
    """Tell "no such function" apart from "no such record" for plugin functions.

    Moodle answers an unknown wsfunction with ``invalidrecord`` naming the table
    ``external_functions`` (debugging on) or a bare ``invalidrecordunknown`` (off), and a
    function outside the token's service with ``accessexception``. ``get_info`` takes no
    parameters, so any missing record there means the function itself is missing; the
    other plugin functions are only called after ``get_info`` succeeded.
    """
    if not function.startswith(PLUGIN_PREFIX):
        return False
    if errorcode == "accessexception":
        return True
    if errorcode in ("invalidrecord", "invalidrecordunknown"):
        return "external_functions" in remote_message or function == PLUGIN_PREFIX + "get_info"
    return False


def error_for(function: str, body: dict) -> MoodleError:
    """Build the typed error for an exception body (REST) or an upload error object."""
    errorcode = str(body.get("errorcode") or body.get("errortype") or "")
    remote_message = str(body.get("message") or body.get("error") or "")
    debuginfo = body.get("debuginfo")
    debuginfo = clip(str(debuginfo)) if debuginfo else None
    if _is_plugin_missing(function, errorcode, remote_message):
        cls: type[MoodleError] = PluginMissing
    else:
        cls = ERRORCODES.get(errorcode, MoodleError)
    detail = remote_message or errorcode
    if debuginfo:
        detail = f"{detail} ({debuginfo})"
    what, hint = _what(cls), _hint(cls, function)
    if cls is PluginMissing and errorcode == "accessexception":
        # The function exists on the site (else: invalidrecord); the token's service lacks it.
        what = tr("the token's service lacks this function (the plugin itself is installed)",
                  "令牌所属服务不包含此函数（插件本身已安装）")
        hint = tr("Use a token of the 'certbridge' service (the plugin creates it), or add the local_certbridge_* "
                  "functions to the token's service (Site administration > Server > Web services > External "
                  "services > Functions).",
                  "请使用 “certbridge” 服务（由插件创建）的令牌，或将 local_certbridge_* 函数加入令牌所属服务"
                  "（网站管理 > 服务器 > Web 服务 > 外部服务 > 函数）。")
    message = tr("{function}: {what}: {detail}", "{function}：{what}：{detail}",
                 function=function, what=what, detail=detail)
    return cls(message, function=function, errorcode=errorcode, remote_message=remote_message,
               debuginfo=debuginfo, hint=hint)


def warnings_error(function: str, warnings: list[MoodleWarning], result: Any) -> WarningsError:
    listed = "; ".join(f"{w.item} {w.itemid}: {w.warningcode} {w.message}".strip() for w in warnings)
    message = tr("{function}: {n} item(s) failed: {listed}", "{function}：{n} 项失败：{listed}",
                 function=function, n=len(warnings), listed=clip(listed))
    first = warnings[0]
    return WarningsError(message, warnings=warnings, result=result, function=function,
                         errorcode=first.warningcode, remote_message=first.message)
