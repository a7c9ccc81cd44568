"""Cyrillic (Ukrainian, Russian, Belarusian) and Georgian names in the Latin alphabet.

``transliterate`` gives one lower-case Latin spelling (the official system of the language
the letters point to); ``transliterations`` gives the spellings people actually write on
forms and in passports, one per common system, so that "Олександр" yields "oleksandr" and
"Сергей" yields "sergei", "sergey" and "sergej". Latin text passes through unchanged (lower
case). The functions are pure, cached and never raise.
"""

from __future__ import annotations

from functools import lru_cache

from anyascii import anyascii

# One scheme is a mapping letter -> Latin; ``_INITIAL`` overrides it at the start of a word
# (Ukrainian "Є" is "ye" first, "ie" inside a word).
_COMMON = {
    "а": "a", "б": "b", "в": "v", "д": "d", "е": "e", "ж": "zh", "з": "z", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "",
    "ъ": "", "'": "", "’": "", "ʼ": "",
}  # fmt: skip

# Ukrainian national system (Cabinet of Ministers resolution 55, 2010), used in passports.
_UK = {**_COMMON, "г": "h", "ґ": "g", "є": "ie", "и": "y", "і": "i", "ї": "i", "й": "i",
       "ю": "iu", "я": "ia", "е": "e", "ё": "io", "ы": "y", "э": "e"}  # fmt: skip
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

# Russian passports (ICAO Doc 9303 since 2013) and the older BGN/PCGN-like popular spelling.
_RU_ICAO = {**_COMMON, "г": "g", "ё": "e", "и": "i", "й": "i", "ы": "y", "э": "e",
            "ю": "iu", "я": "ia", "ъ": "ie", "і": "i", "ї": "i", "є": "e", "ґ": "g"}  # fmt: skip
_RU_POPULAR = {**_RU_ICAO, "й": "y", "ю": "yu", "я": "ya", "ъ": "", "ё": "yo"}
_RU_POPULAR_INITIAL = {"е": "ye"}
# German-style spelling common in older documents: Sergej, Jurij, Wladimir.
_RU_GERMAN = {**_RU_ICAO, "в": "w", "й": "j", "ю": "ju", "я": "ja", "ж": "sh", "х": "ch",
              "ш": "sch", "щ": "schtsch", "ц": "z", "ч": "tsch", "ъ": ""}  # fmt: skip

# Belarusian (national system 2007, also used by passports in a simplified form).
_BE = {**_COMMON, "г": "h", "ў": "u", "і": "i", "ы": "y", "э": "e", "е": "ie", "ё": "io",
       "ю": "iu", "я": "ia", "й": "i", "и": "i", "ц": "ts"}  # fmt: skip
_BE_INITIAL = {"е": "ye", "ё": "yo", "ю": "yu", "я": "ya", "й": "y"}

# Georgian national system (2002); aspirated consonants lose the apostrophe in practice.
_KA = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t", "ი": "i",
    "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh", "რ": "r", "ს": "s",
    "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q", "შ": "sh", "ჩ": "ch",
    "ც": "ts", "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j", "ჰ": "h",
}  # fmt: skip
# Russian-mediated spelling of Georgian names (Гиорги/Георгий → georgi is a name-table matter).
_KA_RU = {**_KA, "ყ": "k", "ღ": "g", "ხ": "kh", "ჯ": "dzh", "წ": "ts", "ჭ": "ch"}

_UKRAINIAN_ONLY = set("ґєії")
_BELARUSIAN_ONLY = set("ў")
_RUSSIAN_ONLY = set("ёъыэ")

Scheme = tuple[dict[str, str], dict[str, str]]


def _apply(text: str, scheme: Scheme) -> str:
    table, initial = scheme
    out: list[str] = []
    previous_is_letter = False
    for ch in text:
        low = ch.lower()
        if low in table:
            mapped = initial.get(low) if not previous_is_letter else None
            out.append(table[low] if mapped is None else mapped)
            previous_is_letter = True
        else:
            out.append(low)
            previous_is_letter = ch.isalpha()
    return "".join(out)


def script_of(text: str) -> str:
    """ "cyrillic", "georgian" or "latin" (the first non-Latin letter decides)."""
    for ch in text:
        if "\u0400" <= ch <= "\u04ff":
            return "cyrillic"
        if "\u10a0" <= ch <= "\u10ff" or "\u1c90" <= ch <= "\u1cbf":
            return "georgian"
    return "latin"


def _schemes(text: str) -> list[Scheme]:
    script = script_of(text)
    if script == "georgian":
        return [(_KA, {}), (_KA_RU, {})]
    if script == "latin":
        return []
    letters = set(text.lower())
    if letters & _BELARUSIAN_ONLY:
        return [(_BE, _BE_INITIAL), (_RU_POPULAR, _RU_POPULAR_INITIAL)]
    uk: Scheme = (_UK, _UK_INITIAL)
    ru: Scheme = (_RU_ICAO, {})
    popular: Scheme = (_RU_POPULAR, _RU_POPULAR_INITIAL)
    german: Scheme = (_RU_GERMAN, {})
    if letters & _UKRAINIAN_ONLY:
        return [uk, popular]
    if letters & _RUSSIAN_ONLY or any(word.endswith("ей") for word in text.lower().split()):
        return [ru, popular, german]
    # Letters shared by all: Ukrainian first (most applicants), then the Russian readings.
    return [uk, ru, popular, german]


# Before the general fallback: digraphs that read as one vowel in the spelling people use
# (Greek "ου" and Armenian "ու" are written "ou"/"u", not letter by letter).
_OTHER_SCRIPTS = {"ου": "ou", "ΟΥ": "OU", "Ου": "Ou", "ού": "ou", "ու": "u", "ՈՒ": "U", "Ու": "U"}


def _other_script(text: str) -> str:
    """Any other script (Greek, Armenian, Arabic, ...) through anyascii's tables."""
    for digraph, latin in _OTHER_SCRIPTS.items():
        text = text.replace(digraph, latin)
    return anyascii(text)


@lru_cache(maxsize=200_000)
def transliterate(text: str) -> str:
    """One Latin spelling, lower case: the official system of the language detected.

    Scripts without a table here (Greek, Armenian, ...) go through ``anyascii``; Latin
    letters with diacritics are left for the caller to fold.
    """
    schemes = _schemes(text)
    if schemes:
        return _apply(text, schemes[0])
    if not text.isascii() and any(ch.isalpha() and ord(ch) >= 0x370 for ch in text):
        return _other_script(text).lower()
    return text.lower()


@lru_cache(maxsize=20_000)
def transliterations(text: str) -> tuple[str, ...]:
    """Every common Latin spelling of ``text``, official first, without repeats."""
    schemes = _schemes(text)
    if not schemes:
        return (text.lower(),)
    seen: dict[str, None] = {}
    for scheme in schemes:
        seen.setdefault(_apply(text, scheme), None)
        # Popular spellings end "-ei/-ii" as "-ey/-iy" (Sergey, Andriy).
        last = _apply(text, scheme)
        for ending, popular in (("ei", "ey"), ("ii", "iy"), ("yi", "iy")):
            if last.endswith(ending):
                seen.setdefault(last[: -len(ending)] + popular, None)
        if "ks" in last:
            seen.setdefault(last.replace("ks", "x"), None)
    return tuple(seen)
