"""The staff import page: upload a spreadsheet, see the mapping and a dry run's report per
row and field, then import. The same service as `enlist import` (``intake/imports.py``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from enlist.accounts.roles import CONTACT_ROLES
from enlist.errors import EnlistError
from enlist.intake.imports import SheetError, import_mapping_save, spreadsheet_import
from enlist.intake.spreadsheet import FIELDS
from enlist.missions.models import Mission


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.csv or .xlsx)"))
    mission = forms.ChoiceField(label=_("Mission"))
    dry_run = forms.BooleanField(label=_("Dry run: check only, import nothing"), required=False,
                                 initial=True)  # fmt: skip
    all_or_nothing = forms.BooleanField(label=_("Import nothing if any row is bad"),
                                        required=False)  # fmt: skip
    save_mapping = forms.BooleanField(label=_("Save the column mapping below for this mission"),
                                      required=False)  # fmt: skip

    def __init__(self, *args, missions, headers: list[str] = (), mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["autofocus"] = True
        self.fields["mission"].choices = [(m.code, f"{m.name} ({m.city})") for m in missions]
        choices = [("", "—"), *((f, f) for f in FIELDS)]
        for index, header in enumerate(headers):
            self.fields[f"map_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False,
                initial=(mapping or {}).get(header, ""),
            )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.staff_role not in CONTACT_ROLES:
        raise Http404()
    missions = Mission.objects.filter(is_active=True)
    if user.mission_id is not None:
        missions = missions.filter(pk=user.mission_id)
    form = ImportForm(request.POST or None, request.FILES or None, missions=missions)
    report, error = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        mission = missions.get(code=form.cleaned_data["mission"])
        suffix = Path(upload.name or "").suffix.lower()
        if upload.size > settings.ENLIST_IMPORT_MAX_BYTES:
            error = _("The file is larger than the import limit.")
        elif suffix not in (".csv", ".xlsx"):
            error = _("Import a .csv or .xlsx file.")
        else:
            # The upload lives in a private temporary directory only while it is read.
            with tempfile.TemporaryDirectory() as directory:
                path = Path(directory) / f"upload{suffix}"
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                mapping = {
                    request.POST.get(f"header_{i}", ""): request.POST.get(f"map_{i}", "")
                    for i in range(200)
                    if request.POST.get(f"map_{i}")
                } or None
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
    response = render(
        request, "intake/import.html", {"form": form, "report": report, "error": error}
    )
    response["Cache-Control"] = "no-store"
    return response
