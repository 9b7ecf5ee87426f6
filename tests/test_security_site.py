"""The library catalogue is built from packs even when they have problems (validate
reports them): what a broken pack holds must not become a script link or a file written
elsewhere, and a build that fails leaves the previous catalogue as it was."""
from __future__ import annotations

import os
from pathlib import Path

import lxml.html
import pytest

from bridge.library import site as site_module
from bridge.library.index import load_index
from bridge.library.site import MARKER, build_site

REUSE = Path(__file__).parent / "data" / "reuse"

PACK = """[pack]
id = "{pack_id}"
title = "Broken"
version = "1.0.0"
owners = ["x"]
kind = "library"

[[sections]]
title = "s"

  [[sections.resources]]
  id = "{resource_id}"
  type = "label"
  title = "t"
  text = "hi"

  [[sections.resources]]
  id = "link"
  type = "url"
  title = "u"
  url = "{url}"
"""


def broken_pack(root: Path, *, pack_id: str = "broken", resource_id: str = "note", url: str = "https://x.example/") -> Path:
    folder = root / "packs" / "broken"
    folder.mkdir(parents=True)
    (folder / "pack.toml").write_text(PACK.format(pack_id=pack_id, resource_id=resource_id, url=url), "utf-8")
    return root / "packs"


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", " JavaScript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:x"])
def test_a_url_that_is_not_http_is_shown_not_linked(tmp_path, url):
    out = tmp_path / "site"
    build_site(load_index([broken_pack(tmp_path, url=url)]), out)
    doc = lxml.html.fromstring((out / "resources" / "broken" / "link.html").read_bytes())
    hrefs = [link for _, _, link, _ in doc.iterlinks()]
    assert not [h for h in hrefs if ":" in h and not h.startswith(("http://", "https://"))], hrefs
    assert url.strip() in doc.text_content()


def test_an_http_url_is_still_linked(tmp_path):
    out = tmp_path / "site"
    build_site(load_index([broken_pack(tmp_path, url="https://developer.mozilla.org/zh-CN/")]), out)
    doc = lxml.html.fromstring((out / "resources" / "broken" / "link.html").read_bytes())
    assert "https://developer.mozilla.org/zh-CN/" in [link for _, _, link, _ in doc.iterlinks()]


@pytest.mark.parametrize("pack_id,resource_id", [
    ("broken", "a/../../../../escaped"), ("broken", "../../index"), ("../index", "note"),
    ("../../../escaped", "note"), ("", "note"), ("..", ".."),
])
def test_invalid_ids_write_nothing_outside_their_place(tmp_path, pack_id, resource_id):
    out = tmp_path / "out" / "site"
    build_site(load_index([broken_pack(tmp_path, pack_id=pack_id, resource_id=resource_id)]), out)
    written = sorted(p for p in tmp_path.rglob("*.html"))
    assert written and all(p.is_relative_to(out) for p in written), written
    assert all(p.parent.name in ("packs", "site") or p.parent.parent.name in ("resources", "levels")
               for p in written), written
    index = (out / "index.html").read_text("utf-8")
    assert "资源库" in index  # not overwritten by a pack page


def test_a_failed_build_leaves_the_previous_catalogue_untouched(tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_site(load_index([REUSE / "ok"]), out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site_module, "file_info", broken)  # fails once the first pages are written
    with pytest.raises(OSError):
        build_site(load_index([REUSE / "ok"]), out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "index.html", "levels", "packs", "resources",
                                                          "style.css"])


def test_a_report_that_cannot_be_written_leaves_no_temp_file_and_the_old_report(tmp_path, monkeypatch):
    from bridge.report import write_report

    out = tmp_path / "reports" / "report.html"
    write_report("<p>old</p>", "html", out)
    with pytest.raises(UnicodeEncodeError):
        write_report("<p>\udcff</p>", "html", out)  # a lone surrogate cannot be UTF-8

    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", disk_full)  # Path.replace calls os.replace
        with pytest.raises(OSError):
            write_report("<p>new</p>", "html", out)
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]
    assert out.read_text("utf-8") == "<p>old</p>"
