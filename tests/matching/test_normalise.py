"""Normal forms: transliteration, name keys and groups, dates, phones, emails, passports."""

from __future__ import annotations

import pytest

from enlist.matching.normalise import (
    PartialDate,
    city_key,
    country_code,
    name_canon,
    name_key,
    name_variants,
    normalise_email,
    normalise_passport,
    normalise_phone,
    parse_date,
    split_full_name,
)
from enlist.matching.transliterate import transliterate, transliterations


def test_oleksandr_has_the_spellings_people_write():
    assert {"oleksandr", "aleksandr", "alexander", "alexandr"} <= name_variants("Олександр")


def test_serhii_has_the_spellings_people_write():
    assert {"serhii", "sergii", "sergey", "sergei"} <= name_variants("Сергій")


def test_giorgi_has_the_spellings_people_write():
    assert {"giorgi", "georgi"} <= name_variants("გიორგი")


@pytest.mark.parametrize(
    ("native", "latin"),
    [
        ("Олександр", "oleksandr"),
        ("Коваленко", "kovalenko"),
        ("Юлія", "yuliia"),
        ("Євген", "yevhen"),
        ("Щербак", "shcherbak"),
        ("Сергей", "sergei"),
        ("Уладзімір", "uladzimir"),
        ("გიორგი", "giorgi"),
        ("ბერიძე", "beridze"),
        ("Smith", "smith"),
    ],
)
def test_transliterate_uses_the_official_system_of_the_language(native, latin):
    assert transliterate(native) == latin


def test_transliterations_include_popular_endings():
    assert {"sergei", "sergey", "sergej"} <= set(transliterations("Сергей"))


@pytest.mark.parametrize(
    "spellings",
    [
        ("Сергій", "Serhii", "Serhiy", "Sergiy", "Сергей", "Sergei", "Sergey", "Sergej"),
        ("Андрій", "Andrii", "Andriy", "Andrey", "Andrei"),
        ("Юлія", "Yuliia", "Yulia", "Julia", "Iuliia"),
        ("Наталія", "Nataliia", "Natalia", "Natalya", "Nataliya"),
        ("Шевченко", "Shevchenko", "Schewtschenko", "SHEVCHENKO"),
        ("Ірина", "Iryna", "Irina"),
        ("Kovalenko", "Kowalenko", "Коваленко"),
    ],
)
def test_spelling_systems_share_one_name_key(spellings):
    assert len({name_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    "forms",
    [
        ("Олександр", "Oleksandr", "Aleksandr", "Alexander", "Alexandr", "Sasha", "Александр"),
        ("გიორგი", "Giorgi", "Georgi", "George"),
        ("Дмитро", "Dmytro", "Dmitry", "Dmitriy", "Dima"),
        ("William", "Bill", "Will"),
        ("Олена", "Olena", "Elena", "Yelena"),
    ],
)
def test_name_groups_unite_cross_language_forms_and_nicknames(forms):
    assert len({name_canon(f) for f in forms}) == 1


def test_different_names_keep_different_keys():
    assert name_canon("Oleksandr") != name_canon("Oleksandra")
    assert name_key("Ivanov") != name_key("Ivanova")


def test_diacritics_and_punctuation_are_folded():
    assert name_key("Łukasz") == name_key("Lukasz")
    assert name_key("O'Brien-Šimkus") == name_key("obrien simkus")


def test_full_name_in_one_field_is_split():
    assert split_full_name("Oleksandr Kovalenko", "") == ("Oleksandr", "Kovalenko")
    assert split_full_name("", "Kovalenko Oleksandr") == ("Oleksandr", "Kovalenko")
    assert split_full_name("Anna", "Smith") == ("Anna", "Smith")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-04-17", PartialDate(1990, 4, 17)),
        ("17.04.1990", PartialDate(1990, 4, 17)),
        ("17/04/90", PartialDate(1990, 4, 17)),
        ("04/17/1990", PartialDate(1990, 4, 17)),
        ("19900417", PartialDate(1990, 4, 17)),
        ("17041990", PartialDate(1990, 4, 17)),
        # compact with a year out of range: no date, as "1899-12-31" is (not the year 1231)
        ("18991231", PartialDate()),
        ("31121899", PartialDate()),
        ("17 Apr 1990", PartialDate(1990, 4, 17)),
        ("17 квітня 1990", PartialDate(1990, 4, 17)),
        ("1990-04", PartialDate(1990, 4, 0)),
        ("1990", PartialDate(1990, 0, 0)),
        ("", PartialDate()),
        ("unknown", PartialDate()),
    ],
)
def test_dates_are_read_however_written(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+380 67 123 4567", "", "+380671234567"),
        ("067 123 45 67", "UA", "+380671234567"),
        ("00380671234567", "", "+380671234567"),
        ("(416) 555-0134", "CA", "+14165550134"),
        ("+44 (0)20 7946 0958", "", "+442079460958"),
        ("067 123 45 67", "", "0671234567"),
        ("12", "UA", ""),
        # Lithuania's old trunk 8 is still written beside the new 0; Belarus dials 8 0
        ("8 612 34567", "LT", "+37061234567"),
        ("0612 34567", "LT", "+37061234567"),
        ("8 029 123 45 67", "BY", "+375291234567"),
        ("8 (495) 123-45-67", "RU", "+74951234567"),
        # Italy keeps its leading 0 in international form
        ("06 1234 5678", "IT", "+390612345678"),
    ],
)
def test_phones_become_e164_when_the_country_is_known(raw, region, expected):
    assert normalise_phone(raw, region=region) == expected


def test_national_numbers_read_as_phonenumbers_reads_them_in_every_region():
    """The fast path agrees with the reference library on each region's example numbers,
    written as dialled at home (with the trunk prefix) and without it."""
    import phonenumbers

    from enlist.vault.normalise import normalise_phone as reference

    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            for written in {"".join(filter(str.isdigit, national)), str(example.national_number)}:
                if len(written) >= 7:
                    assert normalise_phone(written, region=region) == reference(
                        written, region=region
                    ), (region, written)
                    checked += 1
    assert checked > 400


def test_gmail_ignores_dots_tags_and_case():
    assert normalise_email("O.Kovalenko+legion@GoogleMail.com") == "okovalenko@gmail.com"


def test_other_providers_keep_dots():
    assert normalise_email("O.Kovalenko@Example.org") == "o.kovalenko@example.org"
    assert normalise_email("o.kovalenko+x@outlook.com") == "o.kovalenko@outlook.com"
    assert normalise_email("not an address") == ""


def test_passport_look_alikes_case_and_spaces_fold():
    assert normalise_passport("ab 123 456") == normalise_passport("A8I23456")
    assert normalise_passport("AO-5S1234") == normalise_passport("a0 55 1234")
    assert normalise_passport("AB123456") != normalise_passport("AB123457")


def test_city_spellings_meet():
    assert city_key("Київ") == city_key("Kyiv") == city_key("Kiev")
    assert city_key("Львів") == city_key("Lviv") == city_key("Lvov")


def test_country_codes_from_codes_and_names():
    assert country_code("ua") == country_code("UKR") == country_code("Ukraine") == "UA"
    assert country_code("Atlantis") == ""
