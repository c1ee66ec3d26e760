"""Bearer tokens: a verified token is remembered, but never past its expiry nor across a change of keys."""
import time

import pytest

from watchpost import auth
from watchpost.errors import Unauthenticated

OLD, NEW = "old-key-" + "x" * 24, "new-key-" + "y" * 24


def test_a_remembered_token_is_still_refused_once_it_expires(monkeypatch):
    now = time.time()
    token = auth.issue("auditor", "a-1", ttl=60, keys=[OLD], now=now)
    assert auth.actor_from_token(token, [OLD]).id == "a-1"
    assert auth.actor_from_token(token, [OLD]).role == "auditor"      # from memory this time
    monkeypatch.setattr(auth.time, "time", lambda: now + 61)
    with pytest.raises(Unauthenticated, match="expired"):
        auth.actor_from_token(token, [OLD])


def test_a_remembered_token_is_refused_when_its_key_is_retired():
    token = auth.issue("informant", "i-1", keys=[OLD])
    assert auth.actor_from_token(token, [NEW, OLD]).id == "i-1"
    with pytest.raises(Unauthenticated, match="signature"):
        auth.actor_from_token(token, [NEW])


def test_a_forged_token_never_matches_a_remembered_one():
    token = auth.issue("informant", "i-1", keys=[OLD])
    auth.actor_from_token(token, [OLD])
    header, payload, signature = token.split(".")
    with pytest.raises(Unauthenticated):
        auth.actor_from_token(f"{header}.{payload}.{signature[:-2]}AA", [OLD])
