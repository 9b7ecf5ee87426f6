"""Links from the catalogue to the Moodle activities a sync created (read from the sync state)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from bridge.config import Config


def activity_url(site_url: str, modname: str, cmid: int) -> str:
    """Moodle's own page for a course module."""
    return f"{site_url.rstrip('/')}/mod/{modname}/view.php?id={int(cmid)}"


def moodle_links(state_path: Path, site_url: str, pack_ids: Iterable[str]) -> dict[str, str]:
    """``{idnumber: activity URL}`` for every module the last sync of these packs recorded.

    Nothing is linked when the state file does not exist (the site was never synced).
    """
    if not state_path.is_file():
        return {}
    from bridge.sync.state import StateStore

    with StateStore(state_path) as store:
        return {idnumber: activity_url(site_url, row.modname, row.cmid)
                for pack_id in pack_ids for idnumber, row in store.module_rows(pack_id).items()}


def configured_links(config: Config, site_name: str | None, pack_ids: Iterable[str]) -> dict[str, str]:
    """Activity links from the sync state of ``site_name``, or of the only configured site;
    none when no site is configured, or several and none was chosen."""
    if not site_name and len(config.sites) != 1:
        return {}
    site = config.site(site_name)
    return moodle_links(config.state_path(site), site.url, pack_ids)
