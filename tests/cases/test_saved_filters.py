"""Saved filters of the case list: per user, only the list's filters, never a search term."""

from __future__ import annotations

from enlist.cases.models import SavedFilter
from enlist.cases.saved_filters import SAVED_FILTERS_MAX
from tests.conftest import sign_in
from tests.factories import ApplicationFactory

SAVE = "/staff/cases/filters/"


def test_a_clerk_saves_a_filter_and_finds_it_on_the_list(client, clerk_vilnius, vilnius):
    ApplicationFactory(mission=vilnius, stage="screening")
    sign_in(client, clerk_vilnius)

    saved = client.post(
        SAVE, {"name": "Screening, a week", "stage": "screening", "waiting_days": "7"}
    )

    assert saved.status_code == 302
    assert saved["Location"] == "/staff/cases/?stage=screening&waiting_days=7"
    row = SavedFilter.objects.get(user=clerk_vilnius)
    assert (row.name, row.stage, row.waiting_days, row.mission) == (
        "Screening, a week",
        "screening",
        7,
        "",
    )
    html = client.get("/staff/cases/").content.decode()
    assert (
        '<a href="/staff/cases/?stage=screening&amp;waiting_days=7">Screening, a week</a>' in html
    )


def test_saving_under_the_same_name_replaces_it(client, clerk_vilnius):
    sign_in(client, clerk_vilnius)
    client.post(SAVE, {"name": "Mine", "stage": "screening"})
    client.post(SAVE, {"name": "Mine", "stage": "submitted"})

    assert list(SavedFilter.objects.values_list("name", "stage")) == [("Mine", "submitted")]


def test_filters_are_each_users_own(client, clerk_vilnius, clerk_oslo):
    sign_in(client, clerk_vilnius).post(SAVE, {"name": "Vilnius only", "stage": "screening"})
    theirs = SavedFilter.objects.get()
    client.logout()

    sign_in(client, clerk_oslo)
    html = client.get("/staff/cases/").content.decode()
    deleted = client.post(SAVE, {"delete": str(theirs.pk)})

    assert "Vilnius only" not in html
    assert deleted.status_code == 404
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()


def test_nothing_to_save_a_bad_number_or_one_too_many_is_refused(client, clerk_vilnius):
    sign_in(client, clerk_vilnius)

    client.post(SAVE, {"name": "Empty"})
    client.post(SAVE, {"name": "Bad", "waiting_days": "ten"})
    client.post(SAVE, {"name": "", "stage": "screening"})
    assert not SavedFilter.objects.exists()

    for n in range(SAVED_FILTERS_MAX):
        SavedFilter.objects.create(user=clerk_vilnius, name=f"f{n}", stage="screening")
    client.post(SAVE, {"name": "one more", "stage": "screening"})
    assert SavedFilter.objects.filter(user=clerk_vilnius).count() == SAVED_FILTERS_MAX


def test_a_search_term_is_never_saved(client, clerk_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius)
    sign_in(client, clerk_vilnius)

    client.post(SAVE, {"name": "Sneaky", "stage": "screening", "q": case.passport_number})

    assert SavedFilter.objects.count() == 1
    stored = str(list(SavedFilter.objects.values()))
    assert case.passport_number not in stored


def test_the_owner_deletes_a_saved_filter(client, clerk_vilnius):
    sign_in(client, clerk_vilnius).post(SAVE, {"name": "Old", "stage": "screening"})
    saved = SavedFilter.objects.get()

    response = client.post(SAVE, {"delete": str(saved.pk)})

    assert response.status_code == 302
    assert not SavedFilter.objects.exists()
