"""The language of a volunteer's first mail, for the acknowledgement: the seven languages of
the interface, by declared header, script, then common words; unsure is ""."""

from __future__ import annotations

from email.message import Message

import pytest

from enlist.mailin.parse import MAIL_LANGUAGES, guess_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, I want to join. I am a former soldier with the army.", "en"),
        ("Hola, quiero ser voluntario. Soy de México y tengo experiencia.", "es"),
        ("Dzień dobry, chcę się zgłosić. Jestem byłym żołnierzem.", "pl"),
        ("Olá, quero ser voluntário. Sou português e não tenho medo.", "pt"),
        ("Bonjour, je veux me porter volontaire. Je suis ancien militaire.", "fr"),
        ("გამარჯობა, მინდა მოხალისე ვიყო.", "ka"),
        ("Доброго дня, я хочу приєднатися.", "uk"),
        ("Здравствуйте, я бы хотел вступить.", ""),  # Russian: no acknowledgement language
        ("ok", ""),
    ],
)
def test_language_of_the_text(text, expected):
    assert guess_language(Message(), text) == expected


def test_a_declared_language_wins():
    message = Message()
    message["Content-Language"] = "pt-PT"
    assert guess_language(message, "Hello, I want to join.") == "pt"


def test_every_acknowledgement_language_is_an_interface_language(settings):
    assert set(MAIL_LANGUAGES) == {code for code, _name in settings.LANGUAGES}
