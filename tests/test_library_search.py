"""The library index and ``certbridge library search``: placements, filters, CJK text."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.errors import BridgeError
from bridge.library.index import fold, html_to_text, load_index
from bridge.library.search import Query, search

REUSE = Path(__file__).parent / "data" / "reuse"


@pytest.fixture(scope="module")
def index():
    return load_index([REUSE / "ok"])


def keys(index, **query) -> list[str]:
    return [e.key for e in search(index, Query(**query))]


def test_index_holds_each_authored_resource_once_with_the_courses_using_it(index):
    assert sorted(e.key for e in index.resources) == sorted([
        "course-a:intro", "shared:box-model", "shared:handout", "shared:lesson", "shared:unit-quiz",
        "shared:mdn", "shared:hostile", "shared:video"])
    box = index.by_key["shared:box-model"]
    assert box.pack.kind == "library"
    assert [(p.course, p.idnumber) for p in box.used_by] == [
        ("REUSE-A", "certbridge:course-a:box-model"), ("REUSE-B", "certbridge:course-b:box-review")]
    intro = index.by_key["course-a:intro"]  # a course's own resource is used by its course too
    assert [p.course for p in intro.used_by] == ["REUSE-A", "REUSE-B"]
    assert index.by_key["shared:lesson"].used_by == []


def test_sizes_come_from_files_and_rendered_pages(index):
    handout = index.by_key["shared:handout"]
    assert handout.size == handout.resource.source.stat().st_size
    lesson = index.by_key["shared:lesson"]  # rendered from a template
    assert lesson.size == len(lesson.page_html().encode("utf-8")) and "语义化标签" in lesson.page_html()
    assert index.by_key["shared:mdn"].size is None
    assert index.by_key["shared:video"].size is None  # planned, no content


def test_unresolved_references_are_left_out_of_the_index():
    broken = load_index([REUSE / "broken"])
    mdn = broken.by_key["shared:mdn"]
    assert [p.resource.id for p in mdn.used_by] == ["fine"]
    assert not any(k.startswith(("course-x:", "course-y:", "course-z:")) for k in broken.by_key)


def test_no_query_no_filter_lists_everything_in_library_order(index):
    assert keys(index) == [e.key for e in index.resources]


def test_cjk_substring_of_page_text_is_found_without_a_tokenizer(index):
    # "盒子怎样占据空间" is a heading inside shared/pages/box-model.html, not in any title.
    assert keys(index, text="占据空间") == ["shared:box-model"]
    assert keys(index, text="怎样占") == ["shared:box-model"]
    assert keys(index, text="盒模型") == ["shared:box-model"]  # page text and course-b's title
    assert keys(index, text="语义化") == ["shared:lesson"]  # title and rendered template text


def test_query_words_must_all_match_case_and_width_folded(index):
    assert keys(index, text="BORDER-BOX 盒模型") == ["shared:box-model"]
    assert keys(index, text="ｂｏｘ-ｓｉｚｉｎｇ") == ["shared:box-model"]  # full-width letters
    assert keys(index, text="盒模型 不存在的词") == []


def test_title_matches_come_before_text_only_matches(index):
    # "盒子" is in the video's title, and only in the text of the box-model page (which
    # comes first in library order).
    assert keys(index, text="盒子") == ["shared:video", "shared:box-model"]


def test_type_and_status_filters(index):
    assert keys(index, type="quiz") == ["shared:unit-quiz"]
    assert keys(index, status="planned") == ["shared:video"]
    assert keys(index, type="file", status="ready") == ["shared:handout"]


def test_skill_filter_matches_a_code_or_everything_under_a_task(index):
    assert keys(index, skill="1.1.2") == ["shared:handout", "shared:lesson"]
    assert set(keys(index, skill="1.2")) == {"shared:box-model", "shared:unit-quiz", "shared:video"}
    assert keys(index, skill="1.2.9") == []


def test_certificate_and_level_filters_need_a_course_placement(index):
    in_courses = ["course-a:intro", "shared:box-model", "shared:handout", "shared:unit-quiz",
                  "shared:mdn", "shared:video"]
    assert keys(index, certificate="Web前端开发") == in_courses  # lesson and hostile are in no course
    assert keys(index, certificate="MINI") == in_courses  # standard id, case-insensitive
    assert keys(index, level="elementary") == in_courses
    assert keys(index, level="中级") == []


def test_placement_filters_hold_together_for_one_placement(index):
    # The video is planned everywhere, so no placement is both in a course and ready.
    assert "shared:video" not in keys(index, certificate="Web前端开发", status="ready")
    assert "shared:video" in keys(index, certificate="Web前端开发", status="planned")


def test_an_unknown_level_is_an_input_error(index):
    with pytest.raises(BridgeError) as err:
        search(index, Query(level="expert"))
    assert err.value.exit_code == 2


def test_helpers_fold_and_strip_markup():
    assert fold("  ＣＳＳ\n盒模型 ") == "css 盒模型"
    assert html_to_text("<p>a&lt;b</p><script>x()</script><style>p{}</style>c").split() == ["a<b", "c"]


def test_cli_json_lists_where_defined_and_which_courses_use_it():
    result = CliRunner().invoke(main, ["library", "search", "盒模型", "--packs", str(REUSE / "ok"), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["count"] == 1
    (row,) = doc["resources"]
    assert row["key"] == "shared:box-model" and row["defined_in"]["kind"] == "library"
    assert row["skills"] == ["1.2.1"] and row["status"] == "ready" and row["size"] > 0
    assert [(u["course"], u["idnumber"], u["visible"]) for u in row["used_by"]] == [
        ("REUSE-A", "certbridge:course-a:box-model", True), ("REUSE-B", "certbridge:course-b:box-review", False)]


def test_cli_table_and_filters():
    packs = ["--packs", str(REUSE / "ok")]
    result = CliRunner().invoke(main, ["library", "search", "--skill", "1.2", "--status", "ready", *packs])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:2] == ["Resource", "Title"]
    assert any(line.startswith("shared:box-model") and "REUSE-A REUSE-B" in line for line in lines)
    assert "shared:video" not in result.output and "2 resource(s)." in result.output
    none = CliRunner().invoke(main, ["library", "search", "没有这个词", *packs])
    assert none.exit_code == 0 and "No resource matches." in none.output
    bad = CliRunner().invoke(main, ["library", "search", "--level", "expert", *packs])
    assert bad.exit_code == 2 and "Unknown level" in bad.output


def test_cli_warns_when_packs_have_problems():
    result = CliRunner().invoke(main, ["library", "search", "--packs", str(REUSE / "broken")])
    assert result.exit_code == 0
    # The problem itself, with file and line (the first three; then the count and the command).
    assert f"{REUSE / 'broken' / 'course-x' / 'pack.toml'}:27: reference-unknown:" in result.stderr
