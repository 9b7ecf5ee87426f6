"""Wording of the library catalogue. The catalogue is shared as files, so every label
shows both languages: Chinese first, English after it."""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

_LABELS: dict[str, tuple[str, str]] = {
    "library": ("Resource library", "资源库"),
    "certificates": ("Certificates", "职业技能等级证书"),
    "certificate": ("Certificate", "证书"),
    "standard": ("Standard", "标准"),
    "level": ("Level", "等级"),
    "levels": ("Levels", "等级"),
    "area": ("Work area", "工作领域"),
    "task": ("Work task", "工作任务"),
    "requirement": ("Skill requirement", "职业技能要求"),
    "requirements": ("Skill requirements", "职业技能要求"),
    "coverage": ("Requirements with a resource", "已有资源的要求"),
    "gaps": ("Gaps: requirements with no resource", "缺口：尚无资源的职业技能要求"),
    "gap": ("gap", "缺口"),
    "no_gaps": ("No gaps: every requirement has a resource.", "没有缺口：每项要求都有资源。"),
    "planned_only": ("only planned resources", "仅有计划中的资源"),
    "packs": ("Packs", "资源包"),
    "pack": ("Pack", "资源包"),
    "kind": ("Kind", "类型"),
    "kind_course": ("course pack", "课程资源包"),
    "kind_library": ("shared library", "共享资源库"),
    "course": ("Course", "课程"),
    "courses": ("Courses", "课程"),
    "owners": ("Owners", "负责人"),
    "version": ("Version", "版本"),
    "resources": ("Resources", "资源"),
    "resource": ("Resource", "资源"),
    "reused": ("Reuses", "复用次数"),
    "title": ("Title", "标题"),
    "type": ("Type", "类型"),
    "status": ("Status", "状态"),
    "size": ("Size", "大小"),
    "skills": ("Skill codes", "技能编码"),
    "section": ("Section", "章节"),
    "defined_in": ("Defined in", "定义于"),
    "used_by": ("Used by courses", "使用该资源的课程"),
    "not_used": ("No course uses this resource yet.", "尚无课程使用该资源。"),
    "authored_here": ("authored here", "本包编写"),
    "uses": ("uses", "引用"),
    "broken_reference": ("broken reference (run certbridge validate)", "无效引用（请运行 certbridge validate）"),
    "idnumber": ("Moodle idnumber", "Moodle idnumber"),
    "visible": ("Visible", "可见"),
    "hidden": ("hidden", "隐藏"),
    "moodle": ("In Moodle", "Moodle 中"),
    "open_in_moodle": ("open", "打开"),
    "not_synced": ("not synced", "未同步"),
    "preview": ("Preview", "预览"),
    "file_type": ("File type", "文件类型"),
    "file_name": ("File", "文件"),
    "quiz_summary": ("Questions by type", "各题型题目数"),
    "question_type": ("Question type", "题型"),
    "count": ("Count", "数量"),
    "total": ("Total", "合计"),
    "link_target": ("Link target", "链接地址"),
    "no_content": ("Planned: no content yet.", "计划中：尚无内容。"),
    "preview_failed": ("Preview not available", "无法预览"),
    "type_file": ("file", "文件"),
    "type_page": ("page", "页面"),
    "type_url": ("link", "链接"),
    "type_quiz": ("quiz", "测验"),
    "type_label": ("label", "标签"),
    "status_ready": ("ready", "已就绪"),
    "status_planned": ("planned", "计划中"),
    "home": ("home", "首页"),
    "none": ("none", "无"),
}


@lru_cache(maxsize=1)
def labels() -> dict[str, Markup]:
    """Each label as HTML: ``<span lang="zh-CN">中文</span> <span lang="en">English</span>``."""
    return {key: Markup('<span lang="zh-CN">{}</span> <span lang="en" class="en">{}</span>').format(escape(zh), escape(en))
            for key, (en, zh) in _LABELS.items()}


def plain(key: str) -> str:
    """A label as text, both languages (for <title> and attributes)."""
    en, zh = _LABELS[key]
    return f"{zh} {en}"
