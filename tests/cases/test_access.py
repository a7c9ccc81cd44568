"""The only door to applications: scope by role, and NotFound for everything outside it."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from enlist.cases.access import access_application, applications_in_scope
from enlist.cases.models import Application
from enlist.errors import NotFound
from tests.factories import ApplicationFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas have passwords; a fast hasher keeps creating hundreds of them cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


VILNIUS_STAGES = ["submitted", "screening", "interview", "travel", "arrived", "enlisted"]
OSLO_STAGES = ["submitted", "visa", "travel", "arrived", "on_hold", "withdrawn"]


@pytest.fixture
def cases(vilnius, oslo):
    """{(mission code, stage): application} over both missions and many stages."""
    made = {}
    for stage in VILNIUS_STAGES:
        made[("lt-vilnius", stage)] = ApplicationFactory(mission=vilnius, stage=stage)
    for stage in OSLO_STAGES:
        made[("no-oslo", stage)] = ApplicationFactory(mission=oslo, stage=stage)
    return made


def _keys(cases, user) -> set[tuple[str, str]]:
    ids = set(applications_in_scope(user=user).values_list("pk", flat=True))
    return {key for key, application in cases.items() if application.pk in ids}


VILNIUS_ALL = {("lt-vilnius", s) for s in VILNIUS_STAGES}
OSLO_ALL = {("no-oslo", s) for s in OSLO_STAGES}
RECEPTION_VIEW = {
    ("lt-vilnius", "travel"),
    ("lt-vilnius", "arrived"),
    ("no-oslo", "travel"),
    ("no-oslo", "arrived"),
}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clerk_vilnius", VILNIUS_ALL),
        ("attache_vilnius", VILNIUS_ALL),
        ("consul_vilnius", VILNIUS_ALL),
        ("clerk_oslo", OSLO_ALL),
        ("attache_oslo", OSLO_ALL),
        ("consul_oslo", OSLO_ALL),
        ("reception", RECEPTION_VIEW),
        ("hq", VILNIUS_ALL | OSLO_ALL),
        ("auditor", set()),
        ("admin_user", set()),
    ],
)
def test_applications_in_scope_by_persona(request, cases, persona, expected):
    user = request.getfixturevalue(persona)
    assert _keys(cases, user) == expected
    assert applications_in_scope(user=user).count() == len(expected)


def test_scope_counts_match_design(cases, clerk_vilnius, clerk_oslo, reception, hq):
    assert Application.objects.count() == 12
    assert applications_in_scope(user=clerk_vilnius).count() == 6
    assert applications_in_scope(user=clerk_oslo).count() == 6
    assert applications_in_scope(user=reception).count() == 4
    assert applications_in_scope(user=hq).count() == 12


@pytest.mark.parametrize("persona", ["clerk_vilnius", "hq", "reception"])
def test_inactive_user_sees_nothing(request, cases, persona):
    user = request.getfixturevalue(persona)
    user.is_active = False
    assert applications_in_scope(user=user).count() == 0
    with pytest.raises(NotFound):
        access_application(user=user, application_id=cases[("lt-vilnius", "travel")].pk)


def test_reception_scope_follows_the_stage(vilnius, reception):
    application = ApplicationFactory(mission=vilnius, stage="visa")
    assert applications_in_scope(user=reception).count() == 0
    Application.objects.filter(pk=application.pk).update(stage="travel")
    assert list(applications_in_scope(user=reception)) == [application]
    Application.objects.filter(pk=application.pk).update(stage="enlisted")
    assert applications_in_scope(user=reception).count() == 0


@pytest.mark.parametrize(
    ("persona", "key"),
    [
        ("clerk_vilnius", ("lt-vilnius", "submitted")),
        ("attache_vilnius", ("lt-vilnius", "interview")),
        ("consul_vilnius", ("lt-vilnius", "enlisted")),
        ("clerk_oslo", ("no-oslo", "withdrawn")),
        ("reception", ("lt-vilnius", "travel")),
        ("reception", ("no-oslo", "arrived")),
        ("hq", ("no-oslo", "on_hold")),
        ("hq", ("lt-vilnius", "screening")),
    ],
)
def test_access_application_returns_case_in_scope(request, cases, persona, key):
    user = request.getfixturevalue(persona)
    application = cases[key]
    for application_id in (application.pk, str(application.pk), str(application.pk).upper()):
        found = access_application(user=user, application_id=application_id)
        assert found.pk == application.pk
        assert found.mission.code == key[0]


@pytest.mark.parametrize(
    ("persona", "key"),
    [
        ("clerk_vilnius", ("no-oslo", "submitted")),
        ("attache_vilnius", ("no-oslo", "travel")),
        ("consul_vilnius", ("no-oslo", "visa")),
        ("clerk_oslo", ("lt-vilnius", "submitted")),
        ("attache_oslo", ("lt-vilnius", "interview")),
        ("consul_oslo", ("lt-vilnius", "arrived")),
        ("reception", ("lt-vilnius", "submitted")),
        ("reception", ("lt-vilnius", "enlisted")),
        ("reception", ("no-oslo", "visa")),
        ("reception", ("no-oslo", "on_hold")),
        ("auditor", ("lt-vilnius", "submitted")),
        ("auditor", ("no-oslo", "travel")),
        ("admin_user", ("lt-vilnius", "arrived")),
        ("admin_user", ("no-oslo", "submitted")),
    ],
)
def test_access_application_out_of_scope_is_not_found(request, cases, persona, key):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotFound) as excinfo:
        access_application(user=user, application_id=cases[key].pk)
    assert excinfo.value.status == 404
    assert excinfo.value.message == "Not found."


@pytest.mark.parametrize(
    "application_id",
    [
        "not-a-uuid",
        "",
        "123",
        "../../etc/passwd",
        "IL-7K4Q-9F",
        123,
        None,
        str(uuid.UUID(int=0)),
        "6b1e6e1a-0c8b-4a4e-9d43-000000000000",
    ],
)
@pytest.mark.parametrize("persona", ["clerk_vilnius", "hq"])
def test_access_application_bad_or_unknown_id_is_not_found(request, cases, persona, application_id):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotFound) as excinfo:
        access_application(user=user, application_id=application_id)
    assert excinfo.value.message == "Not found."


def test_nonexistent_and_out_of_scope_raise_the_same_error(cases, clerk_vilnius):
    errors = []
    for application_id in (cases[("no-oslo", "submitted")].pk, uuid.uuid4()):
        with pytest.raises(NotFound) as excinfo:
            access_application(user=clerk_vilnius, application_id=application_id)
        errors.append((type(excinfo.value), excinfo.value.message, excinfo.value.errors))
    assert errors[0] == errors[1]


def test_access_for_update_locks_within_scope(cases, clerk_vilnius):
    with transaction.atomic():
        application = access_application(
            user=clerk_vilnius,
            application_id=cases[("lt-vilnius", "screening")].pk,
            for_update=True,
        )
        assert application.stage == "screening"
        with pytest.raises(NotFound):
            access_application(
                user=clerk_vilnius, application_id=cases[("no-oslo", "visa")].pk, for_update=True
            )
