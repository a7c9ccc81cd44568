"""EncryptedFileStorage: uploaded documents are sealed on disk under random names."""

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
from enlist.vault.storage import EncryptedFileStorage


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas have passwords; a fast hasher keeps creating hundreds of them cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PLAINTEXT = b"%PDF-1.7 service record of Oleksandr Kovalenko, passport AB123456"


def _on_disk(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def test_default_storage_is_the_encrypted_one():
    assert isinstance(default_storage, EncryptedFileStorage)


def test_file_on_disk_does_not_contain_the_plaintext():
    name = default_storage.save("documents/sample", ContentFile(PLAINTEXT))
    raw = _on_disk(name).read_bytes()
    assert PLAINTEXT not in raw
    assert b"Kovalenko" not in raw
    assert b"AB123456" not in raw
    assert len(raw) == 2 + 12 + len(PLAINTEXT) + 16


def test_reading_back_gives_the_plaintext():
    name = default_storage.save("documents/sample", ContentFile(PLAINTEXT))
    with default_storage.open(name) as handle:
        assert handle.read() == PLAINTEXT


def test_file_swapped_on_disk_fails_to_open():
    first = default_storage.save("documents/first", ContentFile(PLAINTEXT))
    second = default_storage.save("documents/second", ContentFile(b"another volunteer's scan"))
    _on_disk(first).write_bytes(_on_disk(second).read_bytes())
    with pytest.raises(DecryptionError):
        default_storage.open(first)
    with default_storage.open(second) as handle:
        assert handle.read() == b"another volunteer's scan"


def test_file_tampered_on_disk_fails_to_open():
    name = default_storage.save("documents/sample", ContentFile(PLAINTEXT))
    raw = bytearray(_on_disk(name).read_bytes())
    raw[-1] ^= 0x01
    _on_disk(name).write_bytes(bytes(raw))
    with pytest.raises(DecryptionError):
        default_storage.open(name)


def test_renamed_file_fails_to_open():
    name = default_storage.save("documents/original", ContentFile(PLAINTEXT))
    _on_disk(name).rename(_on_disk("documents/renamed"))
    with pytest.raises(DecryptionError):
        default_storage.open("documents/renamed")


@pytest.mark.parametrize("mode", ["wb", "ab", "w"])
def test_opening_for_writing_is_refused(mode):
    name = default_storage.save("documents/sample", ContentFile(PLAINTEXT))
    with pytest.raises(ValueError, match="written through save"):
        default_storage.open(name, mode)
    assert default_storage.open(name).read() == PLAINTEXT


def test_uploaded_document_is_sealed_under_a_random_name(vilnius_case, clerk_vilnius):
    upload = SimpleUploadedFile("Kovalenko_passport.pdf", PLAINTEXT, content_type="application/pdf")
    document = document_add(
        application=vilnius_case, kind="military_id", upload=upload, actor=clerk_vilnius
    )
    assert re.fullmatch(r"documents/[0-9a-f]{32}", document.file.name)
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert files == [_on_disk(document.file.name)]
    raw = files[0].read_bytes()
    assert PLAINTEXT not in raw
    assert b"Kovalenko" not in raw

    stored = Document.objects.get(pk=document.pk)
    assert stored.original_name == "Kovalenko_passport.pdf"
    assert stored.size == len(PLAINTEXT)
    with stored.file.open() as handle:
        assert handle.read() == PLAINTEXT
