"""Skill coverage: for each requirement of the certificate standard at the pack's level,
which resources serve it and in what state. A requirement with nothing ``online`` is
*uncovered* — what coordinators must still produce or publish.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bridge.pack.model import Pack, Requirement
from bridge.pack.standard import Area, group_requirements
from bridge.report.completion import ONLINE, CourseCompletion, ResourceStatus


@dataclass
class RequirementCoverage:
    requirement: Requirement
    resources: list[ResourceStatus] = field(default_factory=list)

    @cached_property
    def covered(self) -> bool:
        """At least one resource serving it is online."""
        return any(r.state == ONLINE for r in self.resources)


@dataclass
class PackCoverage:
    """The skill-coverage matrix of one pack's course on one site (complete once built)."""

    site: str
    pack_id: str
    pack_title: str
    shortname: str
    certificate: str
    level: str
    standard_id: str
    known: bool = True  # False when the course could not be read: coverage then says nothing
    areas: list[Area[RequirementCoverage]] = field(default_factory=list)

    @cached_property
    def requirements(self) -> list[RequirementCoverage]:
        return [rc for a in self.areas for t in a.tasks for rc in t.requirements]

    @cached_property
    def uncovered(self) -> list[RequirementCoverage]:
        return [rc for rc in self.requirements if not rc.covered]

    @property
    def total(self) -> int:
        return len(self.requirements)

    @property
    def covered_count(self) -> int:
        return self.total - len(self.uncovered)


def pack_coverage(pack: Pack, completion: CourseCompletion) -> PackCoverage | None:
    """The matrix for ``pack`` from its course's resource states; ``None`` without a standard."""
    cert = pack.certificate
    if cert is None or cert.standard is None:
        return None
    serving: dict[str, list[ResourceStatus]] = {}
    for resource in completion.resources:
        for code in resource.skills:
            serving.setdefault(code, []).append(resource)
    areas = group_requirements(cert.standard.requirements(cert.level),
                               lambda req: RequirementCoverage(req, serving.get(req.code, [])))
    return PackCoverage(site=completion.site, pack_id=pack.id, pack_title=pack.title, shortname=completion.shortname,
                        certificate=cert.name, level=cert.level, standard_id=cert.standard.id, known=completion.known,
                        areas=areas)
