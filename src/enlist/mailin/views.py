"""The clerk's mail pages: open drafts of the mission, and one draft beside the form."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import CONTACT_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.errors import EnlistError
from enlist.intake.forms import ApplicationForm
from enlist.intake.services import intake_context
from enlist.mailin.models import DraftStatus, MailDraft
from enlist.mailin.prefill import prefill
from enlist.mailin.services import draft_access, draft_complete

PAGE_SIZE = 50


class DraftForm(ApplicationForm):
    """The application form for completing a mail draft: channel email, and no consent
    boxes: a mail's consent is "to be confirmed" (``Consent.to_be_confirmed``) until the
    volunteer confirms it at first contact."""

    def __init__(self, *args: Any, mission_code: str, **kwargs: Any) -> None:
        super().__init__(*args, staff=True, **kwargs)
        self.mission_code = mission_code
        for name in ("channel", "consent", "legal_advisory_acknowledged", "document",
                     "document_kind", "mission"):  # fmt: skip
            self.fields.pop(name, None)
        first = self.fields["given_name"]
        first.widget.attrs["autofocus"] = True

    def intake_data(self) -> dict[str, Any]:
        data = super().intake_data()
        data["consent"] = data["legal_advisory_acknowledged"] = True  # the channel states it
        data["mission"] = self.mission_code  # the mission the mail was sent to
        return data


def _scoped(request: StaffRequest):
    if request.user.staff_role not in CONTACT_ROLES:
        raise Http404()


@login_required
def draft_list(request: StaffRequest) -> HttpResponse:
    _scoped(request)
    drafts = MailDraft.objects.select_related("mission").filter(
        status__in=[DraftStatus.OPEN, DraftStatus.REVIEW]
    )
    if request.user.mission_id is not None:
        drafts = drafts.filter(mission_id=request.user.mission_id)
    page = Paginator(drafts.order_by("status", "-created_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    if shown:
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW_LIST,
            target=None,
            detail={
                "via": "web",
                "change": "mail_drafts",
                "count": len(shown),
                "page": page.number,
            },
        )
    return render(request, "mailin/draft_list.html", {"drafts": shown, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def draft_page(request: StaffRequest, draft_id: str) -> HttpResponse:
    _scoped(request)
    draft = draft_access(user=request.user, draft_id=draft_id)
    messages = list(draft.messages.prefetch_related("attachments").all())
    first = messages[0] if messages else None
    name = ""
    if first is not None and first.raw:
        with first.raw.open("rb") as f:
            head = f.read(64 * 1024)
        from email.parser import BytesHeaderParser

        name = parseaddr(str(BytesHeaderParser().parsebytes(head).get("From", "")))[0]
    initial = prefill(
        sender=draft.sender or "",
        sender_name=name,
        text="\n".join(m.body or "" for m in messages),
        language=draft.language,
    )
    form = DraftForm(request.POST or None, initial=initial, mission_code=draft.mission.code)
    if request.method == "POST" and draft.status != DraftStatus.COMPLETED:
        data = form.validated(context=intake_context())
        if data is not None:
            try:
                application = draft_complete(draft=draft, data=data, actor=request.user)
            except EnlistError as exc:
                for error in exc.errors:
                    form.add_error(error.field if error.field in form.fields else None,
                                   error.message)  # fmt: skip
            else:
                return redirect(reverse("case-detail", args=[application.pk]))
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        target=("mail_draft", str(draft.pk)),
        detail={"via": "web", "draft": str(draft.pk), "count": len(messages)},
    )
    return render(
        request,
        "mailin/draft.html",
        {"draft": draft, "messages": messages, "form": form},
    )
