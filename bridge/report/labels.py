"""Report wording in both languages, kept in one table so the terminal table and the HTML
page say the same thing (``labels("zh")["online"]`` → ``已上线``)."""
from __future__ import annotations

from functools import lru_cache

_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Course resource completion report", "课程资源上线情况报告"),
    "generated": ("Generated", "生成时间"),
    "summary": ("Summary", "概览"),
    "courses": ("Courses", "课程"),
    "meets": ("At or above target", "达到目标"),
    "below": ("Below target", "未达目标"),
    "unknown_courses": ("Could not be read", "无法读取"),
    "site": ("Site", "站点"),
    "course": ("Course", "课程"),
    "pack": ("Pack", "资源包"),
    "figure": ("Online / planned", "已上线 / 计划"),
    "ratio": ("Online", "上线率"),
    "target": ("Target", "目标"),
    "status": ("Status", "状态"),
    "trend": ("Trend", "趋势"),
    "open_course": ("Open in Moodle", "在 Moodle 中打开"),
    "reason": ("Reason", "原因"),
    "hand_edits": ("hand edits kept: {n} ({m} still in Moodle) — certbridge drift list --course {course}",
                   "已保存的手工修改：{n} 份（{m} 份仍在 Moodle 中）— certbridge drift list --course {course}"),
    "unreadable_courses": ("{n} course(s)", "{n} 门课程"),
    "status_meets": ("meets target", "达标"),
    "status_below": ("below target", "未达标"),
    "status_unknown": ("could not be read", "无法读取"),
    "online": ("online", "已上线"),
    "outdated": ("outdated", "内容过期"),
    "hidden": ("hidden", "已隐藏"),
    "missing": ("missing", "缺失"),
    "planned": ("planned", "计划中"),
    "unknown": ("unknown", "未知"),
    "coverage": ("Skill coverage", "职业技能要求覆盖"),
    "coverage_of": ("{certificate} ({level}), standard {standard}", "{certificate}（{level}），标准 {standard}"),
    "covered_count": ("{covered} of {total} requirements have a resource online",
                      "{total} 项职业技能要求中 {covered} 项已有上线资源"),
    "area": ("Work area", "工作领域"),
    "task": ("Work task", "工作任务"),
    "requirement": ("Skill requirement", "职业技能要求"),
    "resources": ("Resources", "资源"),
    "uncovered": ("nothing online", "无上线资源"),
    "no_resource": ("no resource planned", "未规划资源"),
    "no_standard": ("No certificate standard: no coverage matrix.", "未关联证书标准，无覆盖矩阵。"),
    "trend_title": ("Figure over past runs", "历次运行的上线率"),
    "trend_shown": ("showing the {shown} lowest of {total} courses", "显示上线率最低的 {shown} 门课程（共 {total} 门）"),
    "no_history": ("No history yet: each report and sync run adds a point.", "暂无历史：每次报告或同步都会记录一个点。"),
    "uncovered_title": ("Requirements with nothing online", "尚无上线资源的职业技能要求"),
    "legend": ("Legend", "图例"),
    "no_courses": ("No course matched the selection.", "没有符合条件的课程。"),
}


@lru_cache(maxsize=2)
def labels(lang: str) -> dict[str, str]:
    """Every label in ``lang`` (``zh`` or ``en``)."""
    index = 1 if lang == "zh" else 0
    return {key: pair[index] for key, pair in _LABELS.items()}
