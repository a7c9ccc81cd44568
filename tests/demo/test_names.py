"""Checks on the demo name pools (pure Python, no Django needed)."""

import dataclasses
import re
import unicodedata

import pytest

from enlist.demo.names import FALLBACK, NAMES, NamePool, pool_for

REQUIRED = (  # noqa: SIM905 - one compact line per row reads better than 61 lines
    "US GB CA AU SE LT NO JP MX IN GE BY PL BR PT NL KR IL IT BE FR DK LV LA ID MA DE SY FI "
    "EE RU IE NZ CZ SK HR RO ES AR CO CL TR GR HU SI AT CH BG MD AZ AM KZ UA ZA NG PH VN TH "
    "CN KE EG"
).split()

# Unicode character-name prefixes that belong to each ISO 15924 script.
SCRIPT_PREFIXES = {
    "Cyrl": ("CYRILLIC",),
    "Geor": ("GEORGIAN",),
    "Jpan": ("CJK UNIFIED IDEOGRAPH", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC ITERATION MARK"),
    "Hang": ("HANGUL",),
    "Hebr": ("HEBREW",),
    "Arab": ("ARABIC",),
    "Laoo": ("LAO ",),
    "Grek": ("GREEK",),
    "Armn": ("ARMENIAN",),
    "Deva": ("DEVANAGARI",),
    "Thai": ("THAI",),
    "Hans": ("CJK UNIFIED IDEOGRAPH",),
    "Hant": ("CJK UNIFIED IDEOGRAPH",),
}

# Scripts whose expected native spelling is the script named for the country.
EXPECTED_SCRIPT = {
    "BY": "Cyrl",
    "RU": "Cyrl",
    "UA": "Cyrl",
    "KZ": "Cyrl",
    "BG": "Cyrl",
    "GE": "Geor",
    "JP": "Jpan",
    "KR": "Hang",
    "IL": "Hebr",
    "SY": "Arab",
    "MA": "Arab",
    "EG": "Arab",
    "LA": "Laoo",
    "GR": "Grek",
    "AM": "Armn",
    "IN": "Deva",
    "TH": "Thai",
    "CN": "Hans",
}

SEPARATORS = set(" -'")


def _is_script(ch: str, script: str) -> bool:
    return unicodedata.name(ch, "").startswith(SCRIPT_PREFIXES[script])


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN ")


def _all_pools() -> list[tuple[str, NamePool]]:
    return [*NAMES.items(), ("<fallback>", FALLBACK)]


def test_at_least_sixty_countries():
    assert len(NAMES) >= 60


def test_required_countries_present():
    missing = [code for code in REQUIRED if code not in NAMES]
    assert not missing


def test_keys_are_alpha2_codes():
    for code in NAMES:
        assert re.fullmatch(r"[A-Z]{2}", code), code


def test_pool_sizes():
    for code, pool in _all_pools():
        assert len(pool.given) >= 12, code
        assert len(pool.family) >= 12, code


def test_no_duplicates_within_a_pool():
    for code, pool in _all_pools():
        assert len(set(pool.given)) == len(pool.given), code
        assert len(set(pool.family)) == len(pool.family), code


def test_languages_are_iso_639_1():
    for code, pool in _all_pools():
        assert pool.languages, code
        for lang in pool.languages:
            assert re.fullmatch(r"[a-z]{2}", lang), (code, lang)
        assert len(set(pool.languages)) == len(pool.languages), code


def test_scripts_are_known():
    for code, pool in _all_pools():
        assert pool.script is None or pool.script in SCRIPT_PREFIXES, (code, pool.script)


def test_expected_native_scripts():
    for code, script in EXPECTED_SCRIPT.items():
        assert NAMES[code].script == script, code


def test_latin_spelling_is_latin_script():
    for code, pool in _all_pools():
        for latin, _native in (*pool.given, *pool.family):
            assert latin == latin.strip() and latin, (code, latin)
            assert latin[0].isupper() or latin.split()[0].islower(), (code, latin)
            for ch in latin:
                assert ch in SEPARATORS or _is_latin(ch), (code, latin, ch)


def test_non_latin_pools_have_native_in_that_script():
    for code, pool in NAMES.items():
        if pool.script is None:
            continue
        for latin, native in (*pool.given, *pool.family):
            assert native, (code, latin)
            letters = [ch for ch in native if ch not in SEPARATORS]
            assert any(_is_script(ch, pool.script) for ch in letters), (code, latin, native)
            for ch in letters:
                assert _is_script(ch, pool.script), (code, latin, native, ch)


def test_latin_pools_have_no_native():
    for code, pool in _all_pools():
        if pool.script is not None:
            continue
        for latin, native in (*pool.given, *pool.family):
            assert native is None, (code, latin)


def test_strings_are_nfc():
    for code, pool in _all_pools():
        for latin, native in (*pool.given, *pool.family):
            assert unicodedata.normalize("NFC", latin) == latin, (code, latin)
            if native is not None:
                assert unicodedata.normalize("NFC", native) == native, (code, native)


def test_diacritics_kept():
    assert ("Šimkus", None) in NAMES["LT"].family
    assert ("Wójcik", None) in NAMES["PL"].family
    assert ("Dvořák", None) in NAMES["CZ"].family
    assert ("João", None) in NAMES["PT"].given


def test_ukrainian_national_romanisation():
    assert ("Oleksandr", "Олександр") in NAMES["UA"].given
    assert ("Kovalenko", "Коваленко") in NAMES["UA"].family


def test_russia_includes_chechen_names():
    assert ("Ruslan", "Руслан") in NAMES["RU"].given
    assert ("Umarov", "Умаров") in NAMES["RU"].family


def test_pool_for_known_code_any_case():
    assert pool_for("UA") is NAMES["UA"]
    assert pool_for("ua") is NAMES["UA"]
    assert pool_for(" ge ") is NAMES["GE"]


def test_pool_for_falls_back_for_unknown_code():
    assert "XK" not in NAMES
    assert pool_for("XK") is FALLBACK
    assert pool_for("") is FALLBACK
    assert FALLBACK.script is None


def test_pools_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        pool_for("US").script = "Cyrl"  # type: ignore[misc]


def test_the_names_are_read_from_the_data_file():
    from enlist.demo import names

    assert names.NAMES_FILE.name == "names.toml"
    pools, fallback = names._pools(names.NAMES_FILE)
    assert pools == NAMES and fallback == FALLBACK


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ('[XX]\nlanguages = ["en"]\ngiven = ["A", 3]\nfamily = ["B"]\n', r"\[XX\]\.given: 3"),
        ('[XX]\nlanguages = ["en"]\ngiven = ["A"]\nfamily = [["B"]]\n', r"\[XX\]\.family"),
        ('[XX]\nlanguages = ["en"]\ngiven = ["A"]\nfamily = ["B"]\nnick = 1\n', "nick"),
    ],
)
def test_a_bad_entry_in_the_data_file_names_its_table(tmp_path, table, error):
    from enlist.demo import names

    path = tmp_path / "names.toml"
    fallback = '[FALLBACK]\nlanguages = ["en"]\ngiven = ["A"]\nfamily = ["B"]\n'
    path.write_text(table + fallback, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        names._pools(path)
