"""The staff import page: upload a spreadsheet, see the mapping and a dry run's report per
row and field, then import. The same service as `enlist import` (``intake/imports.py``).

A file over ``ENLIST_IMPORT_INLINE_BYTES`` runs in the worker (``intake/import_runs.py``):
the page then redirects to the run's page, which shows its progress and, once finished, the
result and the rejects file."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import CONTACT_ROLES
from enlist.errors import EnlistError, NotFound
from enlist.intake.import_runs import import_run_access, import_run_rejects, import_run_start
from enlist.intake.imports import SheetError, import_mapping_save, spreadsheet_import
from enlist.intake.models import ImportRun
from enlist.intake.spreadsheet import FIELDS
from enlist.missions.models import Mission
from enlist.missions.names import mission_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REFRESH_SECONDS = 3  # how often the progress page asks again (meta refresh or fetch)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.csv or .xlsx)"))
    mission = forms.ChoiceField(label=_("Mission"))
    dry_run = forms.BooleanField(label=_("Dry run: check only, import nothing"), required=False,
                                 initial=True)  # fmt: skip
    all_or_nothing = forms.BooleanField(label=_("Import nothing if any row is bad"),
                                        required=False)  # fmt: skip
    save_mapping = forms.BooleanField(label=_("Save the column mapping below for this mission"),
                                      required=False)  # fmt: skip

    def __init__(self, *args, missions, headers: Sequence[str] = (), mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["autofocus"] = True
        mission = cast(forms.ChoiceField, self.fields["mission"])  # declared as one above
        mission.choices = mission_choices(missions=missions)
        choices = [("", "—"), *((f, f) for f in FIELDS)]
        for index, header in enumerate(headers):
            self.fields[f"map_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False,
                initial=(mapping or {}).get(header, ""),
            )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: StaffRequest) -> HttpResponse:
    user = request.user
    if user.staff_role not in CONTACT_ROLES:
        raise Http404()
    missions = Mission.objects.filter(is_active=True)
    if user.mission_id is not None:
        missions = missions.filter(pk=user.mission_id)
    form = ImportForm(request.POST or None, request.FILES or None, missions=missions)
    report = None
    error: StrOrPromise | None = None  # a lazy translation or a refusal's own message
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        mission = missions.get(code=form.cleaned_data["mission"])
        suffix = Path(upload.name or "").suffix.lower()
        if upload.size > settings.ENLIST_IMPORT_MAX_BYTES:
            error = _("The file is larger than the import limit.")
        elif suffix not in (".csv", ".xlsx"):
            error = _("Import a .csv or .xlsx file.")
        elif upload.size > settings.ENLIST_IMPORT_INLINE_BYTES:
            # A large file: sealed and imported by the worker, with a progress page.
            try:
                run = import_run_start(
                    actor=user, mission=mission, content=upload.read(), suffix=suffix,
                    dry_run=form.cleaned_data["dry_run"],
                    all_or_nothing=form.cleaned_data["all_or_nothing"],
                    mapping=_posted_mapping(request),
                )  # fmt: skip
            except EnlistError as exc:
                error = "; ".join(e.message for e in exc.errors)
            else:
                return redirect("case-import-run", run_id=run.pk)
        else:
            # The upload lives in a private temporary directory only while it is read.
            with tempfile.TemporaryDirectory() as directory:
                path = Path(directory) / f"upload{suffix}"
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                mapping = _posted_mapping(request)
                try:
                    if mapping and form.cleaned_data["save_mapping"]:
                        import_mapping_save(mission=mission, columns=mapping, actor=user)
                    report = spreadsheet_import(
                        path=path, mission=mission, actor=user, mapping=mapping,
                        dry_run=form.cleaned_data["dry_run"],
                        all_or_nothing=form.cleaned_data["all_or_nothing"],
                        rejects_path=None,
                    )  # fmt: skip
                except SheetError as exc:
                    error = str(exc)
                except EnlistError as exc:
                    error = "; ".join(e.message for e in exc.errors)
        if report is not None:
            form = ImportForm(request.POST, request.FILES, missions=missions,
                              headers=report.headers, mapping=report.mapping)  # fmt: skip
            form.is_valid()
    return render(request, "intake/import.html", {"form": form, "report": report, "error": error})


def _posted_mapping(request: StaffRequest) -> dict[str, str] | None:
    return {
        request.POST.get(f"header_{i}", ""): request.POST.get(f"map_{i}", "")
        for i in range(200)
        if request.POST.get(f"map_{i}")
    } or None


def _run_for(request: StaffRequest, run_id: uuid.UUID) -> ImportRun:
    try:
        return import_run_access(user=request.user, run_id=run_id)
    except NotFound:
        raise Http404() from None


def _status(run: ImportRun) -> dict[str, Any]:
    return {
        "status": run.status,
        "finished": run.finished,
        "rows": run.rows,
        "done": run.done,
        "percent": run.percent,
        "imported": run.imported,
        "already_imported": run.already_imported,
        "rejected": run.rejected,
        "flagged": run.flagged,
    }


@login_required
@require_http_methods(["GET"])
def import_run_page(request: StaffRequest, run_id: uuid.UUID) -> HttpResponse:
    """A worker's import: progress while it runs (refreshing itself), then the result."""
    run = _run_for(request, run_id)
    problems = run.problems if run.finished and run.problems else []
    return render(
        request,
        "intake/import_run.html",
        {"run": run, "problems": problems, "refresh_seconds": REFRESH_SECONDS},
    )


@login_required
@require_http_methods(["GET"])
def import_run_status(request: StaffRequest, run_id: uuid.UUID) -> JsonResponse:
    """The numbers of the progress page, for its script (counts only: nothing personal)."""
    return JsonResponse(_status(_run_for(request, run_id)))


@login_required
@require_http_methods(["GET"])
def import_run_rejects_download(request: StaffRequest, run_id: uuid.UUID) -> HttpResponse:
    """The rejects file: exactly the bad rows with their numbers and reasons. Audited."""
    run = _run_for(request, run_id)
    try:
        content = import_run_rejects(run=run, actor=request.user)
    except NotFound:
        raise Http404() from None
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rejects.csv"'
    return response
