"""HQ's forms for meeting points, routes and checklist lines; services validate the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from enlist.errors import InvalidInput
from enlist.missions.names import country_choices
from enlist.travel.models import ChecklistKind


class ServiceForm(forms.Form):
    def add_service_errors(self, exc: InvalidInput) -> None:
        for error in exc.errors:
            self.add_error(error.field if error.field in self.fields else None, error.message)


class MeetingPointForm(ServiceForm):
    name = forms.CharField(label=_("Codename"), max_length=120)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}))
    coordinates = forms.CharField(
        label=_("Coordinates"), max_length=60, help_text=_("Latitude, longitude: 50.4501, 30.5234")
    )
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200)
    contact_procedure = forms.CharField(
        label=_("Contact procedure"), widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RouteAdviceForm(ServiceForm):
    country = forms.ChoiceField(label=_("Country of departure"), required=False)
    border_crossing = forms.CharField(
        label=_("Border crossing"), widget=forms.Textarea(attrs={"rows": 3})
    )
    transport = forms.CharField(label=_("Transport"), widget=forms.Textarea(attrs={"rows": 3}))
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # declared above as a ChoiceField; the stubs type self.fields as plain Fields
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = [("", _("Any country"))] + list(country_choices())


class ChecklistItemForm(ServiceForm):
    kind = forms.ChoiceField(label=_("List"), choices=ChecklistKind.choices)
    name = forms.CharField(label=_("Text in English"), max_length=200)
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("Shown"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            if code != "en":
                self.fields[f"text_{code}"] = forms.CharField(
                    label=name, max_length=200, required=False
                )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["translations"] = {
            name[len("text_") :]: data.pop(name) for name in list(data) if name.startswith("text_")
        }
        return data
