"""Bearer-token authentication of the staff API."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from enlist.accounts.auth import user_for_token
from enlist.accounts.models import ApiToken
from enlist.accounts.services import staff_token_create


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas have passwords; a fast hasher keeps creating hundreds of them cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


UNAUTHENTICATED = {
    "errors": [
        {
            "field": "Authorization",
            "message": "A valid staff token is required (Authorization: Bearer <token>).",
        }
    ]
}


def _get(headers: dict[str, str] | None = None):
    return Client().get("/api/v1/applications", headers=headers or {})


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_token_works(clerk_vilnius, vilnius_case):
    raw = staff_token_create(user=clerk_vilnius)
    response = _get(_bearer(raw))
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_no_token_is_401(db):
    response = _get()
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


@pytest.mark.parametrize(
    "header",
    ["Bearer enl_not-a-real-token", "Bearer ", "Token {raw}", "Basic {raw}", "{raw}"],
)
def test_malformed_or_unknown_token_is_401(clerk_vilnius, header):
    raw = staff_token_create(user=clerk_vilnius)
    response = _get({"Authorization": header.format(raw=raw)})
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_revoked_token_is_401(clerk_vilnius):
    raw = staff_token_create(user=clerk_vilnius)
    assert _get(_bearer(raw)).status_code == 200
    ApiToken.objects.filter(user=clerk_vilnius).update(revoked_at=timezone.now())
    response = _get(_bearer(raw))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_other_tokens_of_the_user_survive_a_revocation(clerk_vilnius):
    revoked = staff_token_create(user=clerk_vilnius, label="laptop")
    kept = staff_token_create(user=clerk_vilnius, label="desktop")
    ApiToken.objects.filter(label="laptop").update(revoked_at=timezone.now())
    assert _get(_bearer(revoked)).status_code == 401
    assert _get(_bearer(kept)).status_code == 200


def test_inactive_user_is_401(clerk_vilnius):
    raw = staff_token_create(user=clerk_vilnius)
    clerk_vilnius.is_active = False
    clerk_vilnius.save(update_fields=["is_active"])
    response = _get(_bearer(raw))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_digest_is_stored_not_the_raw_token(clerk_vilnius):
    raw = staff_token_create(user=clerk_vilnius, label="cli")
    assert raw.startswith("enl_")
    assert len(raw) > 40
    token = ApiToken.objects.get(user=clerk_vilnius)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in token.digest
    assert raw[4:] not in token.label
    assert ApiToken.objects.filter(digest=raw).count() == 0


def test_each_token_is_new(clerk_vilnius):
    tokens = {staff_token_create(user=clerk_vilnius) for _ in range(5)}
    assert len(tokens) == 5
    assert ApiToken.objects.filter(user=clerk_vilnius).count() == 5


def test_user_for_token_returns_the_user_and_records_use(clerk_vilnius):
    raw = staff_token_create(user=clerk_vilnius)
    assert ApiToken.objects.get().last_used_at is None
    assert user_for_token(raw) == clerk_vilnius
    assert ApiToken.objects.get().last_used_at is not None


def test_recent_use_is_not_rewritten_on_every_request(clerk_vilnius):
    raw = staff_token_create(user=clerk_vilnius)
    recent = timezone.now() - timedelta(minutes=1)
    ApiToken.objects.update(last_used_at=recent)
    assert user_for_token(raw) == clerk_vilnius
    assert ApiToken.objects.get().last_used_at == recent

    stale = timezone.now() - timedelta(minutes=10)
    ApiToken.objects.update(last_used_at=stale)
    assert user_for_token(raw) == clerk_vilnius
    assert ApiToken.objects.get().last_used_at > stale


def test_user_for_token_refuses_unknown_revoked_and_inactive(clerk_vilnius, clerk_oslo):
    assert user_for_token("enl_nothing") is None
    revoked = staff_token_create(user=clerk_vilnius)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert user_for_token(revoked) is None
    inactive = staff_token_create(user=clerk_oslo)
    clerk_oslo.is_active = False
    clerk_oslo.save(update_fields=["is_active"])
    assert user_for_token(inactive) is None


def test_public_endpoints_need_no_token(vilnius):
    assert Client().get("/api/v1/missions").status_code == 200
    assert Client().get("/api/v1/countries/CA/advisory").status_code == 200
