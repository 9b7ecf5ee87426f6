"""The sample packs in resource_packs/ stay valid and keep one pack above and one below 50%."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bridge.pack import load_catalog

REPO = Path(__file__).resolve().parent.parent
PACKS = REPO / "resource_packs"


def test_every_sample_pack_and_standard_is_valid():
    catalog = load_catalog(sorted(PACKS.iterdir()))
    assert catalog.problems == [], "\n".join(map(str, catalog.problems))
    assert len(catalog.selected()) >= 3
    assert len(catalog.standards_checked) >= 3


def test_one_pack_above_and_one_below_half_ready():
    ratios = {}
    for pack in load_catalog([PACKS]).selected():
        if pack.course is None:
            continue
        resources = pack.resources
        ratios[pack.id] = sum(r.ready for r in resources) / len(resources)
        assert any(r.type == "quiz" and r.ready for r in resources), f"{pack.id} has no quiz"
        assert {r.type for r in resources} >= {"page", "file", "url", "quiz"}
    assert any(r > 0.5 for r in ratios.values()) and any(r < 0.5 for r in ratios.values()), ratios


def test_no_sample_file_over_one_mebibyte():
    big = [p for p in PACKS.rglob("*") if p.is_file() and p.stat().st_size > 2**20]
    assert big == []


def test_generated_sample_files_are_current():
    script = REPO / "scripts" / "make_sample_files.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
