"""Content checks of a loaded pack: files, URLs, templates, quizzes, skill codes."""
from __future__ import annotations

import os
import re
from stat import S_ISREG
from urllib.parse import urlsplit

from bridge.i18n import tr
from bridge.pack.model import Pack, Resource
from bridge.pack.problems import Problem, ProblemList
from bridge.words import word
from bridge.safefile import kind_of

DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024
QUIZ_SUFFIXES = {".gift": "gift", ".txt": "gift", ".xml": "xml", ".xlsx": "sheet", ".csv": "sheet"}
#: A skill code as a question tag: 1.1.1 (tags that are not codes are left alone).
_SKILL_TAG = re.compile(r"^\d+(\.\d+){1,3}$")
PAGE_SUFFIXES = {".html", ".htm"}


def check_pack_content(pack: Pack, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> list[Problem]:
    """Every content problem of a pack whose references are already resolved."""
    problems = ProblemList(pack.file)
    if any(r.template and r.ready and ((r.home_root or pack.root) / "templates").is_dir() for r in pack.resources):
        from bridge.render.worker import shared_worker

        shared_worker().start()  # its start-up overlaps the checks before the first page
    requirements = None
    if pack.certificate and pack.certificate.standard and pack.certificate.level:
        requirements = pack.certificate.standard.requirement_map(pack.certificate.level)
    for resource in pack.resources:
        if resource.url is not None:
            _check_url(resource, problems)
        if requirements is not None:
            _check_skills(pack, resource, requirements, problems)
        if resource.ready and resource.type:
            _check_ready(pack, resource, problems, max_file_bytes)
    return problems.items


def _check_url(resource: Resource, problems: ProblemList) -> None:
    parts = urlsplit(resource.url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.add(resource.line_of("url"), "url-scheme",
                     tr("URL '{u}' must start with http:// or https:// and name a host.",
                        "链接“{u}”必须以 http:// 或 https:// 开头并包含主机名。", u=resource.url))


def _check_skills(pack: Pack, resource: Resource, requirements: dict, problems: ProblemList) -> None:
    for code in resource.skills:
        if code not in requirements:
            # A task or area code (1.1) is a common slip: name the requirements under it.
            below = [c for c in requirements if c.startswith(f"{code}.")]
            more = tr(" '{c}' is a task or area: use its requirements ({list}).",
                      "“{c}”是工作任务或工作领域：请使用其下的职业技能要求（{list}）。",
                      c=code, list=", ".join(below[:6]) + (" …" if len(below) > 6 else "")) if below else ""
            problems.add(resource.line_of("skills"), "unknown-skill",
                         tr("Skill code '{c}' is not a requirement of {cert} at level {level} (standard {std}). "
                            "Use a code from that level's table.",
                            "技能编码“{c}”不是《{cert}》{level}标准（{std}）中的职业技能要求。请使用该等级表中的编码。",
                            c=code, cert=pack.certificate.name, level=pack.certificate.level,
                            std=pack.certificate.standard.id) + more)


def _check_ready(pack: Pack, resource: Resource, problems: ProblemList, max_bytes: int) -> None:
    if resource.source_ref is not None and resource.source is None:
        return  # path-escapes already reported
    kind = resource.type
    if kind == "url" and not resource.url:
        return _no_content(resource, problems, "url")
    if kind == "label" and resource.text is None and resource.source is None:
        return _no_content(resource, problems, "text")
    if kind in ("file", "quiz") and resource.source is None:
        return _no_content(resource, problems, "source")
    if kind == "page" and resource.source is None and resource.template is None:
        return _no_content(resource, problems, "template")
    if resource.source is not None and not _check_file(resource, problems, max_bytes):
        return
    if kind == "quiz":
        _check_quiz(pack, resource, problems)
    elif kind in ("page", "label"):
        _check_page(pack, resource, problems)


def _no_content(resource: Resource, problems: ProblemList, key: str) -> None:
    problems.add(resource.line_of("id"), "no-content",
                 tr("The ready {type} '{id}' has no content: set '{key}', or mark it status = \"planned\".",
                    "已就绪（status = \"ready\"）的{type}资源“{id}”没有内容：请设置“{key}”，或标记为 status = \"planned\"。",
                    type=word(resource.type), id=resource.id, key=key))


def _check_file(resource: Resource, problems: ProblemList, max_bytes: int) -> bool:
    """Exists, is a regular non-empty file under the size limit, of the right kind."""
    try:
        stat = os.stat(resource.source)
    except OSError:
        stat = None
    if stat is None:
        message = tr("File '{p}' does not exist in the pack. Add it or fix the path.",
                     "资源包中不存在文件“{p}”。请添加文件或修改路径。", p=resource.source_ref)
        code = "file-missing"
    elif not S_ISREG(stat.st_mode):
        message = tr("'{p}' is {kind}, not a regular file. Put the file itself there.",
                     "“{p}”是{kind}，不是普通文件。请放入文件本身。", p=resource.source_ref, kind=kind_of(stat.st_mode))
        code = "file-not-regular"
    elif stat.st_size == 0:
        message, code = tr("File '{p}' is empty.", "文件“{p}”为空。", p=resource.source_ref), "file-empty"
    elif stat.st_size > max_bytes:
        message = tr("File '{p}' is {mb:.1f} MiB, over the limit of {lim:.1f} MiB. Compress it or raise --max-file-size.",
                     "文件“{p}”大小为 {mb:.1f} MiB，超过上限 {lim:.1f} MiB。请压缩文件或调高 --max-file-size。",
                     p=resource.source_ref, mb=stat.st_size / 2**20, lim=max_bytes / 2**20)
        code = "file-too-large"
    elif resource.type == "quiz" and resource.source.suffix.lower() not in QUIZ_SUFFIXES:
        message = tr("A quiz source must be GIFT (.gift, .txt), Moodle XML (.xml) or a question table "
                     "(.xlsx, .csv), not '{p}'.",
                     "测验来源必须是 GIFT（.gift、.txt）、Moodle XML（.xml）或表格题库（.xlsx、.csv），而不是“{p}”。",
                     p=resource.source_ref)
        code = "wrong-kind"
    elif resource.type in ("page", "label") and resource.source.suffix.lower() not in PAGE_SUFFIXES:
        message = tr("A page source must be an HTML file (.html), not '{p}'.",
                     "页面来源必须是 HTML 文件（.html），而不是“{p}”。", p=resource.source_ref)
        code = "wrong-kind"
    else:
        return True
    problems.add(resource.line_of("source"), code, message)
    return False


def _check_quiz(pack: Pack, resource: Resource, problems: ProblemList) -> None:
    from bridge.quiz import check_quiz_file

    bank, quiz_problems = check_quiz_file(resource.source)
    if bank is not None:
        resource.memo["quiz"] = bank
        _check_question_skills(pack, bank, problems)
    for qp in quiz_problems:
        # The quiz's own code (gift-…) is left out: one code per line, and the message says it all.
        message = qp.message + (tr(" (hint: {h})", "（提示：{h}）", h=qp.hint) if qp.hint else "")
        if qp.code == "quiz-not-utf8":
            message = tr("the question bank of quiz '{r}': {m}", "测验“{r}”的题库：{m}", r=resource.id, m=message)
        problems.items.append(Problem(str(qp.file), qp.line, "quiz-invalid", message,
                                      column=qp.column_number,
                                      where=qp.where, context=qp.context))


def _template_var_problems(pack: Pack, resource: Resource) -> list[Problem]:
    """``vars`` keys the template never reads and variables it needs that are missing."""
    from bridge.render.template_vars import parse_environment, var_problems

    env = parse_environment(resource.home_root or pack.root)
    found = []
    for code, key, message in var_problems(env, resource.template, resource.vars):
        spot = resource.spot
        line = (spot.index.line(*spot.path, "vars", key) if spot and key else None) or resource.line_of("vars")
        found.append(Problem(str(pack.file), line, code, message))
    return found


def _check_question_skills(pack: Pack, bank, problems: ProblemList) -> None:
    """Skill codes tagged on questions (技能要求 column, GIFT ``// [tag:1.1.1]``) must be
    requirements of the pack's standard at its level."""
    cert = pack.certificate
    if cert is None or cert.standard is None or not cert.level:
        return
    requirements = cert.standard.requirement_map(cert.level)
    sheet = bank.source.suffix.lower() in (".xlsx", ".csv")
    for q in bank.real_questions:
        for tag in q.tags:
            if _SKILL_TAG.match(tag) and tag not in requirements:
                where = None
                if sheet:
                    from bridge.quiz.sheet import row_label

                    where = row_label(q.line, "技能要求")
                problems.items.append(Problem(
                    str(bank.source), q.line, "unknown-skill",
                    tr("Skill code '{c}' of question '{q}' is not a requirement of {cert} at level {level} "
                       "(standard {std}).",
                       "题目“{q}”的技能编码“{c}”不是《{cert}》{level}标准（{std}）中的职业技能要求。",
                       c=tag, q=q.name, cert=cert.name, level=cert.level, std=cert.standard.id),
                    where=where))


def _check_page(pack: Pack, resource: Resource, problems: ProblemList) -> None:
    from bridge.render.pages import RenderError, read_text, render_page

    unused: list[Problem] = []
    if resource.type == "page" and resource.template is not None:
        found = _template_var_problems(pack, resource)
        if any(p.code == "template-var-missing" for p in found):
            problems.items.extend(found)  # rendering would fail on the same cause: one message, not two
            return
        unused = found
    try:
        if resource.type == "label":
            if resource.text is None:
                resource.memo["text"] = read_text(resource.source)
        else:
            resource.memo["page"] = render_page(pack, resource, resource.home_root)
        problems.items.extend(unused)  # worth saying once the template itself works
    except RenderError as err:
        file = str(err.file) if err.file and err.file.is_absolute() else str(pack.file)
        line = err.line if err.file else resource.line_of("template" if resource.template else "source")
        message = err.message
        if err.code == "not-utf8":
            message = tr("{m} (resource '{r}')", "{m}（资源“{r}”）", m=message, r=resource.id)
        problems.items.append(Problem(file, line, err.code, message))
