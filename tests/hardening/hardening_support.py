"""What the hardening tests share: the four services' route tables, tokens by role, request building."""

import importlib
import re
import time
import urllib.parse

import orjson

from watchpost.auth import issue
from watchpost.domain import ROLES
from watchpost.runtime import EventLog

SERVICES = {
    "intake": "IntakeService",
    "liaison": "LiaisonService",
    "training": "TrainingService",
    "assessment": "AssessmentService",
}
STREET, COMMUNITY = "S01", "C01"
# by design open without a token: health, the API description, the checkpoint public key, anonymous submission
# and receipt lookup (the routes whose ALLOWED roles include `citizen`)
PUBLIC_BUILTINS = {("GET", "/health"), ("GET", "/openapi.json"), ("GET", "/checkpoints/key")}
ANONYMOUS_ROUTES = {
    ("intake", "receive_clue"),
    ("intake", "receive_opinion"),
    ("intake", "lookup_receipt"),
    ("intake", "add_attachment"),  # an anonymous reporter's file, with the clue's receipt code
    ("intake", "receipt_moved"),
}  # the old GET /receipts/<code>: 410, go to POST /receipts/lookup
PREFERRED = (
    "district_commission",
    "street_commission",
    "community_secretary",
    "informant",
    "supervisor",
    "auditor",
    "subscriber",
    "citizen",
)


def service_class(service):
    return getattr(importlib.import_module(f"{service}.service"), SERVICES[service])


def routes(service):
    return importlib.import_module(f"{service}.service").ROUTES


def allowed(service):
    return importlib.import_module(f"{service}.access").ALLOWED


def token(role, sub=None):
    return issue(role, sub or f"{role}-1", STREET, COMMUNITY)


def headers_for(role):
    return {"Authorization": f"Bearer {token(role)}"} if role else {}


def acting_role(service, route):
    roles = allowed(service).get(route.name, ())
    return next(r for r in PREFERRED if r in roles)


def path_args(route):
    return re.findall(r"<(?:\w+:)?(\w+)>", route.path)


def url_path(route, values):
    """The route's path with its arguments filled in, each percent-encoded (lone surrogates as their bytes)."""

    def fill(match):
        text = values[match.group(1)]
        return urllib.parse.quote(text.encode("utf-8", "surrogatepass"), safe="")

    return re.sub(r"<(?:\w+:)?(\w+)>", fill, route.path)


def field_names(route):
    """The names a request may carry: the schema's loadable fields (by data key) plus the path arguments."""
    names = set(path_args(route)) | set(route.path_fields.values())
    if route.schema is not None:
        names |= {f.data_key or name for name, f in route.schema().load_fields.items()}
    return names


def store_of(container):
    return next(e for e in container.extensions if isinstance(e, EventLog)).store


def wait_for_head(store, at_least=0, timeout=20.0):
    """Wait until the log holds `at_least` events and stops moving (first-run writes, consumers)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        head = store.head()
        if head[0] >= at_least and head == last:
            return head
        last = head
        time.sleep(0.3)
    raise AssertionError(f"the log did not settle: {last}")


def encode_json(value):
    """JSON text for any value hypothesis makes, lone surrogates included (as \\ud800 escapes)."""
    import json

    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode("ascii")


def decoded(response):
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None


ALL_ROLES = ROLES
