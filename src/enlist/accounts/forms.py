"""The sign-in forms: password (Django's, which passes the request on to django-axes) and code."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

_CODE = re.compile(r"\d{6}")


class SignInForm(AuthenticationForm):
    """Username and password. ``authenticate(request, …)`` runs through django-axes first."""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "code",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not _CODE.fullmatch(code):
            raise forms.ValidationError(_("Enter the six digits your authenticator app shows."))
        return code


class PasskeyForm(forms.Form):
    """The browser's answer to a WebAuthn challenge, as JSON (written by passkey.js)."""

    credential = forms.CharField(max_length=16_384, widget=forms.HiddenInput)


class PasskeyAddForm(PasskeyForm):
    name = forms.CharField(
        label=_("A name for this key (e.g. 'blue security key', 'work laptop')"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )


class LanguageForm(forms.Form):
    """The language a staff member's emails are written in."""

    language = forms.ChoiceField(label=_("Language of your emails"), choices=settings.LANGUAGES)
