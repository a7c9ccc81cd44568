"""Uploads are judged by their content (cases/documents.py), never by the declared type or
the file name: through the service, the staff page and the public form."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from enlist.cases.documents import document_type
from enlist.cases.models import Application, Document
from enlist.cases.services import document_add
from enlist.errors import InvalidInput
from tests.conftest import sign_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
HTML = b"<!doctype html><script>alert(1)</script>"
EXE = b"MZ\x90\x00" + b"\x00" * 60


@pytest.mark.parametrize(
    ("head", "found"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"),
     (HEIC, "image/heic")],
)  # fmt: skip
def test_each_accepted_type_is_recognised_by_its_signature(head, found):
    assert document_type(head, declared="application/octet-stream", name="upload").content_type == (
        found
    )


@pytest.mark.parametrize("head", [HTML, EXE, b"plain text", b"GIF89a" + b"\x00" * 20, b""])
def test_content_of_any_other_kind_is_refused(head):
    sniffed = document_type(head, declared="application/pdf", name="scan.pdf")
    assert sniffed.content_type is None
    assert sniffed.problem == "The file's content is not a PDF, JPEG, PNG, HEIC or WebP file."


@pytest.mark.parametrize(
    ("declared", "name"),
    [("application/pdf", "scan.png"), ("image/png", "scan.pdf"), ("", "scan.pdf"),
     ("application/pdf; charset=binary", "scan")],
)  # fmt: skip
def test_a_declared_type_or_name_that_names_another_type_is_refused(declared, name):
    sniffed = document_type(PNG, declared=declared, name=name)
    assert sniffed.content_type is None
    assert (
        sniffed.problem
        == "The file's content is PNG, but it was sent as PDF: send the file as it is."
    )


@pytest.mark.parametrize(("declared", "name"), [("", ""), ("application/octet-stream", "x"),
                                                ("image/png", "IMG_0001.PNG")])  # fmt: skip
def test_a_declared_type_that_says_nothing_else_is_no_mismatch(declared, name):
    assert document_type(PNG, declared=declared, name=name).content_type == "image/png"


def _stored() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_service_stores_the_type_found_in_the_content(vilnius_case, clerk_vilnius):
    upload = SimpleUploadedFile("photo", JPEG, content_type="application/octet-stream")
    document = document_add(
        application=vilnius_case, kind="passport", upload=upload, actor=clerk_vilnius
    )
    assert Document.objects.get(pk=document.pk).content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "name", "declared"),
    [(HTML, "passport.pdf", "application/pdf"), (PNG, "passport.pdf", "application/pdf"),
     (EXE, "passport.jpg", "image/jpeg")],
)  # fmt: skip
def test_service_refuses_a_mismatch_naming_the_file_and_stores_nothing(
    vilnius_case, clerk_vilnius, content, name, declared
):
    upload = SimpleUploadedFile(name, content, content_type=declared)
    with pytest.raises(InvalidInput) as refused:
        document_add(application=vilnius_case, kind="passport", upload=upload, actor=clerk_vilnius)
    assert [e.field for e in refused.value.errors] == ["file"]
    assert not Document.objects.exists()
    assert _stored() == []


def test_staff_page_refuses_html_sent_as_a_pdf(client, clerk_vilnius, vilnius_case):
    sign_in(client, clerk_vilnius)
    upload = SimpleUploadedFile("passport.pdf", HTML, content_type="application/pdf")
    response = client.post(
        f"/staff/cases/{vilnius_case.pk}/documents/",
        {"kind": "passport", "file": upload},
        follow=True,
    )
    assert "content is not a PDF, JPEG, PNG, HEIC or WebP file." in response.content.decode()
    assert not Document.objects.exists()
    assert _stored() == []


def test_public_form_refuses_a_png_sent_as_a_pdf(client, vilnius):
    from tests.intake.test_views import form_data

    upload = SimpleUploadedFile("record.pdf", PNG, content_type="application/pdf")
    response = client.post("/apply/", form_data(document_kind="service_record", document=upload))
    assert response.status_code == 422
    assert "but it was sent as PDF" in response.content.decode()
    assert not Application.objects.exists()
    assert not Document.objects.exists()
    assert _stored() == []


def test_only_the_first_bytes_are_read_and_the_file_is_stored_whole(vilnius_case, clerk_vilnius):
    content = PDF + b"x" * 100_000
    upload = SimpleUploadedFile("big.pdf", content, content_type="application/pdf")
    document = document_add(
        application=vilnius_case, kind="passport", upload=upload, actor=clerk_vilnius
    )
    with Document.objects.get(pk=document.pk).file.open("rb") as stored:
        assert stored.read() == content
