"""The persons behind applications, held in memory while links are decided.

A ``PersonGraph`` reads, in a few queries, the persons a set of applications belong to (after
merges) and every member of those persons. ``link`` makes one person of some applications as
a confirmation or an automatic link does, and returns what it did for ``match_unlink``;
``save`` writes all of it in a fixed number of statements. A batch import links hundreds of
pairs through one graph instead of a dozen queries a pair; a single confirmation uses the
same graph with one pair, so there is one linking rule:

- the oldest of the persons involved survives (by ``created_at``, then id); each other person
  keeps its row, points to the survivor through ``merged_into``, and its applications move to
  the survivor; with no person yet, a new one is made;
- an application with no person gets a link to the survivor, made by the actor;
- the undo record names the survivor, the links created, each absorbed person with the
  applications it had, and the survivor's members afterwards.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.matching.models import Person, PersonLink

CHUNK = 500  # ids per query (SQLite allows 999 parameters)


@dataclass
class _Person:
    pk: uuid.UUID
    created_at: datetime.datetime
    members: set[uuid.UUID] = field(default_factory=set)
    new: bool = False
    merged_into: uuid.UUID | None = None


def _chunks(ids: Iterable[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    ordered = sorted(set(ids), key=str)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


class PersonGraph:
    """The persons of ``application_ids`` and all their members; see the module docstring.

    ``lock``: the links of these applications are read ``FOR UPDATE`` (PostgreSQL), so that
    two transactions linking the same applications take turns. Runs in the caller's
    transaction; nothing is written before ``save``.
    """

    def __init__(self, application_ids: Iterable[uuid.UUID], *, lock: bool = True) -> None:
        self._persons: dict[uuid.UUID, _Person] = {}
        self._person_of: dict[uuid.UUID, uuid.UUID] = {}
        self._linked_to: dict[uuid.UUID, uuid.UUID] = {}  # as stored: application -> person
        self._created: dict[uuid.UUID, StaffUser | None] = {}  # new links and who made them
        self._absorbed: set[uuid.UUID] = set()
        self._asked = set(application_ids)
        for chunk in _chunks(self._asked):
            links = PersonLink.objects.filter(application_id__in=chunk)
            if lock:
                links = links.select_for_update()
            self._linked_to.update(links.values_list("application_id", "person_id"))
        parent = self._load_persons(set(self._linked_to.values()))
        roots = {self._root(parent, p) for p in self._linked_to.values()}
        for chunk in _chunks(roots):
            members = PersonLink.objects.filter(person_id__in=chunk)
            self._linked_to.update(members.values_list("application_id", "person_id"))
        for application, person in self._linked_to.items():
            root = self._root(parent, person)
            self._person_of[application] = root
            self._persons[root].members.add(application)

    def _load_persons(self, wanted: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID | None]:
        """Every person in `wanted` and the ones they were merged into, up to the roots."""
        parent: dict[uuid.UUID, uuid.UUID | None] = {}
        while wanted:
            found = set()
            for chunk in _chunks(wanted):
                for pk, created_at, merged_into in Person.objects.filter(pk__in=chunk).values_list(
                    "pk", "created_at", "merged_into_id"
                ):
                    parent[pk] = merged_into
                    self._persons[pk] = _Person(pk, created_at)
                    if merged_into is not None:
                        found.add(merged_into)
            wanted = found - parent.keys()
        return parent

    @staticmethod
    def _root(parent: dict[uuid.UUID, uuid.UUID | None], person: uuid.UUID) -> uuid.UUID:
        while (up := parent.get(person)) is not None:
            person = up
        return person

    def members(self, application_id: uuid.UUID) -> set[uuid.UUID]:
        """The applications of the person `application_id` belongs to (itself if none)."""
        person = self._person_of.get(application_id)
        return set(self._persons[person].members) if person else {application_id}

    def every_member(self) -> set[uuid.UUID]:
        """Every application the graph knows: the ones asked for and their persons' members."""
        return {a for p in self._persons.values() for a in p.members} | self._asked

    def link(
        self, application_ids: Iterable[uuid.UUID], actor: StaffUser | None
    ) -> tuple[uuid.UUID, dict[str, Any]]:
        """One person for these applications (in memory); returns it and its undo record."""
        ids = list(dict.fromkeys(application_ids))
        persons = sorted(
            {self._person_of[a] for a in ids if a in self._person_of},
            key=lambda pk: (self._persons[pk].created_at, str(pk)),
        )
        if persons:
            survivor, absorbed = self._persons[persons[0]], persons[1:]
        else:
            survivor = _Person(uuid.uuid4(), timezone.now(), new=True)
            self._persons[survivor.pk] = survivor
            absorbed = []
        moved: dict[str, list[str]] = {}
        for pk in absorbed:
            person = self._persons[pk]
            moved[str(pk)] = sorted(str(a) for a in person.members)
            for application in person.members:
                self._person_of[application] = survivor.pk
            survivor.members |= person.members
            person.members = set()
            person.merged_into = survivor.pk
            self._absorbed.add(pk)
        created = [a for a in ids if a not in self._person_of]
        for application in created:
            self._person_of[application] = survivor.pk
            self._created[application] = actor
            survivor.members.add(application)
        undo = {
            "person": str(survivor.pk),
            "created": [str(a) for a in created],
            "absorbed": moved,
            "members": sorted(str(a) for a in survivor.members),
        }
        return survivor.pk, undo

    def save(self) -> None:
        """Write the persons made, the merges and the links, in a fixed number of statements."""
        Person.objects.bulk_create(
            [
                Person(pk=p.pk, created_at=p.created_at, merged_into_id=p.merged_into)
                for p in self._persons.values()
                if p.new
            ],
            batch_size=CHUNK,
        )
        merged: dict[uuid.UUID, list[uuid.UUID]] = {}
        for pk in self._absorbed:
            person = self._persons[pk]
            if not person.new and person.merged_into is not None:
                merged.setdefault(person.merged_into, []).append(pk)
        for survivor, absorbed in merged.items():
            for chunk in _chunks(absorbed):
                Person.objects.filter(pk__in=chunk).update(merged_into_id=survivor)
        moved: dict[uuid.UUID, list[uuid.UUID]] = {}
        for application, stored_person in self._linked_to.items():
            if self._person_of[application] != stored_person:
                moved.setdefault(self._person_of[application], []).append(application)
        for target, applications in moved.items():
            for chunk in _chunks(applications):
                PersonLink.objects.filter(application_id__in=chunk).update(person_id=target)
        PersonLink.objects.bulk_create(
            [
                PersonLink(application_id=a, person_id=self._person_of[a], linked_by=actor)
                for a, actor in self._created.items()
            ],
            batch_size=CHUNK,
        )
        self._linked_to.update({a: self._person_of[a] for a in self._linked_to})
        self._linked_to.update({a: self._person_of[a] for a in self._created})
        for person in self._persons.values():
            person.new = False
        self._created.clear()
        self._absorbed.clear()
