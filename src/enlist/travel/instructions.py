"""What a packet says, in the volunteer's language: the page behind the link and the PDF.

One builder (`packet_instructions`) feeds both, so the page and the PDF never disagree. The
PDF carries the volunteer's reference but not their name, and neutral metadata (title
"Information", no author, no subject or keywords): a file found on a phone reveals as
little as possible.
"""

from __future__ import annotations

import base64
import io
import threading
from pathlib import Path
from typing import Any

import qrcode
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from enlist.cases.languages import application_language
from enlist.cases.models import Application
from enlist.travel.models import ChecklistItem, ChecklistKind, TravelPacket

PDF_TITLE = "Information"
# A file beside the template (packaged with it): templates carry no <style> element.
PDF_CSS = Path(__file__).parent / "templates" / "travel" / "packet_pdf.css"


def packet_language(application: Application) -> str:
    """The packet is written in the volunteer's language (`cases/languages.py`)."""
    return application_language(application)


def item_text(item: ChecklistItem, language: str) -> str:
    """HQ's own translation, else the catalog's (seeded items), else the English name."""
    written = (item.translations or {}).get(language)
    if written:
        return written
    with translation.override(language):
        return gettext(item.name)


def checklist(kind: ChecklistKind, language: str) -> list[str]:
    items = ChecklistItem.objects.filter(kind=kind, is_active=True)
    return [item_text(item, language) for item in items]


def qr_png(code: str) -> bytes:
    """A QR code of exactly `code` (nothing else), as a PNG."""
    image = qrcode.make(
        code, box_size=8, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def packet_instructions(packet: TravelPacket, *, code: str | None = None) -> dict[str, Any]:
    """Everything the volunteer is told, ready for a template (strings in their language)."""
    point = packet.meeting_point
    route = packet.route
    language = packet.language
    context: dict[str, Any] = {
        "language": language,
        "reference": packet.application.reference,
        "arrival_from": packet.arrival_from,
        "arrival_until": packet.arrival_until,
        "meeting_point": {
            "name": point.name,
            "address": point.address,
            "coordinates": point.coordinates,
            "opening_hours": point.opening_hours,
            "contact_procedure": point.contact_procedure,
        },
        "route": (
            {"border_crossing": route.border_crossing, "transport": route.transport}
            if route is not None
            else None
        ),
        "documents": checklist(ChecklistKind.DOCUMENT, language),
        "equipment": checklist(ChecklistKind.EQUIPMENT, language),
    }
    if code is not None:
        context["code"] = code
        context["qr_src"] = "data:image/png;base64," + base64.b64encode(qr_png(code)).decode()
    return context


_renderers = threading.local()


def _pdf_renderer() -> tuple[Any, Any, Any]:
    """WeasyPrint's HTML class, the parsed stylesheet and a font configuration, kept per
    thread: parsing the stylesheet and loading the fonts for every packet doubled its cost
    (regenerating after a meeting point changes makes hundreds), and Pango's font map is not
    to be shared between threads."""
    if not hasattr(_renderers, "tools"):
        # Imported here: loading Pango costs time at start-up.
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        _renderers.tools = (HTML, CSS(filename=str(PDF_CSS), font_config=fonts), fonts)
    return _renderers.tools


def packet_pdf(packet: TravelPacket, *, code: str) -> bytes:
    """The packet as a PDF (WeasyPrint), in the packet's language, with neutral metadata."""
    html_class, stylesheet, fonts = _pdf_renderer()
    context = packet_instructions(packet, code=code) | {"pdf_title": PDF_TITLE}
    with translation.override(packet.language):
        html = render_to_string("travel/packet_pdf.html", context)
    return html_class(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts)
