"""Check-in codes (pure): signed, typeable, refused when altered; the module imports no Django."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from enlist.travel import codes
from enlist.travel.codes import code_new, code_secret, normalise, secret_hash

KEY = b"k" * 32
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def test_a_new_code_has_five_groups_of_four_and_opens_with_its_key():
    code = code_new(KEY)
    assert [len(group) for group in code.split("-")] == [4, 4, 4, 4, 4]
    secret = code_secret(code, KEY)
    assert secret is not None and len(secret) == 12
    assert code_secret(code, b"another key" * 3) is None


@given(st.integers(min_value=0, max_value=19), st.sampled_from(ALPHABET))
def test_changing_any_character_is_refused(position, replacement):
    code = normalise(code_new(KEY))
    if code[position] == replacement:
        return
    altered = code[:position] + replacement + code[position + 1 :]
    assert code_secret(altered, KEY) is None


def test_typing_is_forgiving_but_length_is_not():
    code = code_new(KEY)
    typed = normalise(code).replace("O", "0").replace("I", "1").lower()
    assert code_secret(" ".join(typed), KEY) == code_secret(code, KEY)
    assert code_secret(code[:-1], KEY) is None
    assert code_secret("", KEY) is None
    assert code_secret("https://example.org/" + code, KEY) is None


def test_only_a_hash_of_the_secret_is_kept():
    secret = code_secret(code_new(KEY), KEY)
    digest = secret_hash(secret)
    assert len(digest) == 64 and secret not in digest


def test_codes_module_imports_no_django():
    tree = ast.parse(Path(codes.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "django" not in imported and "enlist" not in imported
