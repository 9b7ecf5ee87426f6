"""The sync's figures for monitoring: a Prometheus textfile-collector file (node_exporter
``--collector.textfile.directory``), rewritten atomically after every sync.

Per site: when it last synced without failure, when it last ran, its exit code, how many
resources failed, how long it took; per course: the share of resources online and the
target. Sites (and their courses) not in this run keep their lines from the last file, and
a site whose run failed keeps its last success time, so ``time() - last_success`` alerts.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bridge.errors import write_error

#: name → help text, in the file's order. Every metric is a gauge.
METRICS = {
    "certbridge_sync_last_success_timestamp_seconds": "When the site's last sync without any failure ended (Unix time).",
    "certbridge_sync_last_run_timestamp_seconds": "When the site's last sync ended, whatever its outcome (Unix time).",
    "certbridge_sync_exit_code": "Exit code of the site's last sync (README: 0 ok, 1 failures, 3 site unusable, ...).",
    "certbridge_sync_failures": "Resources that failed or were skipped in the last sync, plus courses it could not "
                                "read; 1 when the run stopped early (see the exit code).",
    "certbridge_sync_duration_seconds": "How long the site's last sync took.",
    "certbridge_course_online_ratio": "Share of the course's planned resources online in Moodle after the last sync.",
    "certbridge_course_target_ratio": "The course's target share (the 1+X rule: 0.5).",
}
_LINE = re.compile(r'^(?P<name>[a-z_]+)\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)\s*$')
_SITE_LABEL = re.compile(r'site="((?:[^"\\]|\\.)*)"')


@dataclass
class SiteRun:
    """One site's sync, as the metrics see it."""

    site: str
    exit_code: int
    ended_at: float
    duration_s: float
    failures: int
    courses: dict[str, tuple[float, float]] = field(default_factory=dict)  # shortname → (ratio, target)
    complete: bool = True  # False: stopped before its summary (course figures unknown)

    @classmethod
    def from_summary(cls, summary: dict, ended_at: float) -> SiteRun:
        totals = summary.get("summary", {})
        courses = {}
        unreadable = 0
        for line in summary.get("courses", []):
            figures = line.get("figures")
            if figures:
                courses[line["course"]] = (float(figures["ratio"]), float(figures["target"]))
            if line.get("error"):
                unreadable += 1
        return cls(summary["site"], int(summary["exit_code"]), ended_at, float(summary.get("duration_s", 0.0)),
                   int(totals.get("failed", 0)) + int(totals.get("skipped", 0)) + unreadable, courses)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return repr(round(value, 3)) if isinstance(value, float) and not value.is_integer() else str(int(value))


def _old_lines(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """The previous file's samples by site: [(name, labels, value)]."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return out
    for line in text.splitlines():
        match = _LINE.match(line)
        site = _SITE_LABEL.search(match["labels"]) if match else None
        if match and site and match["name"] in METRICS:
            out.setdefault(site.group(1), []).append((match["name"], match["labels"], match["value"]))
    return out


def render(runs: list[SiteRun], previous: dict[str, list[tuple[str, str, str]]]) -> str:
    samples: dict[str, list[tuple[str, str]]] = {name: [] for name in METRICS}
    ran = {_label(r.site) for r in runs}
    for site, lines in previous.items():
        if site not in ran:
            for name, labels, value in lines:
                samples[name].append((labels, value))
    for run in runs:
        site = _label(run.site)
        old = {(n, lab): v for n, lab, v in previous.get(site, [])}
        labels = f'site="{site}"'
        success = run.ended_at if run.exit_code == 0 else old.get(
            ("certbridge_sync_last_success_timestamp_seconds", labels))
        if success is not None:
            samples["certbridge_sync_last_success_timestamp_seconds"].append((labels, _number(float(success))))
        samples["certbridge_sync_last_run_timestamp_seconds"].append((labels, _number(run.ended_at)))
        samples["certbridge_sync_exit_code"].append((labels, str(run.exit_code)))
        samples["certbridge_sync_failures"].append((labels, str(run.failures)))
        samples["certbridge_sync_duration_seconds"].append((labels, _number(run.duration_s)))
        if run.complete:
            for course, (ratio, target) in sorted(run.courses.items()):
                course_labels = f'{labels},course="{_label(course)}"'
                samples["certbridge_course_online_ratio"].append((course_labels, _number(ratio)))
                samples["certbridge_course_target_ratio"].append((course_labels, _number(target)))
        else:  # figures unknown this time: keep the last known ones
            for name, lab, value in previous.get(site, []):
                if name.startswith("certbridge_course_"):
                    samples[name].append((lab, value))
    lines = []
    for name, help_text in METRICS.items():
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
        lines += [f"{name}{{{labels}}} {value}" for labels, value in samples[name]]
    return "\n".join(lines) + "\n"


def write_metrics(path: Path, runs: list[SiteRun]) -> None:
    """Rewrite ``path`` atomically (a collector never reads half a file); a full disk or
    an unwritable folder is a ``BridgeError`` naming the file, and the old file stays."""
    path = Path(path)
    text = render(runs, _old_lines(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise write_error(err, path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # the collector runs as another user
        os.replace(tmp, path)
    except OSError as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise write_error(err, path) from None
