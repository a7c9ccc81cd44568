"""EncryptedFileStorage: documents are sealed on disk with their volunteer's data key, under
random names, bound to their row and name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from enlist.cases.models import Document
from enlist.cases.services import document_add
from enlist.vault.crypto import DecryptionError
from tests.factories import ApplicationFactory

PLAINTEXT = b"%PDF-1.7 service record of Oleksandr Kovalenko, passport AB123456"
OTHER = b"%PDF-1.7 another volunteer's scan"


def _on_disk(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _upload(application, clerk, content: bytes = PLAINTEXT, name: str = "Kovalenko.pdf"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return document_add(application=application, kind="passport", upload=upload, actor=clerk)


def _read(document: Document) -> bytes:
    with Document.objects.get(pk=document.pk).file.open() as handle:
        return handle.read()


# Which storage production builds is tested in tests/test_production_settings.py, in a fresh
# process: here the autouse fixture of tests/conftest.py has set STORAGES for every test.


def test_uploaded_document_is_sealed_under_a_random_name(vilnius_case, clerk_vilnius):
    document = _upload(vilnius_case, clerk_vilnius, name="Kovalenko_passport.pdf")
    assert re.fullmatch(r"documents/[0-9a-f]{32}", document.file.name)
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert files == [_on_disk(document.file.name)]
    raw = files[0].read_bytes()
    assert PLAINTEXT not in raw
    assert b"Kovalenko" not in raw
    assert b"AB123456" not in raw

    stored = Document.objects.get(pk=document.pk)
    assert stored.original_name == "Kovalenko_passport.pdf"
    assert stored.size == len(PLAINTEXT)
    assert _read(document) == PLAINTEXT


def test_file_header_names_only_random_ids(vilnius_case, clerk_vilnius):
    document = _upload(vilnius_case, clerk_vilnius)
    raw = _on_disk(document.file.name).read_bytes()
    assert raw[0] == 2
    assert raw[1:17] == vilnius_case.data_key_id.bytes
    binding = f"cases.Document.file\x00{document.pk}".encode()
    assert raw[17] == len(binding)
    assert raw[18 : 18 + len(binding)] == binding
    assert len(raw) == 18 + len(binding) + 1 + 12 + len(PLAINTEXT) + 16


def test_a_bare_storage_open_finds_the_key_from_the_header(vilnius_case, clerk_vilnius):
    document = _upload(vilnius_case, clerk_vilnius)
    with default_storage.open(document.file.name) as handle:
        assert handle.read() == PLAINTEXT


def test_a_bare_save_is_refused():
    with pytest.raises(ValueError, match="written through their row's field"):
        default_storage.save("documents/sample", ContentFile(PLAINTEXT))
    assert not Path(settings.MEDIA_ROOT, "documents").exists()


def test_two_volunteers_files_are_sealed_with_different_keys(vilnius, clerk_vilnius):
    first, second = ApplicationFactory(mission=vilnius), ApplicationFactory(mission=vilnius)
    a, b = _upload(first, clerk_vilnius), _upload(second, clerk_vilnius)
    raw_a, raw_b = _on_disk(a.file.name).read_bytes(), _on_disk(b.file.name).read_bytes()
    assert raw_a[1:17] != raw_b[1:17]
    assert raw_a[-16 - len(PLAINTEXT) :] != raw_b[-16 - len(PLAINTEXT) :]


def test_file_swapped_between_volunteers_fails_to_open(vilnius, clerk_vilnius):
    first, second = ApplicationFactory(mission=vilnius), ApplicationFactory(mission=vilnius)
    mine, theirs = _upload(first, clerk_vilnius), _upload(second, clerk_vilnius, OTHER)
    _on_disk(mine.file.name).write_bytes(_on_disk(theirs.file.name).read_bytes())
    with pytest.raises(DecryptionError):
        _read(mine)
    with pytest.raises(DecryptionError):  # a bare open: the name is bound in
        default_storage.open(mine.file.name)
    assert _read(theirs) == OTHER


def test_file_swapped_between_documents_of_one_volunteer_fails_to_open(vilnius_case, clerk_vilnius):
    mine, other = _upload(vilnius_case, clerk_vilnius), _upload(vilnius_case, clerk_vilnius, OTHER)
    _on_disk(mine.file.name).write_bytes(_on_disk(other.file.name).read_bytes())
    with pytest.raises(DecryptionError):
        _read(mine)
    assert _read(other) == OTHER


def test_file_tampered_on_disk_fails_to_open(vilnius_case, clerk_vilnius):
    document = _upload(vilnius_case, clerk_vilnius)
    raw = bytearray(_on_disk(document.file.name).read_bytes())
    raw[-1] ^= 0x01
    _on_disk(document.file.name).write_bytes(bytes(raw))
    with pytest.raises(DecryptionError):
        _read(document)


def test_renamed_file_fails_to_open(vilnius_case, clerk_vilnius):
    document = _upload(vilnius_case, clerk_vilnius)
    _on_disk(document.file.name).rename(_on_disk("documents/renamed"))
    with pytest.raises(DecryptionError):
        default_storage.open("documents/renamed")


@pytest.mark.parametrize("mode", ["wb", "ab", "w"])
def test_opening_for_writing_is_refused(vilnius_case, clerk_vilnius, mode):
    document = _upload(vilnius_case, clerk_vilnius)
    with pytest.raises(ValueError, match="written through save"):
        default_storage.open(document.file.name, mode)
    with pytest.raises(ValueError, match="written through save"):
        Document.objects.get(pk=document.pk).file.open(mode)
    assert _read(document) == PLAINTEXT
