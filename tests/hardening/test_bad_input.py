"""Hostile input over every HTTP endpoint of every service (the routes of each service module's ROUTES), generated
by hypothesis: malformed JSON, wrong types, huge strings, unicode edge cases (NUL, lone surrogates), injection
strings, unknown and missing fields. Always a 4xx naming what was wrong (the field, for 422), never a 500, never a
stack trace, and a refused request writes nothing (the log head does not move). A GET never writes.

Examples per route: HARDENING_EXAMPLES (default 8; CI time), plus fixed valid commands carrying nasty strings.
"""

import os
import urllib.parse

import pytest
import requests
from hardening_support import (
    SERVICES,
    acting_role,
    allowed,
    decoded,
    field_names,
    headers_for,
    routes,
    url_path,
    wait_for_head,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import NASTY, body, path_values, query

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("HARDENING_EXAMPLES", "8"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck)
)
SERVER_REFUSALS = {404, 405, 413, 414, 431}  # refused by routing or the HTTP server, before our code


def judge(route, response, before, after, sent):
    status, text = response.status_code, response.content
    where = f"{route.method} {route.path} -> {status}: {text[:300]!r}"
    assert status < 500, where
    assert b"Traceback" not in text and b'File "/' not in text, where
    if route.method == "GET":
        assert after == before, f"a read wrote to the log: {where}"
    if status < 400:
        return
    assert after == before, f"a refused request wrote to the log: {where}"
    answer = decoded(response)
    if not (isinstance(answer, dict) and "error" in answer):
        assert status in SERVER_REFUSALS, where
        return
    assert isinstance(answer["message"], str) and answer["message"], where
    if status == 422:
        details = answer["details"]
        named = set(details.get("fields") or {}) | ({details["field"]} if details.get("field") else set())
        assert named, f"a 422 must name the field: {where}"
        assert named & (field_names(route) | set(sent) | {"_schema"}), where


def send(base_url, route, role, path, payload):
    url = base_url + url_path(route, path)
    headers = headers_for(role)
    if route.method == "GET":
        pairs = [(k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass")) for k, v in payload.items()]
        qs = urllib.parse.urlencode(pairs)
        return requests.get(url + ("?" + qs if qs else ""), headers=headers, timeout=30)
    return requests.post(url, data=payload, headers={**headers, "Content-Type": "application/json"}, timeout=30)


def sent_names(route, payload):
    if route.method == "GET":
        return set(payload)
    try:
        import json

        value = json.loads(payload)
    except (ValueError, RecursionError):
        return set()
    return set(value) if isinstance(value, dict) else set()


def fuzz_route(running, route):
    role = acting_role(running.name, route)
    payloads = query(route) if route.method == "GET" else body(route)

    @SETTINGS
    @given(path=path_values(route), payload=payloads)
    def check(path, payload):
        before = running.store.head()
        response = send(running.base_url, route, role, path, payload)
        names = sent_names(route, payload) | set(path)
        sent = (
            {str(name).replace("\x00", "\\u0000") for name in names}  # as refuse_nul shows it
            | {urllib.parse.quote(str(n).encode("utf-8", "surrogatepass"), safe="") for n in names}
        )
        judge(route, response, before, running.store.head(), sent)

    check()


@pytest.mark.parametrize("service", list(SERVICES))
def test_hostile_input_on_every_route_is_refused_cleanly(start, service):
    running = start(service)
    wait_for_head(running.store)
    failures = []
    for route in routes(service):
        try:
            fuzz_route(running, route)
        except AssertionError as exc:  # keep going: report every route that fails, not only the first
            failures.append(f"{route.method} {route.path}: {str(exc).splitlines()[0][:400]}")
    assert not failures, "\n".join(failures)


# -- nasty strings inside otherwise valid commands reach the handlers -------------------------------------------
VALID = {
    ("liaison", "/streets"): ({"street_id": "S09", "name": "x"}, ["street_id", "name"]),
    ("liaison", "/people"): (
        {"person_id": "P9", "name": "x", "role": "informant", "street": "S01", "community": "C01"},
        ["person_id", "name"],
    ),
    ("intake", "/opinions"): (
        {"kind": "problem", "channel": "meeting", "community": "C01", "street": "S01", "summary": "x"},
        ["summary", "community", "street"],
    ),
    ("intake", "/clues"): (
        {
            "channel": "informant",
            "summary": "x",
            "community": "C01",
            "street": "S01",
            "category": "C04",
            "item": "C04.02",
            "details": "x",
            "accused": {"name": "张三", "post": "社区主任", "rank": "community_cadre"},
        },
        ["summary", "community"],
    ),
    ("training", "/sessions"): (
        {"kind": "centralised", "topic": "x", "date": "2026-03-10", "hours": 2, "organiser": "x"},
        ["topic", "organiser"],
    ),
}
EDGE_STRINGS = [s for s in NASTY if s] + ["x" * 70_000]


@pytest.mark.parametrize("service", sorted({s for s, _ in VALID}))
def test_edge_strings_in_valid_commands_are_stored_intact_or_refused_by_field(start, service):
    running = start(service)
    wait_for_head(running.store)
    failures = []
    for (svc, path), (valid, fields) in VALID.items():
        if svc != service:
            continue

        @SETTINGS
        @given(field=st.sampled_from(fields), value=st.sampled_from(EDGE_STRINGS) | st.text(max_size=20))
        def check(field, value):  # run below, in this iteration: the loop's `valid` and `path` are its own
            before = running.store.head()
            payload = {**valid, field: value}  # noqa: B023
            response = requests.post(
                running.base_url + path,  # noqa: B023
                data=_json(payload),
                headers={**headers_for("district_commission"), "Content-Type": "application/json"},
                timeout=30,
            )
            where = f"POST {path} {field}={value[:40]!r} -> {response.status_code}: {response.text[:300]}"  # noqa: B023
            assert response.status_code < 500, where
            after = running.store.head()
            if response.status_code >= 400:
                assert after == before, where
                if response.status_code == 422:
                    details = response.json()["details"]
                    assert set(details.get("fields") or {}) | {details.get("field")}, where
            else:
                # a repeat of an earlier identical registration writes nothing: then the first one holds it
                since = before[0] if after != before else 0
                stored = [e for e in running.store.read_after(since, 100_000) if _contains(e.payload, value)]
                assert stored or not value.strip(), f"accepted but not stored intact: {where}"

        try:
            check()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0][:400])
    assert not failures, "\n".join(failures)


def _json(value):
    import json

    return json.dumps(value, ensure_ascii=True).encode()


def _contains(doc, value):
    if isinstance(doc, str):
        return doc == value or value in doc
    if isinstance(doc, dict):
        return any(_contains(v, value) for v in doc.values())
    if isinstance(doc, list):
        return any(_contains(v, value) for v in doc)
    return False


# -- the RPC `command` method reads fields exactly as HTTP does ---------------------------------------------------
HOSTILE_FIELDS = [
    {"\x00": 1},
    {"surely_not_a_field": "x"},
    {"a\x00b": "\x00"},
    {"limit": [], "offset": {}},
    {"person_id": {"$gt": ""}, "street_id": ["'; DROP TABLE events; --"]},
]


@pytest.mark.parametrize("service", list(SERVICES))
def test_rpc_commands_refuse_hostile_fields_by_name(start, service):
    from nameko.exceptions import RemoteError
    from nameko.standalone.rpc import ClusterRpcProxy

    running = start(service)
    wait_for_head(running.store)
    before = running.store.head()
    token = headers_for("district_commission")["Authorization"].split()[1]
    with ClusterRpcProxy(running.container.config) as cluster:
        rpc = getattr(cluster, service)
        with pytest.raises(RemoteError) as caught:
            rpc.command("no_such_command", {}, token=token)
        assert caught.value.exc_type == "NotFound"
        for route in routes(service):
            expected = "Invalid" if "district_commission" in allowed(service)[route.name] else "Forbidden"
            for fields in HOSTILE_FIELDS:
                with pytest.raises(RemoteError) as caught:
                    rpc.command(route.name, fields, token=token)
                assert caught.value.exc_type == expected, (route.name, fields, caught.value)
    assert running.store.head() == before
