"""Schemathesis over the whole OpenAPI schema, in process against the WSGI app.

Every operation is called with generated requests (valid ones and, from the negative mode,
schema-invalid ones), anonymously and with a bearer token of each staff role in turn, its path
ids replaced by real objects of the attack suite's world (tests/security/conftest.py) on
every other request so that they reach past the 404. Each answer must be:

- no server error (``not_a_server_error``),
- a status code the schema documents for the operation (``status_code_conformance``),
- of a documented content type (``content_type_conformance``),
- a body matching the documented schema (``response_schema_conformance``),
- and a refusal (4xx) of every schema-invalid request (``negative_data_rejection``).

The CI profile (default) is bounded: ``ENLIST_FUZZ_EXAMPLES`` (12) generated requests per
operation, one caller each, derandomized so that a failure in CI is found again on the same
code: about 300 requests. ``ENLIST_FUZZ=long`` adds schemathesis's coverage phase (boundary
values, every documented constraint, wrong methods) and sends each request as every caller.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from enlist.accounts.services import staff_token_create
from enlist.api import api
from enlist.wsgi import application as wsgi_application
from tests.security.conftest import PERSONAS

LONG = os.environ.get("ENLIST_FUZZ") == "long"
FUZZ_EXAMPLES = int(os.environ.get("ENLIST_FUZZ_EXAMPLES", "100" if LONG else "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Who calls: nobody, and a token of each role that holds one (the admin has no API work).
CALLERS = (None, *(p for p in PERSONAS if p != "admin"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = wsgi_application
schema.config.phases.coverage.enabled = LONG

# Real objects for path parameters, by name (the world's Oslo objects).
_REAL = {
    "application_id": lambda w: w.oslo_case.pk,
    "interview_id": lambda w: w.objects["interview_id"],
    "candidate_id": lambda w: w.objects["candidate_id"],
    "code": lambda w: "NO",
}
_turn = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def _connection_kept_open():
    """As Django's test client does: a request must not close the database connection that
    holds the test's transaction (the WSGI handler would, on PostgreSQL, at request end)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def tokens(world, django_db_blocker) -> dict[str | None, str | None]:
    with django_db_blocker.unblock():
        made = {p: staff_token_create(user=world.users[p]) for p in CALLERS if p is not None}
    return {None: None, **made}


def test_every_path_parameter_has_a_real_object():
    names = {
        p["name"]
        for methods in api.get_openapi_schema()["paths"].values()
        for operation in methods.values()
        for p in operation.get("parameters", ())
        if p["in"] == "path"
    }
    assert names <= set(_REAL), f"add a real object for {names - set(_REAL)} to _REAL"


def _real_path(case: Any, world: Any) -> None:
    for name in list(case.path_parameters or ()):
        case.path_parameters[name] = str(_REAL[name](world))


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_answers_as_documented(case, world, tokens):
    turn = next(_turn)
    callers = CALLERS if LONG else (CALLERS[turn % len(CALLERS)],)
    if turn % 2:
        _real_path(case, world)
    for caller in callers:
        token = tokens[caller]
        headers = {"Authorization": f"Bearer {token}"} if token else None
        case.call_and_validate(headers=headers, checks=CHECKS)
