"""Every role against every endpoint of every service: a role in the service's ALLOWED table gets past the role
check, any other role gets 403 naming who may; without a token 401, except the endpoints open by design (health,
the API description, the checkpoints' public key, anonymous submission, receipt lookup and a reporter's
attachment with the receipt code). A token carrying the role `system` gets 401 everywhere: timers and consumers act
as the service itself, no caller can. A refused request writes nothing."""

import pytest
import requests
from hardening_support import (
    ALL_ROLES,
    ANONYMOUS_ROUTES,
    PUBLIC_BUILTINS,
    SERVICES,
    allowed,
    decoded,
    headers_for,
    path_args,
    routes,
    url_path,
    wait_for_head,
)

from watchpost.audit.service import SIGNERS
from watchpost.runtime.catchup import READERS as CATCH_UP_READERS

BUILTINS = [
    ("GET", "/health", None),
    ("GET", "/openapi.json", None),
    ("GET", "/checkpoints/key", None),
    ("GET", "/events", set(CATCH_UP_READERS)),
    ("POST", "/checkpoints", set(SIGNERS)),
]


class Endpoint:
    def __init__(self, method, path, name, roles, public):
        self.method, self.path, self.name, self.roles, self.public = method, path, name, roles, public

    def __repr__(self):
        return f"{self.method} {self.path}"


def endpoints(service):
    table = allowed(service)
    found = [Endpoint(m, p, p, roles, (m, p) in PUBLIC_BUILTINS) for m, p, roles in BUILTINS]
    for route in routes(service):
        roles = set(table.get(route.name, ()))
        found.append(
            Endpoint(
                route.method,
                url_path(route, {a: "X1" for a in path_args(route)}),
                route.name,
                roles,
                "citizen" in roles,
            )
        )
    return found


def call(base_url, endpoint, role):
    headers = headers_for(role)
    if endpoint.method == "GET":
        return requests.get(base_url + endpoint.path, headers=headers, timeout=30)
    return requests.post(base_url + endpoint.path, json={}, headers=headers, timeout=30)


def test_anonymous_access_is_exactly_the_documented_set():
    open_routes = {(s, name) for s in SERVICES for name, roles in allowed(s).items() if "citizen" in roles}
    assert open_routes == ANONYMOUS_ROUTES


@pytest.mark.integration
@pytest.mark.parametrize("service", list(SERVICES))
def test_every_role_against_every_endpoint(start, service):
    running = start(service)
    wait_for_head(running.store)
    wrong = []
    for endpoint in endpoints(service):
        for role in (None,) + tuple(ALL_ROLES):
            before = running.store.head()
            answer = call(running.base_url, endpoint, role)
            body = decoded(answer) or {}
            details = body.get("details") or {}
            seen = f"{endpoint!r} as {role or 'no token'} -> {answer.status_code} {answer.text[:160]}"
            if answer.status_code >= 500:
                wrong.append(seen)
            elif (role is None and not endpoint.public) or (role == "system" and endpoint.roles is not None):
                if answer.status_code != 401 or body.get("error") != "unauthenticated":
                    wrong.append(seen)
            elif role is None or endpoint.roles is None or role in endpoint.roles:
                if answer.status_code == 401 or (answer.status_code == 403 and "allowed" in details):
                    wrong.append(seen)
            elif answer.status_code != 403 or sorted(details.get("allowed", ())) != sorted(endpoint.roles):
                wrong.append(seen)
            if answer.status_code in (401, 403) and running.store.head() != before:
                wrong.append(f"refused but written: {seen}")
    assert not wrong, "\n".join(wrong)
