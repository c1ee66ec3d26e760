"""A service in production mode, as an attacker meets it: keys from `watchpost-keys`, tokens signed by the issuer's
private key (EdDSA). What the attacker holds is the public source code (the development keys), a token meant for
another service or another issuer, a token that lives too long, or a forged `system` token: all 401, over HTTP and
RPC. A service given a missing, development or short key does not start, and says which variable is wrong."""

import base64
import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from watchpost import auth, config, keys

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
KEY_VARIABLES = (
    "WATCHPOST_JWT_KEYS",
    "WATCHPOST_JWT_PUBLIC_KEYS",
    "WATCHPOST_JWT_PRIVATE_KEY",
    "WATCHPOST_CATCHUP_KEY",
    "WATCHPOST_MASTER_KEY",
    "WATCHPOST_CHECKPOINT_KEY",
    "INTAKE_ACCUSED_KEY",
    *(config.checkpoint_key_variable(s) for s in config.SERVICES),
)


def key_set():
    out = io.StringIO()
    keys.main([], out=out)
    return dict(line.split("=", 1) for line in out.getvalue().splitlines() if line and not line.startswith("#"))


@pytest.fixture
def production(monkeypatch):
    """Production mode with a fresh set from `watchpost-keys` (the private key left to the issuer); returns it."""
    made = key_set()
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in made.items():
        if name != "WATCHPOST_JWT_PRIVATE_KEY":
            monkeypatch.setenv(name, value)
    return made


@pytest.fixture
def broker_user(rabbit_manager, rabbit_config):
    """The AMQP URI of a broker user of the test's own (never guest, which production refuses), allowed everything in
    the test's vhost; deleted afterwards."""
    name, password, vhost = f"watchpost-test-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex, rabbit_config["vhost"]
    rabbit_manager._put("users", name, json={"password": password, "tags": ""})
    rabbit_manager.set_vhost_permissions(vhost, name, ".*", ".*", ".*")
    yield f"amqp://{name}:{password}@127.0.0.1:5672/{vhost}"
    rabbit_manager._delete("users", name)


def mint(private, **changes):
    """Sign claims as the issuer would (or as an attacker would, with another key)."""
    now = int(time.time())
    claims = {
        "sub": "d-1",
        "role": "district_commission",
        "iss": "watchpost",
        "aud": ["liaison"],
        "iat": now,
        "exp": now + 600,
        **changes,
    }
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private)) if isinstance(private, str) else private
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="EdDSA")


def get(running, token, path="/people"):
    return requests.get(running.base_url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)


@pytest.fixture
def migrated(monkeypatch):
    """`migrated(service) -> schema`: the deployment's migrate step on a fresh schema, and the service's own login
    (production needs both)."""
    from watchpost.eventlog.migrate import as_login, role_of
    from watchpost.migrate_cli import run
    from watchpost.testing import TEST_DATABASE_URL, drop_schema

    made = []

    def make(service):
        schema = f"svc_{uuid.uuid4().hex[:10]}"
        made.append(schema)
        monkeypatch.setenv(f"{service.upper()}_DATABASE_URL", as_login(TEST_DATABASE_URL, role_of(schema)))
        monkeypatch.setenv("WATCHPOST_DATABASE_URL", TEST_DATABASE_URL)
        run(service, schema)
        return schema

    yield make
    for schema in made:
        drop_schema(TEST_DATABASE_URL, schema)


def test_a_production_service_accepts_the_issuer_s_tokens_and_nothing_else(start, production, migrated, broker_user):
    liaison = start("liaison", DB_SCHEMA=migrated("liaison"), AMQP_URI=broker_user)
    health = requests.get(liaison.base_url + "/health", timeout=30).json()
    assert health["mode"] == "production"
    private = production["WATCHPOST_JWT_PRIVATE_KEY"]
    assert get(liaison, mint(private)).status_code == 200
    assert get(liaison, mint(private, aud=config.jwt_audience())).status_code == 200
    now = int(time.time())
    attacks = {
        "the development key": auth.issue("district_commission", "x", keys=[config.DEV_JWT_KEY]),
        "another service's token": mint(private, aud=["intake"]),
        "another issuer": mint(private, iss="someone-else"),
        "no audience": mint(private, aud=None),
        "a month-long token": mint(private, iat=now, exp=now + 30 * 86400),
        "the role system": mint(private, role="system"),
        "a key of one's own": mint(Ed25519PrivateKey.generate()),
        "the catch-up key as district commission": jwt.encode(
            {
                "sub": "x",
                "role": "district_commission",
                "iss": "watchpost",
                "aud": ["liaison"],
                "iat": now,
                "exp": now + 60,
            },
            production["WATCHPOST_CATCHUP_KEY"],
            algorithm="HS256",
        ),
    }
    for what, token in attacks.items():
        answer = get(liaison, token)
        assert answer.status_code == 401, (what, answer.text)
        assert answer.json()["error"] == "unauthenticated" and token not in answer.text
    assert get(liaison, auth.catchup_token("liaison"), "/events").status_code == 200  # a consumer's catch-up
    with ClusterRpcProxy(liaison.container.config) as cluster:
        for token in (attacks["the role system"], attacks["the development key"]):
            with pytest.raises(RemoteError) as refused:
                cluster.liaison.command("list_people", {}, token=token)
            assert refused.value.exc_type == "Unauthenticated"
            with pytest.raises(RemoteError) as refused:
                cluster.liaison.events_after(after=0, limit=1, token=token)
            assert refused.value.exc_type == "Unauthenticated"


@pytest.mark.parametrize(
    "variable, value, why",
    [
        ("WATCHPOST_MASTER_KEY", None, "WATCHPOST_MASTER_KEY is missing"),
        ("WATCHPOST_MASTER_KEY", config.DEV_MASTER_KEY, "WATCHPOST_MASTER_KEY is a development key"),
        ("INTAKE_CHECKPOINT_KEY", base64.b64encode(b"short").decode(), "INTAKE_CHECKPOINT_KEY is too short"),
        ("WATCHPOST_JWT_KEYS", config.DEV_JWT_KEY, "WATCHPOST_JWT_KEYS is set"),
    ],
)
def test_a_production_service_with_a_bad_key_refuses_to_start(
    container_factory, service_config, production, monkeypatch, variable, value, why
):
    from intake.service import IntakeService

    monkeypatch.delenv(variable) if value is None else monkeypatch.setenv(variable, value)
    container = container_factory(IntakeService, service_config(DB_POOL=4))
    with pytest.raises(keys.KeysRefused) as refused:
        container.start()
    assert why in str(refused.value) and "watchpost-keys" in str(refused.value)
    assert value is None or value not in str(refused.value)  # a key is named, never shown


def test_nameko_run_in_production_without_keys_exits_naming_the_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARIABLES and k != "WATCHPOST_ENV"}
    env["WATCHPOST_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:5432/keys_never_created"
    nameko = Path(sys.executable).parent / "nameko"
    done = subprocess.run(
        [str(nameko), "run", "--config", str(ROOT / "services/training/config.yml"), "training.service"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert "training refuses to start in production mode (WATCHPOST_ENV unset)" in said
    assert "TRAINING_CHECKPOINT_KEY is missing" in said and "WATCHPOST_JWT_PUBLIC_KEYS is missing" in said


def test_a_production_service_logging_in_to_the_broker_as_guest_refuses_to_start(
    container_factory, service_config, production
):
    from liaison.service import LiaisonService

    container = container_factory(LiaisonService, service_config(DB_POOL=4))  # the test broker's guest login
    with pytest.raises(keys.KeysRefused) as refused:
        container.start()
    assert "logs in to RabbitMQ as guest" in str(refused.value) and "guest:guest" not in str(refused.value)
