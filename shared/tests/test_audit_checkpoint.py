"""Signed checkpoints: keys, signatures, `sign_checkpoint` on a log, the contract, and the service's routes."""

import base64
import dataclasses
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from watchpost import auth
from watchpost.audit import merkle
from watchpost.audit import service as audit_service
from watchpost.audit.checkpoint import (
    STREAM,
    TYPE,
    LogDamaged,
    check_signature,
    load_signing_key,
    published_key,
    sign_checkpoint,
)
from watchpost.contracts import checkpoints as contract
from watchpost.domain import Change
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.testing import make_ctx

ACTOR = {"id": "u1", "role": "district_commission"}
KEY = base64.b64encode(bytes(range(32))).decode()


def fill(store, n, stream="thing-a"):
    for _ in range(n):
        store.append(stream, None, [Change("thing.happened", {"v": 1})], actor=ACTOR, correlation_id="c")


def test_development_key_is_marked_and_a_real_key_is_not(monkeypatch):
    monkeypatch.delenv("WATCHPOST_CHECKPOINT_KEY", raising=False)
    dev = published_key(load_signing_key())
    assert dev["key_id"].startswith("dev-") and dev["algorithm"] == "Ed25519"
    assert published_key(load_signing_key()) == dev  # derived deterministically
    monkeypatch.setenv("WATCHPOST_CHECKPOINT_KEY", KEY)
    real = published_key(load_signing_key())
    assert not real["key_id"].startswith("dev-") and real["public_key"] != dev["public_key"]
    with pytest.raises(ValueError):
        load_signing_key(base64.b64encode(b"short").decode())


def test_checkpoint_covers_the_log_before_it_and_is_signed():
    store = MemoryEventStore()
    fill(store, 5)
    [event] = sign_checkpoint(store, make_ctx(), load_signing_key(KEY), service="intake")
    cp = event.payload
    assert (event.type, event.stream_id, event.position, cp["size"], cp["service"]) == (TYPE, STREAM, 6, 5, "intake")
    leaves = [merkle.leaf_hash(e.hash) for e in store.read_after(0)[:5]]
    assert cp["root"] == merkle.root(leaves).hex()
    trusted = [published_key(load_signing_key(KEY))["public_key"]]
    assert check_signature(cp, trusted) is None
    assert "no key is trusted" in check_signature(cp)  # never only against the key it carries
    stranger = [published_key(load_signing_key())["public_key"]]
    assert "not among the trusted" in check_signature(cp, trusted_keys=stranger)
    assert "trusted for liaison, not for intake" in check_signature(cp, {trusted[0]: "liaison"})
    assert check_signature(cp, {trusted[0]: "intake"}) is None
    contract.CheckpointSigned().load(cp)
    assert contract.EVENTS[TYPE][0] == event.schema_version
    for field in ("size", "root", "signed_at", "service"):
        forged = {**cp, field: 4 if field == "size" else ("0" * 64 if field == "root" else "x")}
        assert "signature does not verify" in check_signature(forged, trusted)
    assert "does not name" in check_signature({**cp, "key_id": "dev-0000000000000000"}, trusted)


def test_next_checkpoint_continues_from_the_frontier_and_timer_skips_when_idle():
    store = MemoryEventStore()
    fill(store, 3)
    sign_checkpoint(store, make_ctx(), load_signing_key(KEY))
    assert sign_checkpoint(store, make_ctx(), load_signing_key(KEY), only_if_new=True) == []
    fill(store, 4)
    [second] = sign_checkpoint(store, make_ctx(), load_signing_key(KEY), only_if_new=True)
    leaves = [merkle.leaf_hash(e.hash) for e in store.read_after(0)[:8]]
    assert second.payload["size"] == 8 and second.payload["root"] == merkle.root(leaves).hex()
    assert second.stream_version == 2


def test_empty_log_gets_the_empty_root():
    store = MemoryEventStore()
    [event] = sign_checkpoint(store, make_ctx(), load_signing_key(KEY))
    assert event.payload["size"] == 0 and event.payload["root"] == merkle.EMPTY_ROOT.hex()


def test_a_damaged_log_is_not_signed():
    store = MemoryEventStore()
    fill(store, 3)
    original = store._events[1]
    store._events[1] = (
        original._replace(payload={"v": 2})
        if hasattr(original, "_replace")
        else dataclasses.replace(original, payload={"v": 2})
    )
    with pytest.raises(LogDamaged) as refused:
        sign_checkpoint(store, make_ctx(), load_signing_key(KEY))
    assert refused.value.details["position"] == 2


class FakeService:
    name = "liaison"

    def __init__(self, store):
        self.store = store

    def context_extra(self):
        return {}


def request(method, path, token=None, body=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Request(
        EnvironBuilder(
            method=method, path=path, headers=headers, data=json.dumps(body) if body is not None else None
        ).get_environ()
    )


def test_routes_sign_on_demand_for_the_commission_and_publish_the_key(monkeypatch):
    monkeypatch.setenv("WATCHPOST_CHECKPOINT_KEY", KEY)
    service = FakeService(MemoryEventStore())
    fill(service.store, 2)
    ok = audit_service.post_checkpoint(service, request("POST", "/checkpoints", auth.issue("auditor", "a1")))
    assert ok.status_code == 201
    body = json.loads(ok.get_data())
    assert body["checkpoint"]["size"] == 2 and body["position"] == 3 and body["checkpoint"]["service"] == "liaison"
    assert audit_service.post_checkpoint(service, request("POST", "/checkpoints")).status_code == 401
    refused = audit_service.post_checkpoint(service, request("POST", "/checkpoints", auth.issue("informant", "i1")))
    assert refused.status_code == 403
    odd = audit_service.post_checkpoint(service, request("POST", "/checkpoints", auth.issue("auditor", "a1"), {"x": 1}))
    assert odd.status_code == 422
    key = json.loads(audit_service.get_key(service, request("GET", "/checkpoints/key")).get_data())
    assert key["public_key"] == body["checkpoint"]["public_key"] and key["key_id"] == body["checkpoint"]["key_id"]


def test_timer_signs_only_when_the_log_grew(monkeypatch):
    monkeypatch.setenv("WATCHPOST_CHECKPOINT_KEY", KEY)
    service = FakeService(MemoryEventStore())
    audit_service.checkpoint_tick(service)
    assert service.store.head()[0] == 0
    fill(service.store, 1)
    audit_service.checkpoint_tick(service)
    audit_service.checkpoint_tick(service)
    assert [e.type for e in service.store.read_after(0)] == ["thing.happened", TYPE]


def test_every_service_has_the_checkpoint_entrypoints():
    from nameko.timer import Timer
    from nameko.web.handlers import HttpRequestHandler
    from toy_service import ToyService

    kinds = {
        type(ep): ep
        for name in ("post_checkpoint", "get_checkpoint_key", "checkpoint_tick")
        for ep in getattr(ToyService, name).nameko_entrypoints
    }
    assert kinds[Timer].interval == 3600
    assert {ep.url for ep in ToyService.post_checkpoint.nameko_entrypoints} == {"/checkpoints"}
    assert HttpRequestHandler in kinds
