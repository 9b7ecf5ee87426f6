"""``certbridge library site``: the static catalogue — structure, gaps, previews, Moodle
links, every internal link resolving, and pages loaded in headless Chromium."""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.errors import BridgeError
from bridge.library.index import load_index
from bridge.library.site import MARKER, build_site

REUSE = Path(__file__).parent / "data" / "reuse"
HOSTILE = "\" onmouseover=\"document.title='pwned'\" x=\""  # titles hold no tags (validation), quotes they may
MOODLE = {"certbridge:course-a:box-model": "https://moodle.example.edu.cn/mod/page/view.php?id=41",
          "certbridge:course-b:box-review": "https://moodle.example.edu.cn/mod/page/view.php?id=57"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("catalogue") / "site"
    build_site(load_index([REUSE / "ok"]), out, MOODLE)
    return out


def page(site: Path, rel: str):
    return lxml.html.fromstring((site / rel).read_bytes())


def text(element) -> str:
    return " ".join(element.text_content().split())


def internal_links(html_file: Path, markup: str | bytes | None = None) -> list[tuple[Path, str]]:
    """(target file, fragment) of every relative href/src on a page (its file, or ``markup``
    such as the DOM Chromium loaded from it)."""
    doc = lxml.html.fromstring(html_file.read_bytes() if markup is None else markup)
    found = []
    for element, attribute, link, _ in doc.iterlinks():
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            continue  # Moodle activities and external link targets
        target = (html_file.parent / unquote(parts.path)).resolve() if parts.path else html_file
        found.append((target, parts.fragment))
    return found


def test_layout(site):
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    assert pages == ["index.html", "levels/mini/elementary.html", "levels/mini/intermediate.html",
                     "packs/course-a.html", "packs/course-b.html", "packs/shared.html",
                     "resources/course-a/intro.html", "resources/shared/box-model.html",
                     "resources/shared/handout.html", "resources/shared/hostile.html",
                     "resources/shared/lesson.html", "resources/shared/mdn.html",
                     "resources/shared/unit-quiz.html", "resources/shared/video.html"]
    assert "iframe.preview" in (site / "style.css").read_text("utf-8") and (site / MARKER).is_file()


def test_no_scripts_and_no_external_assets(site):
    for html_file in site.rglob("*.html"):
        doc = lxml.html.fromstring(html_file.read_bytes())
        assert not doc.xpath("//script"), html_file
        for element, attribute, link, _ in doc.iterlinks():
            if element.tag != "a":  # stylesheets, images, frames: only local files
                assert not urlsplit(link).scheme, (html_file, link)


def test_every_internal_link_resolves_and_every_page_is_reachable_from_the_index(site):
    seen, todo = set(), [(site / "index.html").resolve()]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for target, fragment in internal_links(current):
            assert target.is_file(), f"{current.relative_to(site.resolve())} links to missing {target}"
            if fragment:
                ids = lxml.html.fromstring(target.read_bytes()).xpath("//@id")
                assert fragment in ids, f"{current} links to #{fragment} absent from {target}"
            if target.suffix == ".html":
                todo.append(target)
    assert seen == {p.resolve() for p in site.rglob("*.html")}


def test_level_page_shows_the_requirement_tree_with_resources_and_gaps(site):
    elementary = page(site, "levels/mini/elementary.html")
    assert [text(h) for h in elementary.xpath("//h2[starts-with(@id, 'area-')]")] == ["工作领域 Work area 1：静态网页开发"]
    assert [h.get("id") for h in elementary.xpath("//h3")] == ["task-1.1", "task-1.2"]
    row = elementary.get_element_by_id("req-1.2.1")
    assert "能使用 CSS 盒模型布局。" in text(row)
    served = {(a.get("href"), text(a)) for a in row.xpath(".//ul[@class='serving']/li/a[1]")}
    assert served == {("../../resources/shared/box-model.html", "CSS 布局基础"),
                      ("../../resources/shared/unit-quiz.html", "单元测验：HTML 与 CSS"),
                      ("../../resources/shared/video.html", "微课：盒子的故事")}
    assert "No gaps" in text(elementary) and not elementary.xpath("//tr[@class='gap']")
    # No course pack is at 中级: every requirement there is a gap.
    intermediate = page(site, "levels/mini/intermediate.html")
    assert [r.get("id") for r in intermediate.xpath("//tr[@class='gap']")] == ["req-1.1.1", "req-1.1.9"]
    assert [text(li) for li in intermediate.xpath("//ul[@class='gaps']/li")] == [
        "1.1.1 能使用 JavaScript 操作 DOM。", "1.1.9 只在中级存在。"]


def test_index_lists_certificates_levels_and_packs(site):
    index = page(site, "index.html")
    levels = {text(a): a.get("href") for a in index.xpath("//a[starts-with(@href, 'levels/')]")}
    assert levels == {"初级": "levels/mini/elementary.html", "中级": "levels/mini/intermediate.html"}
    assert [text(a) for a in index.xpath("//a[starts-with(@href, 'packs/')]")] == ["course-a", "course-b", "shared"]
    assert "资源 Resources: 8" in text(index)


def test_resource_page_shows_definition_preview_and_each_course_with_its_moodle_link(site):
    box = page(site, "resources/shared/box-model.html")
    assert text(box.xpath("//h1")[0]) == "CSS 布局基础"
    facts = text(box.xpath("//table[@class='facts']")[0])
    assert "shared" in facts and "共享讲义" in facts and "1.2.1" in facts
    (frame,) = box.xpath("//iframe")
    assert frame.get("sandbox") == "" and "盒子怎样占据空间" in frame.get("srcdoc")
    rows = box.xpath("//h2[contains(., 'Used by courses')]/following-sibling::table[1]/tbody/tr")
    assert [text(r.xpath("td")[0]) for r in rows] == ["REUSE-A 网页设计基础", "REUSE-B 移动网页开发"]
    assert [r.xpath(".//a[@class='external']/@href") for r in rows] == [
        [MOODLE["certbridge:course-a:box-model"]], [MOODLE["certbridge:course-b:box-review"]]]
    assert "hidden" in text(rows[1]) and "复习：CSS 盒模型" in text(rows[1])


def test_previews_per_type(site):
    quiz = page(site, "resources/shared/unit-quiz.html")
    counts = {text(tr[0]): text(tr[1]) for tr in quiz.xpath("//h2[contains(., 'Preview')]/following-sibling::table[1]//tr[td]")}
    assert counts == {"multichoice": "2", "shortanswer": "1", "truefalse": "1", "合计 Total": "4"}
    handout = text(page(site, "resources/shared/handout.html"))
    assert "handout.txt" in handout and "text/plain" in handout and "52 B" in handout
    mdn = page(site, "resources/shared/mdn.html")
    assert mdn.xpath("//a[@class='external']/@href") == ["https://developer.mozilla.org/zh-CN/"]
    video = text(page(site, "resources/shared/video.html"))
    assert "Planned: no content yet." in video
    lesson = text(page(site, "resources/shared/lesson.html"))
    assert "No course uses this resource yet." in lesson and "not synced" not in lesson


def test_pack_page_marks_reused_and_authored_resources(site):
    b = page(site, "packs/course-b.html")
    links = {text(a): a.get("href") for a in b.xpath("//tbody/tr/td[1]/a")}
    assert links["复习：CSS 盒模型"] == "../resources/shared/box-model.html"
    assert links["导学（引用自网页设计基础）"] == "../resources/course-a/intro.html"
    a = text(page(site, "packs/course-a.html"))
    assert "authored here" in a and "uses shared:box-model" in a


def test_broken_references_are_listed_not_linked(tmp_path):
    out = tmp_path / "site"
    build_site(load_index([REUSE / "broken"]), out)
    x = page(out, "packs/course-x.html")
    broken = [text(r) for r in x.xpath("//tbody/tr") if "broken reference" in text(r)]
    assert len(broken) == 3 and any("nowhere:mdn" in r for r in broken)


def test_rebuild_replaces_its_own_output_and_refuses_a_foreign_folder(tmp_path):
    out = tmp_path / "site"
    build_site(load_index([REUSE / "ok"]), out)
    stale = out / "resources" / "shared" / "old.html"
    stale.write_text("old", "utf-8")
    build_site(load_index([REUSE / "ok"]), out)
    assert not stale.exists() and (out / "index.html").is_file()
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.docx").write_bytes(b"mine")
    with pytest.raises(BridgeError):
        build_site(load_index([REUSE / "ok"]), foreign)
    assert (foreign / "thesis.docx").read_bytes() == b"mine"


def test_cli_builds_the_site(tmp_path, monkeypatch):
    monkeypatch.delenv("CERTBRIDGE_URL", raising=False)
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["library", "site", "--packs", str(REUSE / "ok"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "14 pages, 8 resources, 2 gap(s) in 2 level(s), 0 Moodle link(s)" in result.output
    assert (out / "index.html").is_file()


@pytest.mark.browser
def test_catalogue_in_chromium_every_page_loads_and_a_hostile_title_is_text(site):
    from browser import dump_dom, require_chromium, screenshot

    require_chromium()
    files = sorted(site.rglob("*.html"))
    with ThreadPoolExecutor(max_workers=3) as pool:
        doms = dict(zip(files, pool.map(dump_dom, files)))
    for html_file, dom in doms.items():
        doc = lxml.html.fromstring(dom)
        assert doc.xpath("//main"), f"{html_file} did not load"
        assert not doc.xpath("//script"), html_file
        for target, _ in internal_links(html_file, dom):  # as the browser sees the page
            assert target.is_file(), f"{html_file} links to missing {target}"
    hostile = lxml.html.fromstring(doms[site / "resources" / "shared" / "hostile.html"])
    assert text(hostile.xpath("//h1")[0]) == " ".join(HOSTILE.split())
    assert not hostile.xpath("//img")  # the <img onerror> stayed text
    # Nothing ran to change the title: neither the title's markup nor the previewed page's
    # own script (tests/data/reuse/ok/shared/pages/hostile.html), which the sandboxed frame stops.
    assert not hostile.xpath("//@onmouseover")
    assert doc_title(hostile).startswith('"') and "pwned" not in doc_title(hostile).replace(HOSTILE, "")
    shared = lxml.html.fromstring(doms[site / "packs" / "shared.html"])
    assert HOSTILE in [a.text_content() for a in shared.xpath("//a")]
    # For people to look at (test-artifacts/, gitignored).
    assert screenshot(site / "resources" / "shared" / "box-model.html", "library/resource.png", height=1400).stat().st_size


def doc_title(doc) -> str:
    return doc.xpath("//title")[0].text_content()


def test_activity_links_come_from_the_chosen_sites_sync_state(tmp_path):
    from bridge.config import Config, Site
    from bridge.library.links import configured_links, moodle_links
    from bridge.sync.state import ModuleRow, StateStore

    campus = Site(name="campus", url="https://moodle.example.edu.cn/", token_env="T")
    config = Config(sites=[campus], state_dir=tmp_path / "state")
    assert configured_links(config, None, ["course-a"]) == {}  # never synced: no state file
    with StateStore(config.state_path(campus)) as store:
        store.save_modules([ModuleRow("certbridge:course-a:quiz", "course-a", 12, "quiz", "f", "测验", True, 1, 0.0),
                            ModuleRow("certbridge:course-b:links", "course-b", 13, "url", "f", "MDN", True, 1, 0.0)])
    assert configured_links(config, None, ["course-a"]) == {
        "certbridge:course-a:quiz": "https://moodle.example.edu.cn/mod/quiz/view.php?id=12"}
    assert len(moodle_links(config.state_path(campus), campus.url, ["course-a", "course-b"])) == 2
    config.sites.append(Site(name="lab", url="https://lab.example.edu.cn", token_env="T2"))
    assert configured_links(config, None, ["course-a"]) == {}  # several sites and none chosen
    assert configured_links(config, "campus", ["course-a"])
    with pytest.raises(BridgeError):
        configured_links(config, "nowhere", ["course-a"])
