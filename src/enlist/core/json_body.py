"""One reader for every JSON request body (public intake and the staff API).

A body is refused before anything in it is looked at when it is larger than
``settings.ENLIST_JSON_MAX_BODY`` (413, also when Content-Length only announces it), when its
Content-Type is not JSON (415), and when it is not one JSON text in UTF-8 or nests deeper than
``settings.ENLIST_JSON_MAX_DEPTH`` arrays and objects (400 naming ``body``). The depth bound
keeps every later reader (pydantic, our own code walking the value) far from Python's
recursion limit; a body nested thousands deep is a clear 400, never a RecursionError.

``loads_bounded`` is the pure part (no Django); ``read_json_body`` applies it to a request;
``BoundedJSONParser`` is what the NinjaAPI parses every declared body with.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.parser import Parser

from enlist.errors import MalformedBody, PayloadTooLarge, UnsupportedMediaType

NOT_JSON = "The body is not valid JSON in UTF-8."


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def depth_of(value: Any) -> int:
    """How many arrays and objects are nested in `value` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children)
    return deepest


def loads_bounded(body: bytes, *, max_depth: int) -> Any:
    """The value of a JSON body in UTF-8, or MalformedBody (400, field ``body``).

    Refused: invalid UTF-8 (also a byte-order mark), anything ``json`` cannot parse (a
    truncated text, trailing data, an integer of more than 4,300 digits), NaN and Infinity
    (not JSON), and nesting deeper than `max_depth`.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("The body is not UTF-8 text.") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        # nested past Python's own limit: certainly past ours
        raise MalformedBody(f"The body nests deeper than {max_depth} levels.") from None
    except ValueError:
        raise MalformedBody(NOT_JSON) from None
    if depth_of(value) > max_depth:
        raise MalformedBody(f"The body nests deeper than {max_depth} levels.")
    return value


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The body is larger than {limit // 1024} KiB.")


def read_json_body(request: HttpRequest, *, limit: int | None = None) -> tuple[bytes, Any]:
    """The raw body and its value, checked: 413 over `limit` bytes (default
    ``ENLIST_JSON_MAX_BODY``), 415 unless the Content-Type is JSON, 400 unless it parses."""
    limit = settings.ENLIST_JSON_MAX_BODY if limit is None else limit
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    content_type = request.content_type or ""
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise UnsupportedMediaType("Send the body as application/json.")
    # Django keeps what it read, so ninja and the view see the same bytes.
    body = request.body if hasattr(request, "_body") else request.read(limit + 1)
    if len(body) > limit:
        raise _too_large(limit)
    request._body = body
    return body, loads_bounded(body, max_depth=settings.ENLIST_JSON_MAX_DEPTH)


class BoundedJSONParser(Parser):
    """Every body the NinjaAPI declares goes through ``read_json_body``.

    ninja turns any exception of a parser into a 400 "Cannot parse request body"; the error
    raised here travels as its cause and ``enlist.api`` answers with it (413, 415 or 400).
    """

    def parse_body(self, request: HttpRequest) -> Any:
        return read_json_body(request)[1]
