"""Travel fixtures: the seeded meeting point and routes, and cases in travel with a packet."""

from __future__ import annotations

import io

import pypdf
import pytest
import zxingcpp
from django.utils import timezone

from enlist.travel.seed import travel_seed
from enlist.travel.services import packet_create
from tests.factories import ApplicationFactory


@pytest.fixture
def meeting_point(db):
    return travel_seed(today=timezone.now().date())


def travel_case(mission, **overrides):
    """A case already in travel (placed there by the factory, as after visa → travel)."""
    return ApplicationFactory(mission=mission, stage="travel", **overrides)


@pytest.fixture
def new_packet(meeting_point, vilnius, hq, run_jobs):
    """new_packet(**application fields) -> NewPacket for a fresh case in travel, its PDF made
    and its email sent by the worker (`jobs=False`: only queued)."""

    def make(*, jobs: bool = True, **overrides):
        application = travel_case(vilnius, **overrides)
        made = packet_create(application=application, actor=hq)
        if jobs and made is not None:
            run_jobs()
            made.packet.refresh_from_db()
        return made

    return make


def pdf_reader(packet) -> pypdf.PdfReader:
    with packet.pdf.open("rb") as handle:
        return pypdf.PdfReader(io.BytesIO(handle.read()))


def pdf_text(packet) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(packet).pages)


def pdf_qr_codes(packet) -> list[str]:
    """The distinct QR codes in the PDF's page images, decoded (pages share resources)."""
    found: set[str] = set()
    for page in pdf_reader(packet).pages:
        for image in page.images:
            found.update(barcode.text for barcode in zxingcpp.read_barcodes(image.image))
    return sorted(found)


def move_to_travel(application, *, consul):
    """visa → travel as the consul does it, after whatever the move's guard needs (the
    demo's prerequisites record it through the owning app, e.g. a settled visa)."""
    from enlist.accounts.roles import MISSION_ROLES
    from enlist.cases.services import application_transition
    from enlist.cases.workflow import Stage
    from enlist.demo.prerequisites import prepare_move
    from tests.factories import StaffFactory

    def pick(role):
        if role == consul.staff_role:
            return consul
        mission = application.mission if role in MISSION_ROLES else None
        return StaffFactory(username=f"{role}-for-travel", role=role, mission=mission)

    prepare_move(application=application, to=Stage.TRAVEL, pick=pick, at=timezone.now())
    return application_transition(application=application, to=Stage.TRAVEL, actor=consul)
