"""Every URL of the running app, enumerated, and the values that fill their parameters.

Nothing here lists a page by hand: ``page_routes`` walks the root URL configuration (nested
resolvers included) and ``api_operations`` reads the OpenAPI schema of the NinjaAPI. A new
page or endpoint from any app is attacked as soon as it is merged; a new path parameter name
fails the suite until ``PARAMETERS`` says how to make a value for it (an object at *another*
mission than the attacker's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from enlist.accounts.middleware import PUBLIC_PATH_PREFIXES, PUBLIC_URL_NAMES

API_PREFIX = "/api/v1"
# The NinjaAPI's own pages (schema, interactive docs, root): public documentation, no data.
API_DOCUMENTATION_NAMES = frozenset(
    {"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root"}
)

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full template (pieces joined), name and parameter names."""

    template: str  # e.g. "staff/cases/<uuid:application_id>/" (regex pieces kept as regex)
    name: str | None  # "namespace:name" or None
    params: tuple[str, ...]
    namespace: str = ""
    pieces: tuple[tuple[str, bool], ...] = field(default=(), repr=False)  # (text, is_regex)

    @property
    def id(self) -> str:
        return f"{self.name or '-'}@{self.template}"

    @property
    def is_public(self) -> bool:
        """Public by the middleware's own rules: a listed URL name, or a public prefix (the
        API, which authenticates per request and is attacked through ``api_operations``)."""
        short = (self.name or "").rsplit(":", 1)[-1] if self.namespace != "admin" else None
        return short in PUBLIC_URL_NAMES or ("/" + self.template).startswith(PUBLIC_PATH_PREFIXES)

    @property
    def is_admin(self) -> bool:
        return self.namespace == "admin"

    def url(self, values: Callable[[str, Route], Any]) -> str:
        """The path with every parameter filled by `values(name, route)`."""
        parts = []
        for text, is_regex in self.pieces:
            if is_regex:
                text = text.lstrip("^").replace("\\Z", "").rstrip("$")
                text = _REGEX_PARAM.sub(lambda m: str(values(m["name"], self)), text)
            else:
                text = _ROUTE_PARAM.sub(lambda m: str(values(m["name"], self)), text)
            parts.append(text)
        return "/" + "".join(parts)


def _params(pieces: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    names: list[str] = []
    for text, is_regex in pieces:
        pattern = _REGEX_PARAM if is_regex else _ROUTE_PARAM
        names += [m["name"] for m in pattern.finditer(text)]
    return tuple(names)


def _piece(pattern: Any) -> tuple[str, bool]:
    if isinstance(pattern, RegexPattern):
        return (pattern._regex, True)
    assert isinstance(pattern, RoutePattern), pattern
    return (str(pattern), False)


def _walk(
    patterns: list[Any], pieces: tuple[tuple[str, bool], ...], namespace: str
) -> Iterator[Route]:
    for entry in patterns:
        here = (*pieces, _piece(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _walk(entry.url_patterns, here, inner)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(
                template="".join(text for text, _ in here),
                name=name,
                params=_params(here),
                namespace=namespace.split(":")[0] if namespace else "",
                pieces=here,
            )


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, (), ""))


def page_routes() -> list[Route]:
    """Every staff page (not public, not the API) of the root URL configuration."""
    return [r for r in all_routes() if not r.is_public]


def public_routes() -> list[Route]:
    return [r for r in all_routes() if r.is_public and not r.template.startswith("api/")]


def api_routes() -> list[Route]:
    return [r for r in all_routes() if r.template.startswith("api/")]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # "/applications/{application_id}" (under /api/v1)
    params: tuple[str, ...]
    public: bool
    body_schema: dict[str, Any] | None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, values: Callable[[str, Any], Any]) -> str:
        return API_PREFIX + re.sub(r"\{(\w+)\}", lambda m: str(values(m[1], self)), self.path)


def api_operations() -> list[Operation]:
    """Every operation of the NinjaAPI, from its OpenAPI schema; public = no security."""
    from enlist.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema["paths"].items():
        relative = path.removeprefix(API_PREFIX)
        for method, spec in methods.items():
            body = (
                spec.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            operations.append(
                Operation(
                    method=method.upper(),
                    path=relative,
                    params=tuple(re.findall(r"\{(\w+)\}", relative)),
                    public=not spec.get("security"),
                    body_schema=_resolve(body, components) if body else None,
                )
            )
    return operations


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return _resolve(components[ref.rsplit("/", 1)[-1]], components)
    return schema


def example_body(schema: dict[str, Any] | None, *, text: str = "x") -> dict[str, Any]:
    """A minimal body that passes validation of the operation's schema (required fields only),
    so that a refusal comes from the scope check and not from validation. Strings are `text`
    (the suite uses an identifier of an Oslo case: a search then finds it)."""
    if not schema:
        return {}
    examples = {"string": text, "integer": 1, "number": 1, "boolean": True, "array": [],
                "object": {}}  # fmt: skip
    body = {}
    for name in schema.get("required", []):
        spec = schema.get("properties", {}).get(name, {})
        kind = spec.get("type") or next(
            (o.get("type") for o in spec.get("anyOf", []) if o.get("type") != "null"), "string"
        )
        value = examples.get(kind, text)
        if isinstance(value, str) and spec.get("maxLength"):
            value = value[: spec["maxLength"]]
        body[name] = value
    return body
