"""Mail drafts never completed are crypto-shredded after the retention period; completed ones
follow their case."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from enlist.audit.models import AuditAction, AuditEntry
from enlist.audit.services import audit_verify
from enlist.cases.models import Application
from enlist.jobs.registry import schedule
from enlist.mailin.models import InboundMessage, MailAttachment, MailDraft
from enlist.mailin.retention import drafts_due_for_shredding, drafts_retention_run
from enlist.mailin.services import drafts_complete_by_form
from enlist.vault.models import DataKey
from tests.audit.conftest import _own_checkpoint_file  # noqa: F401  # own checkpoint file
from tests.factories import application_payload
from tests.mailin.test_pages import draft  # noqa: F401  # the fixture

DAY = datetime.timedelta(days=1)


def later(days: int) -> datetime.datetime:
    return timezone.now() + days * DAY


@pytest.fixture
def files(draft):  # noqa: F811
    message = InboundMessage.objects.get(draft=draft)
    return [message.raw.path, *(a.file.path for a in MailAttachment.objects.filter(draft=draft))]


def test_a_draft_never_completed_is_shredded_after_the_period(
    settings,
    draft,  # noqa: F811
    files,
    django_capture_on_commit_callbacks,
):
    settings.ENLIST_DRAFT_RETENTION_DAYS = 90
    assert all(os.path.exists(p) for p in files)  # noqa: PTH110
    assert not drafts_due_for_shredding(now=later(89)).exists()
    assert list(drafts_due_for_shredding(now=later(91))) == [draft]
    with django_capture_on_commit_callbacks(execute=True), freeze(later(91)):
        assert drafts_retention_run() == 1
    assert not MailDraft.objects.exists()
    assert not InboundMessage.objects.exists() and not MailAttachment.objects.exists()
    assert DataKey.objects.get(pk=draft.data_key_id).is_destroyed
    assert not any(os.path.exists(p) for p in files)  # noqa: PTH110
    entry = AuditEntry.objects.get(action=AuditAction.ERASE, target_id=str(draft.pk))
    assert entry.detail == {"rule": "draft_never_completed", "mission": "lt-vilnius"}
    assert entry.target_type == "mail_draft"
    assert audit_verify(progress=False).result.intact


def test_a_new_message_in_the_thread_restarts_the_period(settings, draft):  # noqa: F811
    settings.ENLIST_DRAFT_RETENTION_DAYS = 90
    InboundMessage.objects.filter(draft=draft).update(received_at=later(-100))
    MailDraft.objects.filter(pk=draft.pk).update(created_at=later(-100))
    assert drafts_due_for_shredding().exists()
    InboundMessage.objects.filter(draft=draft).update(received_at=later(-10))
    assert not drafts_due_for_shredding().exists()


def test_a_completed_draft_stays_with_its_case(settings, draft, vilnius):  # noqa: F811
    from enlist.cases.models import Channel
    from enlist.intake.schemas import ApplicationIn
    from enlist.intake.services import application_submit

    data = ApplicationIn.model_validate(
        application_payload(mission="lt-vilnius", email="ivan.p@example.org"), strict=False
    )
    application = application_submit(data=data, channel=Channel.WEB).application
    drafts_complete_by_form(application)  # already run on arrival; a second call is a no-op
    assert not drafts_due_for_shredding(now=later(1000)).exists()
    with freeze(later(1000)):
        assert drafts_retention_run() == 0
    assert MailDraft.objects.filter(pk=draft.pk).exists()
    assert Application.objects.filter(pk=application.pk).exists()


def test_the_retention_run_is_a_daily_job():
    assert any(p.kind == "mail.drafts_retention" and p.every == DAY for p in schedule())


class freeze:  # noqa: N801
    """timezone.now() at `moment` inside the block (the run reads the clock itself)."""

    def __init__(self, moment: datetime.datetime) -> None:
        self.moment = moment

    def __enter__(self):
        from unittest import mock

        self.patch = mock.patch("django.utils.timezone.now", return_value=self.moment)
        self.patch.start()
        return self

    def __exit__(self, *exc):
        self.patch.stop()
