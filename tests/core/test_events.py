"""`core/events.py`: a required signal reaches its receivers, and refuses to go unheard."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from enlist.core.events import RequiredSignal


def test_a_required_signal_reaches_its_receiver_with_the_arguments():
    signal = RequiredSignal("test.happened")
    heard = []

    def receiver(sender, **named):
        heard.append((sender, named))
        return "recorded"

    signal.connect(receiver, weak=False)

    assert signal.send(sender=str, what=1) == [(receiver, "recorded")]
    assert heard == [(str, {"signal": signal, "what": 1})]


def test_a_required_signal_with_no_receiver_refuses_naming_itself():
    with pytest.raises(ImproperlyConfigured, match=r"test\.unheard"):
        RequiredSignal("test.unheard").send(sender=str)


def test_a_receivers_error_reaches_the_sender():
    signal = RequiredSignal("test.failing")

    def receiver(sender, **named):
        raise RuntimeError("the entry could not be written")

    signal.connect(receiver, weak=False)
    with pytest.raises(RuntimeError):
        signal.send(sender=str)
