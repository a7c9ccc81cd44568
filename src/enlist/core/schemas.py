"""API types shared by every app's router, kept low so that the routers never import the API.

``enlist/api.py`` mounts the routers (it imports them); the routers import from here. Schemas
that an endpoint documents by hand (a body it parses itself) are registered in
``EXTRA_SCHEMAS`` and added to the OpenAPI components by the API.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorItem]


EXTRA_SCHEMAS: dict[str, Any] = {}
