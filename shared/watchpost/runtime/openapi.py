"""OpenAPI 3 for a service's HTTP API, generated from its routes and their marshmallow schemas (apispec)."""
import re
import warnings

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

ERROR = {"type": "object", "required": ["error", "message", "details"], "properties": {
    "error": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}}}


def openapi_path(path):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def document(service, routes):
    spec = APISpec(title=f"Watchpost {service}", version="0.1.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.schema("Error", ERROR)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    errors = {str(code): {"description": text, "content": {"application/json": {"schema": "Error"}}}
              for code, text in ((400, "unreadable request"), (401, "no valid token"), (403, "role or scope"),
                                 (404, "not found"), (409, "conflict or illegal transition"),
                                 (422, "invalid fields"), (503, "database or broker down"))}
    for route in routes:
        path_args = re.findall(r"<(?:\w+:)?(\w+)>", route.path)
        path_fields = [route.path_fields.get(a, a) for a in path_args]
        summary = route.summary or (route.fn.__doc__ or route.name).strip().split("\n")[0]
        op = {"operationId": route.name, "summary": summary,
              "security": [{"bearer": []}],
              "parameters": [{"in": "path", "name": a, "required": True, "schema": {"type": "string"}}
                             for a in path_args],
              "responses": {str(route.status): {"description": "done"}, **errors}}
        if route.schema is not None:
            schema = route.schema(exclude=[f for f in path_fields if f in route.schema._declared_fields])
            if route.method == "GET":
                op["parameters"].append({"in": "query", "schema": schema})
            else:
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)   # same-named nested schemas across commands
            spec.path(path=openapi_path(route.path), operations={route.method.lower(): op})
    return spec.to_dict()
