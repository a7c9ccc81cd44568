"""Cases submitted through the intake service at a chosen moment."""

from __future__ import annotations

from enlist.cases.models import Channel
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import application_submit
from tests.factories import application_payload


def submit_case(mission, nationality="LT", channel=Channel.WEB, at=None):
    data = ApplicationIn.model_validate(
        application_payload(mission=mission.code, nationality=nationality), strict=False
    )
    return application_submit(data=data, channel=channel, submitted_at=at).application
