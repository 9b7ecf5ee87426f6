"""Values shown to people (plan actions and reasons, doctor checks, resource types and
statuses) in the message language: Chinese output is Chinese all the way."""
from __future__ import annotations

from bridge.i18n import tr

_WORDS: dict[str, tuple[str, str]] = {
    # plan actions and their reasons
    "create": ("create", "新建"), "update": ("update", "更新"), "hide": ("hide", "隐藏"),
    "delete": ("delete", "删除"), "unchanged": ("unchanged", "未变"), "drift": ("drift", "漂移"),
    "conflict": ("conflict", "冲突"),
    "create_course": ("create course", "新建课程"), "ensure_sections": ("set sections", "设置章节"),
    "set_plan": ("store plan", "保存计划"),
    "content": ("content", "内容"), "title": ("title", "标题"), "visibility": ("visibility", "可见性"),
    "section": ("section", "章节"), "type": ("type", "类型"), "new": ("new", "新资源"),
    "removed": ("removed", "已移除"), "not-ready": ("not ready", "未就绪"), "duplicate": ("duplicate", "重复"),
    "drift-hidden": ("hidden in Moodle", "在 Moodle 中被隐藏"), "drift-deleted": ("deleted in Moodle", "在 Moodle 中被删除"),
    "drift-edited": ("edited in Moodle", "在 Moodle 中被修改"), "new-course": ("new course", "新课程"),
    "titles": ("titles", "标题"), "plan-changed": ("plan changed", "计划已变"),
    # doctor checks
    "transport": ("transport", "连接"), "reachable": ("reachable", "可访问"), "rest": ("rest", "REST 协议"),
    "token": ("token", "令牌"), "plugin": ("plugin", "插件"), "functions": ("functions", "服务函数"),
    "uploads": ("uploads", "文件上传"),
    # resource types and statuses
    "file": ("file", "文件"), "page": ("page", "页面"), "url": ("url", "链接"), "quiz": ("quiz", "测验"),
    "label": ("label", "标签"), "ready": ("ready", "已就绪"), "planned": ("planned", "计划中"),
}


def word(value: str) -> str:
    """``value`` as shown to people; an unknown value is shown as it is."""
    names = _WORDS.get(value)
    return tr(*names) if names else value
