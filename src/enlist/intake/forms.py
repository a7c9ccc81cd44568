"""The application form, shared by the public page and clerks recording a contact.

Django renders it; the rules are the intake contract's (``intake.schemas``), so a web
application is refused for exactly the same reasons as an API one, with the same messages.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from enlist.cases.models import Channel, DocumentKind
from enlist.errors import InvalidInput
from enlist.intake.messages import contract_message
from enlist.intake.schemas import ApplicationIn, IntakeContext, parse_application_data
from enlist.missions.names import country_choices, mission_choices

# Where a contract field's error shows on the form.
_FORM_FIELD = {
    "military_experience.years": "years",
    "military_experience.branch": "branch",
    "military_experience.last_rank": "last_rank",
    "military_experience.combat_deployments": "combat_deployments",
    "military_experience.peacekeeping": "peacekeeping",
    "military_experience.specialties": "specialties",
    "military_experience": "years",
}
_EXPERIENCE_FIELDS = ("years", "branch", "last_rank", "combat_deployments", "peacekeeping")


STAFF_ORDER = (
    "channel", "given_name", "family_name", "given_name_native", "family_name_native",
    "date_of_birth", "nationality", "residence_country", "phone", "email", "passport_number",
    "mission", "languages", "years", "branch", "last_rank", "combat_deployments",
    "peacekeeping", "specialties", "consent", "legal_advisory_acknowledged",
)  # fmt: skip
# Fields whose value the contact page's live check sends (static/enlist/contact.js).
CHECKED_FIELDS = (
    "given_name", "family_name", "given_name_native", "family_name_native", "date_of_birth",
    "nationality", "residence_country", "phone", "email", "passport_number",
)  # fmt: skip


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


class ApplicationForm(forms.Form):
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    given_name = forms.CharField(label=_("Given name(s), as in your passport"), required=False)
    family_name = forms.CharField(label=_("Family name, as in your passport"), required=False)
    given_name_native = forms.CharField(
        label=_("Given name in your own script (optional)"), required=False
    )
    family_name_native = forms.CharField(
        label=_("Family name in your own script (optional)"), required=False
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    residence_country = forms.ChoiceField(label=_("Country where you live"), required=False)
    email = forms.CharField(label=_("Email"), required=False, widget=forms.EmailInput)
    phone = forms.CharField(
        label=_("Phone with country code (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    passport_number = forms.CharField(label=_("Passport number (optional)"), required=False)
    mission = forms.ChoiceField(label=_("Embassy or consulate you apply to"), required=False)
    languages = forms.CharField(
        label=_("Languages you speak (codes, comma-separated, e.g. en, uk)"), required=False
    )
    years = forms.CharField(
        label=_("Years of military service"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 50}),
    )
    branch = forms.CharField(label=_("Branch (e.g. army, marines)"), required=False)
    last_rank = forms.CharField(label=_("Last rank"), required=False)
    combat_deployments = forms.CharField(
        label=_("Combat deployments"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 50}),
    )
    peacekeeping = forms.BooleanField(label=_("I served in peacekeeping"), required=False)
    specialties = forms.CharField(
        label=_("Specialties (comma-separated, e.g. infantry, combat medic)"), required=False
    )
    document_kind = forms.ChoiceField(
        label=_("Document type"), required=False, choices=[("", "—"), *DocumentKind.choices]
    )
    document = forms.FileField(
        label=_("A document proving your service (optional: PDF or photo)"), required=False
    )
    consent = forms.BooleanField(
        label=_("I agree that my data is processed to handle my application."), required=False
    )
    legal_advisory_acknowledged = forms.BooleanField(
        label=_("I have read the legal advisory for my country."), required=False
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = [("", "—"), *country_choices()]
        # declared above as ChoiceFields; the stubs type self.fields as plain Fields
        cast(forms.ChoiceField, self.fields["nationality"]).choices = countries
        cast(forms.ChoiceField, self.fields["residence_country"]).choices = countries
        cast(forms.ChoiceField, self.fields["mission"]).choices = [("", "—"), *mission_choices()]
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=_("How the volunteer contacted us"),
                choices=[c for c in Channel.choices if c[0] in ("phone", "email", "walk_in")],
            )
            self.fields["consent"].label = _(
                "The volunteer agreed to the processing of their data."
            )
            self.fields["legal_advisory_acknowledged"].label = _(
                "The volunteer was told the legal advisory for their country."
            )
            # Keyboard-first: the order a clerk asks on the phone, starting where they type.
            self.order_fields(STAFF_ORDER)
            first = self.fields["channel"]
            first.widget.attrs["autofocus"] = True
            for name in CHECKED_FIELDS:
                self.fields[name].widget.attrs["data-check"] = "1"

    def intake_data(self) -> dict[str, Any]:
        """The form's values in the shape of the intake contract (blanks left out)."""
        values = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        data: dict[str, Any] = {
            key: values[key]
            for key in (
                "given_name", "family_name", "given_name_native", "family_name_native",
                "date_of_birth", "nationality", "residence_country", "email", "phone",
                "passport_number", "mission",
            )
            if key in values
        }  # fmt: skip
        data["languages"] = _split(values.get("languages", ""))
        experience = {k: values[k] for k in _EXPERIENCE_FIELDS if k in values}
        experience["specialties"] = _split(values.get("specialties", ""))
        data["military_experience"] = experience
        data["consent"] = bool(values.get("consent"))
        data["legal_advisory_acknowledged"] = bool(values.get("legal_advisory_acknowledged"))
        return data

    def validated(self, *, context: IntakeContext) -> ApplicationIn | None:
        """The application, or None with the contract's errors attached to their fields."""
        if not self.is_valid():
            return None
        try:
            return parse_application_data(self.intake_data(), context=context)
        except InvalidInput as exc:
            for error in exc.errors:
                path = (error.field or "").split("[")[0]
                name = _FORM_FIELD.get(path, path)
                field = self.fields.get(name)
                label = str(field.label) if field is not None else path
                self.add_error(
                    name if field is not None else None, contract_message(error, label=label)
                )
            return None
