"""Keyboard shortcuts: documented on every staff page, served as a static script."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders

from tests.conftest import sign_in


def test_the_clerks_pages_list_their_shortcuts_and_load_the_script(client, clerk_vilnius):
    html = sign_in(client, clerk_vilnius).get("/staff/cases/").content.decode()

    panel = html[html.index('<details id="shortcuts"') : html.index("</details>")]
    assert 'data-home="/staff/"' in panel and 'data-cases="/staff/cases/"' in panel
    assert 'data-record="/staff/cases/new/"' in panel
    for keys in ("<kbd>?</kbd>", "<kbd>g</kbd> <kbd>c</kbd>", "<kbd>n</kbd>", "<kbd>x</kbd>"):
        assert keys in panel
    assert '<script src="/static/enlist/shortcuts.js' in html


def test_roles_that_record_nothing_are_not_offered_the_record_shortcut(client, reception):
    html = sign_in(client, reception).get("/staff/").content.decode()

    assert '<details id="shortcuts"' in html
    assert "data-record=" not in html
    assert "<kbd>n</kbd>" not in html


def test_the_script_leaves_keys_typed_into_fields_alone():
    source = Path(finders.find("enlist/shortcuts.js")).read_text(encoding="utf-8")

    # the guard runs before any key is looked at
    assert source.index("typing(event.target)") < source.index('key === "?"')
    for tag in ('"input"', '"textarea"', '"select"', "isContentEditable"):
        assert tag in source


def test_the_public_pages_have_no_shortcuts(client, db):
    html = client.get("/apply/").content.decode()

    assert "shortcuts" not in html
