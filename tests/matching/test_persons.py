"""``PersonGraph``: the linking rule held in memory and written in a fixed number of queries.

Applications are made with the factory (intake, matched on arrival); persons and links are
set by hand so that each case of the rule is the one under test.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enlist.matching.models import Person, PersonLink
from enlist.matching.persons import PersonGraph
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _apps(mission, count: int):
    return [
        ApplicationFactory(
            mission=mission,
            given_name=f"Given{k}",
            family_name=f"Family{k}",
            email=f"person{k}@example.org",
            phone=None,
            passport_number=f"FP{k:06d}",
            date_of_birth=f"19{70 + k % 20}-0{1 + k % 9}-1{k % 9}",
        )
        for k in range(count)
    ]


def _person(*applications, age_days: int = 0) -> Person:
    person = Person.objects.create(created_at=timezone.now() - datetime.timedelta(days=age_days))
    PersonLink.objects.bulk_create(PersonLink(application=a, person=person) for a in applications)
    return person


def _person_id(application) -> object:
    return PersonLink.objects.get(application=application).person_id


def test_the_older_person_absorbs_the_younger_and_a_newcomer_joins_the_survivor(vilnius):
    a1, a2, b1, c = _apps(vilnius, 4)
    older, younger = _person(a1, a2, age_days=3), _person(b1, age_days=1)
    graph = PersonGraph([a2.pk, b1.pk, c.pk])
    survivor, undo = graph.link([b1.pk, a2.pk], None)
    assert survivor == older.pk
    assert undo == {
        "person": str(older.pk),
        "created": [],
        "absorbed": {str(younger.pk): [str(b1.pk)]},
        "members": sorted(str(a.pk) for a in (a1, a2, b1)),
    }
    survivor, undo = graph.link([b1.pk, c.pk], None)
    assert (survivor, undo["created"]) == (older.pk, [str(c.pk)])
    assert PersonLink.objects.filter(application=c).exists() is False  # nothing written yet
    graph.save()
    assert {_person_id(a) for a in (a1, a2, b1, c)} == {older.pk}
    younger.refresh_from_db()
    assert younger.merged_into_id == older.pk


def test_links_among_applications_with_no_person_make_one_new_person(vilnius):
    a, b, c = _apps(vilnius, 3)
    graph = PersonGraph([a.pk, b.pk, c.pk])
    first, undo = graph.link([a.pk, b.pk], None)
    second, _ = graph.link([b.pk, c.pk], None)
    assert first == second
    assert undo["created"] == [str(a.pk), str(b.pk)]
    assert graph.members(c.pk) == {a.pk, b.pk, c.pk}
    graph.save()
    assert Person.objects.filter(pk=first).exists()
    assert {_person_id(x) for x in (a, b, c)} == {first}


def test_a_person_made_in_the_batch_and_then_absorbed_points_to_the_survivor(vilnius):
    a, b, old_member = _apps(vilnius, 3)
    old = _person(old_member, age_days=5)
    graph = PersonGraph([a.pk, b.pk, old_member.pk])
    made, _ = graph.link([a.pk, b.pk], None)  # a new person
    survivor, undo = graph.link([b.pk, old_member.pk], None)  # the older one absorbs it
    assert survivor == old.pk
    assert undo["absorbed"] == {str(made): sorted([str(a.pk), str(b.pk)])}
    graph.save()
    assert Person.objects.get(pk=made).merged_into_id == old.pk
    assert {_person_id(x) for x in (a, b, old_member)} == {old.pk}


def test_members_are_read_through_merges_to_the_root(vilnius):
    a, b = _apps(vilnius, 2)
    root = _person(a, age_days=2)
    merged = Person.objects.create(merged_into=root)
    PersonLink.objects.create(application=b, person=merged)  # a link left on the absorbed one
    graph = PersonGraph([b.pk])
    assert graph.members(b.pk) == {a.pk, b.pk}
    survivor, undo = graph.link([b.pk], None)
    assert (survivor, undo["created"]) == (root.pk, [])
    graph.save()
    assert _person_id(b) == root.pk  # saving moves the stray link to the root


def test_linking_many_pairs_takes_no_more_queries_than_linking_a_few(vilnius):
    applications = _apps(vilnius, 24)

    def queries_to_link(pairs) -> int:
        ids = [x.pk for pair in pairs for x in pair]
        with CaptureQueriesContext(connection) as captured:
            graph = PersonGraph(ids)
            for left, right in pairs:
                graph.link([left.pk, right.pk], None)
            graph.save()
        return len(captured)

    few = queries_to_link([(applications[0], applications[1])])
    many = queries_to_link(
        [(applications[k], applications[k + 1]) for k in range(2, 22, 2)]
        + [(applications[3], applications[4])]  # joins two persons made in the same batch
    )
    assert many <= few + 1  # the one more: an update for the merged person
