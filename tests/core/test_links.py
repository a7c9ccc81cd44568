import time
from datetime import timedelta

import pytest

from enlist.core.links import LinkExpired, LinkInvalid, link_token, link_value, public_url


def test_a_token_reads_back_for_its_purpose():
    token = link_token("interview", {"booking": 42})
    assert link_value("interview", token, max_age=timedelta(days=1)) == {"booking": 42}


def test_a_token_for_another_purpose_is_refused():
    token = link_token("interview", {"booking": 42})
    with pytest.raises(LinkInvalid, match="not valid"):
        link_value("subject-access", token, max_age=timedelta(days=1))


def test_an_altered_token_is_refused():
    token = link_token("interview", {"booking": 42})
    with pytest.raises(LinkInvalid):
        link_value(
            "interview",
            token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
            max_age=timedelta(days=1),
        )


def test_an_old_token_has_expired():
    token = link_token("interview", 1)
    time.sleep(1.1)
    with pytest.raises(LinkExpired, match="expired"):
        link_value("interview", token, max_age=timedelta(seconds=1))


def test_public_url_uses_the_configured_origin(settings):
    settings.ENLIST_PUBLIC_URL = "https://apply.example.org"
    assert public_url("/x/") == "https://apply.example.org/x/"
