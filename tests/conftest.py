"""Shared fixtures."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bridge.i18n import set_lang

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _english_messages():
    """Tests read messages in English unless they set a language themselves."""
    set_lang("en")
    yield
    set_lang(None)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A writable copy of tests/data/library (the ``mini`` pack and its standard)."""
    target = tmp_path / "library"
    shutil.copytree(DATA / "library", target)
    return target
