"""Reference data: countries with the legal advisory shown to their citizens, and missions."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from enlist.missions.place_names import city_name, country_name_from_code


class AdvisoryStatus(models.TextChoices):
    PERMITTED = "permitted", _("Permitted")
    INDIVIDUAL_DECISION = "individual_decision", _("Individual decision")
    UNCLEAR = "unclear", _("Unclear — seek advice")
    WARNED = "warned", _("Warned")
    DISCOURAGED = "discouraged", _("Discouraged")
    PROSECUTED = "prosecuted", _("Prosecuted")
    UNKNOWN = "unknown", _("Unknown — seek advice")


class Country(models.Model):
    """An ISO 3166-1 country and what its government says about joining the legion."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    advisory_status = models.CharField(
        _("advisory"),
        max_length=24,
        choices=AdvisoryStatus.choices,
        default=AdvisoryStatus.UNKNOWN,
    )
    advisory_text = models.TextField(
        _("advisory text"),
        help_text=_("Shown to applicants of this nationality before they submit."),
    )
    advisory_updated_at = models.DateTimeField(_("advisory updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return f"{country_name_from_code(self.code, stored=self.name)} ({self.code})"


class MissionKind(models.TextChoices):
    EMBASSY = "embassy", _("Embassy")
    CONSULATE = "consulate", _("Consulate")


class Mission(models.Model):
    """An embassy or consulate that receives volunteers; staff of mission roles belong to one."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("e.g. lt-vilnius"))
    name = models.CharField(
        _("name"),
        max_length=150,
        help_text=_(
            "In English: the other languages build the name from the kind of mission and "
            "its country or city"
        ),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=MissionKind.choices, default=MissionKind.EMBASSY
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="missions", verbose_name=_("country")
    )
    city = models.CharField(_("city"), max_length=100)
    timezone = models.CharField(
        _("time zone"), max_length=64, help_text=_("IANA name, e.g. Europe/Vilnius")
    )
    languages = models.JSONField(
        _("languages"), default=list, help_text=_('ISO 639-1 codes, e.g. ["lt", "en"]')
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")

    def __str__(self) -> str:
        return self.name_in()

    def name_in(self, language: str | None = None) -> str:
        """The mission's name in `language` (default: the active one). The stored name is the
        English one; elsewhere the name is built from the kind of mission and its country (an
        embassy) or city (a consulate), each in that language, so a mission added later reads
        right without a new translation."""
        language = (language or get_language() or "en").split("-")[0]
        if language == "en":
            return self.name
        with translation.override(language):
            if self.kind == MissionKind.CONSULATE:
                pattern = pgettext("mission name", "Consulate General of Ukraine in %(city)s")
            else:
                pattern = pgettext("mission name", "Embassy of Ukraine in %(country)s")
            return pattern % {
                "country": country_name_from_code(self.country_id, language),
                "city": city_name(self.city, language),
            }
