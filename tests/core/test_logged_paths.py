"""Every logged path is masked as the access log masks it: Django's own ``django.request``
logger (which names the path of a 500) included, and paths that never resolved to a view."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from enlist.core.paths import masked_path
from enlist.intake import subject_access_views

TOKEN = "eyJhIjoiMDFkNmUifQ:1t9Jk2:Qm9ndXNTaWduYXR1cmVUaGF0SXNMb25n"


@pytest.fixture
def console():
    """What the configured console handler writes, as text."""
    handler = next(h for h in logging.getLogger("django.request").handlers)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


@pytest.mark.django_db
def test_a_server_error_under_a_token_url_logs_the_masked_path_only(console, monkeypatch):
    def explode(*, token: str) -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr(subject_access_views, "subject_access_export", explode)
    client = Client(raise_request_exception=False)

    response = client.get(f"/my-data/{TOKEN}/")

    assert response.status_code == 500
    text = console.getvalue()
    assert TOKEN not in text
    assert TOKEN.split(":")[0] not in text
    lines = _lines(console)
    errors = [line for line in lines if line["logger"] == "django.request"]
    assert [(e["message"], e["path"], e["exception"]) for e in errors] == [
        ("Internal Server Error: /my-data/:token/", "/my-data/:token/", "RuntimeError")
    ]
    access = [line for line in lines if line["logger"] == "enlist.requests"]
    assert [(a["path"], a["status"]) for a in access] == [("/my-data/:token/", 500)]


@pytest.mark.django_db
def test_an_unresolved_path_carrying_a_token_is_masked_in_the_access_log(console):
    response = Client().get(f"/my-data/{TOKEN}/extra/")

    assert response.status_code == 404
    assert TOKEN not in console.getvalue()
    (access,) = [line for line in _lines(console) if line["logger"] == "enlist.requests"]
    assert access["path"] == "/my-data/:token/extra/"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/staff/cases/3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f/", None),  # an opaque id stays
        ("/api/v1/missions", None),
        ("/staff/travel/checklist/12/", None),
        ("/appointment/", None),
        (f"/my-data/{TOKEN}/", "/my-data/:token/"),
        ("/staff/checkin/AB12-CD34-EF56-GH78-JK90/", "/staff/checkin/:token/"),
        ("/x/" + "a" * 41 + "/", "/x/:token/"),
        ("/staff/cases/Олександр/", "/staff/cases/:token/"),
    ],
)
def test_masked_path_keeps_ids_and_masks_anything_that_could_be_a_token(path, logged):
    assert masked_path(path) == (logged or path)


def test_masked_path_masks_the_secrets_the_resolver_named():
    assert masked_path("/travel/abc/", ["abc"]) == "/travel/:token/"
