"""OpenAPI 3 for a service's HTTP API, generated from its routes and their marshmallow schemas (apispec).

The document states what the API enforces: each field's validators (pattern, lengths, ranges, enum; the bounds of
`watchpost.fields`), path arguments typed by their fields, and free text that cannot hold the NUL character.
"""

import re
import warnings

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields, validate

from watchpost.fields import MAX_POSITION, NO_NUL
from watchpost.runtime.catchup import MAX_LIMIT

ERROR = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}},
}


def openapi_path(path):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def _constraints(converter, field, ret, **kwargs):
    """What apispec leaves out: text that cannot hold U+0000 (`watchpost.runtime.web.refuse_nul`), and the
    exclusive ends of a numeric range (OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum`)."""
    more = {"pattern": NO_NUL} if isinstance(field, fields.String) and "pattern" not in ret else {}
    if any(branch == {"type": "object", "nullable": True} for branch in ret.get("anyOf", ())):
        # apispec writes a nullable nested schema as "it, or any object"; it is "it, or null"
        more.update(anyOf=[b for b in ret["anyOf"] if "$ref" in b], nullable=True)
    for v in field.validators:
        if isinstance(v, validate.Range) and "minimum" in ret:
            more.update({"exclusiveMinimum": True} if v.min is not None and not v.min_inclusive else {})
            more.update({"exclusiveMaximum": True} if v.max is not None and not v.max_inclusive else {})
    return more


def _path_parameter(plugin, schema, name, field_name):
    field = schema._declared_fields.get(field_name) if schema is not None else None
    prop = plugin.converter.field2property(field) if field is not None else {"type": "string", "pattern": NO_NUL}
    prop.pop("default", None)
    prop.pop("nullable", None)
    return {"in": "path", "name": name, "required": True, "schema": prop}


def document(service, routes, allowed=None):
    """`allowed`: {route name: roles}; a route open to citizens takes requests without a token (and may answer
    429 to them, see watchpost.runtime.ratelimit)."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title=f"Watchpost {service}", version="0.1.0", openapi_version="3.0.3", plugins=[plugin])
    plugin.converter.add_attribute_function(_constraints)
    spec.components.schema("Error", ERROR)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    errors = {
        str(code): {"description": text, "content": {"application/json": {"schema": "Error"}}}
        for code, text in (
            (400, "unreadable request"),
            (401, "no valid token"),
            (403, "role or scope"),
            (404, "not found"),
            (409, "conflict or illegal transition"),
            (422, "invalid fields"),
            (429, "too many anonymous requests"),
            (503, "database or broker down"),
        )
    }
    for route in routes:
        path_args = re.findall(r"<(?:\w+:)?(\w+)>", route.path)
        path_fields = [route.path_fields.get(a, a) for a in path_args]
        anonymous = "citizen" in (allowed or {}).get(route.name, ())
        summary = route.summary or (route.fn.__doc__ or route.name).strip().split("\n")[0]
        op = {
            "operationId": route.name,
            "summary": summary,
            "security": [{"bearer": []}, {}] if anonymous else [{"bearer": []}],
            "parameters": [
                _path_parameter(plugin, route.schema, arg, field)
                for arg, field in zip(path_args, path_fields, strict=True)
            ],
            "responses": {
                str(route.status): {"description": "done"},
                **{k: v for k, v in errors.items() if k != "429" or anonymous},
            },
        }
        if route.schema is not None:
            schema = route.schema(exclude=[f for f in path_fields if f in route.schema._declared_fields])
            if route.method == "GET":
                op["parameters"].append({"in": "query", "schema": schema})
            else:
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # same-named nested schemas across commands
            spec.path(path=openapi_path(route.path), operations={route.method.lower(): op})
    spec.path(path="/events", operations={"get": _catch_up(errors)})
    return spec.to_dict()


def _catch_up(errors):
    """The built-in catch-up (watchpost.runtime.catchup), for subscribers and auditors."""

    def whole(name, low, high, default):
        return {
            "in": "query",
            "name": name,
            "schema": {"type": "integer", "minimum": low, "maximum": high, "default": default},
        }

    return {
        "operationId": "events",
        "summary": "The log's events after a position, for subscribers and auditors",
        "security": [{"bearer": []}],
        "parameters": [whole("after", 0, MAX_POSITION, 0), whole("limit", 1, MAX_LIMIT, 100)],
        "responses": {
            "200": {"description": "events, next_after, head"},
            **{k: errors[k] for k in ("401", "403", "422", "503")},
        },
    }
