"""Bearer tokens: a verified token is remembered, but never past its expiry nor across a change of keys; a token
is for named services, from one issuer, for a bounded time, and never carries the role `system`."""

import base64
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchpost import auth, keys
from watchpost.errors import Invalid, Unauthenticated

OLD, NEW = "old-key-" + "x" * 24, "new-key-" + "y" * 24
FOR = "intake"


def test_a_remembered_token_is_still_refused_once_it_expires(monkeypatch):
    now = time.time()
    token = auth.issue("auditor", "a-1", ttl=60, keys=[OLD], now=now)
    assert auth.actor_from_token(token, [OLD], FOR).id == "a-1"
    assert auth.actor_from_token(token, [OLD], FOR).role == "auditor"  # from memory this time
    monkeypatch.setattr(auth.time, "time", lambda: now + 61)
    with pytest.raises(Unauthenticated, match="expired"):
        auth.actor_from_token(token, [OLD], FOR)


def test_a_remembered_token_is_refused_when_its_key_is_retired():
    token = auth.issue("informant", "i-1", keys=[OLD])
    assert auth.actor_from_token(token, [NEW, OLD], FOR).id == "i-1"
    with pytest.raises(Unauthenticated, match="signature"):
        auth.actor_from_token(token, [NEW], FOR)


def test_a_forged_token_never_matches_a_remembered_one():
    token = auth.issue("informant", "i-1", keys=[OLD])
    auth.actor_from_token(token, [OLD], FOR)
    header, payload, signature = token.split(".")
    with pytest.raises(Unauthenticated):
        auth.actor_from_token(f"{header}.{payload}.{signature[:-2]}AA", [OLD], FOR)


def forge(key=OLD, algorithm="HS256", **changes):
    now = int(time.time())
    claims = {
        "sub": "x-1",
        "role": "district_commission",
        "iss": "watchpost",
        "aud": ["intake"],
        "iat": now,
        "exp": now + 600,
        **changes,
    }
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm=algorithm)


@pytest.mark.parametrize(
    "changes, why",
    [
        ({"aud": ["liaison"]}, "not for this service"),
        ({"aud": None}, "lacks the claim 'aud'"),
        ({"iss": "someone-else"}, "not issued by 'watchpost'"),
        ({"iss": None}, "lacks the claim 'iss'"),
        ({"iat": None}, "lacks the claim 'iat'"),
        ({"exp": int(time.time()) + 86400 * 30}, "at most 86400 s"),
        ({"iat": int(time.time()) + 3600}, "issued in the future"),
        ({"role": "system"}, "no token carries it"),
        ({"role": "overlord"}, "role is not one of"),
    ],
)
def test_a_token_signed_with_the_right_key_but_wrong_claims_is_refused(changes, why):
    with pytest.raises(Unauthenticated, match=why):
        auth.actor_from_token(forge(**changes), [OLD], FOR)


def test_the_audience_is_the_service_and_a_list_may_name_several():
    token = auth.issue("auditor", "a-1", keys=[OLD])  # default: the four services
    for service in ("intake", "liaison", "training", "assessment"):
        assert auth.actor_from_token(token, [OLD], service).id == "a-1"
    with pytest.raises(Unauthenticated, match="not for this service"):
        auth.actor_from_token(token, [OLD], "tally")
    only = auth.issue("auditor", "a-1", keys=[OLD], audience=["training"])
    with pytest.raises(Unauthenticated, match="not for this service"):
        auth.actor_from_token(only, [OLD], "intake")


def test_the_issuer_refuses_a_lifetime_beyond_the_maximum(monkeypatch):
    monkeypatch.setenv("WATCHPOST_JWT_MAX_TTL", "600")
    with pytest.raises(Invalid, match="at most 600 s"):
        auth.issue("auditor", "a-1", ttl=601, keys=[OLD])
    with pytest.raises(Unauthenticated, match="lives 3600 s; at most 600 s"):
        auth.actor_from_token(forge(exp=int(time.time()) + 3600, iat=int(time.time())), [OLD], FOR)


def test_watchpost_token_cannot_issue_the_role_system(capsys):
    with pytest.raises(SystemExit):
        auth.token_cli(["--role", "system", "--sub", "s"])
    assert "invalid choice: 'system'" in capsys.readouterr().err


def production(monkeypatch):
    made, _ = keys.generate()
    monkeypatch.setenv("WATCHPOST_ENV", "production")
    monkeypatch.delenv("WATCHPOST_JWT_KEYS", raising=False)
    for name in ("WATCHPOST_JWT_PUBLIC_KEYS", "WATCHPOST_CATCHUP_KEY"):
        monkeypatch.setenv(name, made[name])
    return made


def test_in_production_services_verify_eddsa_and_refuse_the_development_key(monkeypatch):
    made = production(monkeypatch)
    with pytest.raises(keys.KeysRefused, match="WATCHPOST_JWT_PRIVATE_KEY"):  # a service cannot mint
        auth.issue("district_commission", "d-1")
    monkeypatch.setenv("WATCHPOST_JWT_PRIVATE_KEY", made["WATCHPOST_JWT_PRIVATE_KEY"])  # the issuer can
    token = auth.issue("district_commission", "d-1")
    monkeypatch.delenv("WATCHPOST_JWT_PRIVATE_KEY")
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    assert auth.actor_from_token(token, audience="intake").role == "district_commission"
    dev = forge(key="watchpost-development-key-not-for-production-use!")
    with pytest.raises(Unauthenticated, match="signature does not verify"):  # not the catch-up key either
        auth.actor_from_token(dev, audience="intake")
    monkeypatch.delenv("WATCHPOST_CATCHUP_KEY")
    with pytest.raises(Unauthenticated, match="signed with HS256; this service accepts EdDSA in production mode"):
        auth.actor_from_token(dev, audience="intake")
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(Unauthenticated, match="signature does not verify"):
        auth.actor_from_token(forge(key=stranger, algorithm="EdDSA"), audience="intake")


def test_a_catchup_key_mints_nothing_but_a_subscriber(monkeypatch):
    made = production(monkeypatch)
    token = auth.catchup_token("liaison")
    actor = auth.actor_from_token(token, audience="liaison")
    assert actor.role == "subscriber"
    with pytest.raises(Unauthenticated, match="not for this service"):
        auth.actor_from_token(token, audience="intake")
    secret = made["WATCHPOST_CATCHUP_KEY"]
    with pytest.raises(Unauthenticated, match="acts only as subscriber"):
        auth.actor_from_token(forge(key=secret), audience="intake")


def test_hs256_with_the_public_key_as_secret_is_refused(monkeypatch):
    """The algorithm-confusion attack: sign HS256 with the (public) verification key."""
    made = production(monkeypatch)
    public = made["WATCHPOST_JWT_PUBLIC_KEYS"]
    for secret in (public, base64.b64decode(public)):
        with pytest.raises(Unauthenticated):
            auth.actor_from_token(forge(key=secret), audience="intake")


def test_watchpost_token_signs_with_the_issuer_key_and_nothing_else_in_production(monkeypatch, capsys):
    made = production(monkeypatch)
    with pytest.raises(SystemExit) as refused:
        auth.token_cli(["--role", "auditor", "--sub", "a-1"])
    assert "WATCHPOST_JWT_PRIVATE_KEY" in str(refused.value) and "watchpost-keys" in str(refused.value)
    monkeypatch.setenv("WATCHPOST_JWT_PRIVATE_KEY", made["WATCHPOST_JWT_PRIVATE_KEY"])
    auth.token_cli(["--role", "auditor", "--sub", "a-1", "--aud", "training"])
    token = capsys.readouterr().out.strip()
    monkeypatch.delenv("WATCHPOST_JWT_PRIVATE_KEY")
    assert auth.actor_from_token(token, audience="training").role == "auditor"
    with pytest.raises(Unauthenticated, match="not for this service"):
        auth.actor_from_token(token, audience="intake")
    with pytest.raises(SystemExit) as refused:
        auth.token_cli(["--role", "auditor", "--sub", "a-1", "--ttl", str(86400 * 7)])
    assert "at most 86400 s" in str(refused.value)
