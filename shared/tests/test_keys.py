"""Keys and modes: outside WATCHPOST_ENV=development a service refuses a missing, development or short key, naming
the variable; `watchpost-keys` makes a set every service accepts."""

import base64
import io
import os
import stat

import pytest

from watchpost import config, keys
from watchpost.audit.checkpoint import DEV_SEED, load_signing_key, published_key

SERVICES = ("intake", "liaison", "training", "assessment")
MANAGED = (
    "WATCHPOST_JWT_KEYS",
    "WATCHPOST_JWT_PUBLIC_KEYS",
    "WATCHPOST_JWT_PRIVATE_KEY",
    "WATCHPOST_CATCHUP_KEY",
    "WATCHPOST_MASTER_KEY",
    "WATCHPOST_CHECKPOINT_KEY",
    "INTAKE_ACCUSED_KEY",
    *(config.checkpoint_key_variable(s) for s in SERVICES),
)


@pytest.fixture
def production(monkeypatch):
    """Production mode with no key set; returns `apply(env_lines)`, which sets the variables the lines name."""
    monkeypatch.setenv("WATCHPOST_ENV", "production")
    for name in MANAGED:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name + "_FILE", raising=False)

    def apply(text, skip=("WATCHPOST_JWT_PRIVATE_KEY",)):
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.split("=", 1)
                if name not in skip:
                    monkeypatch.setenv(name, value)

    return apply


def generated(*argv):
    out = io.StringIO()
    assert keys.main(list(argv), out=out) == 0
    return out.getvalue()


def test_watchpost_keys_output_is_accepted_by_every_service(production):
    production(generated())
    for service in SERVICES:
        assert keys.problems(service) == [], service
        assert keys.check(service) == "production"


def test_the_issuer_private_key_on_a_service_is_refused(production):
    production(generated(), skip=())
    assert any("WATCHPOST_JWT_PRIVATE_KEY is set" in p for p in keys.problems("liaison"))


def test_two_runs_make_different_keys():
    first, second = generated(), generated()
    values = lambda text: {
        line.split("=", 1)[1] for line in text.splitlines() if "=" in line and not line.startswith("#")
    }
    assert values(first) & values(second) == {"production"}


def test_a_service_with_no_keys_names_every_missing_variable(production):
    with pytest.raises(keys.KeysRefused) as refused:
        keys.check("intake")
    message = str(refused.value)
    for name in (
        "WATCHPOST_JWT_PUBLIC_KEYS",
        "WATCHPOST_CATCHUP_KEY",
        "INTAKE_CHECKPOINT_KEY",
        "WATCHPOST_MASTER_KEY",
        "INTAKE_ACCUSED_KEY",
    ):
        assert f"{name} is missing" in message
    assert "watchpost-keys" in message and "WATCHPOST_ENV=development" in message
    assert "WATCHPOST_MASTER_KEY" not in " ".join(keys.problems("liaison"))  # intake's alone


@pytest.mark.parametrize(
    "variable, value, why",
    [
        ("WATCHPOST_MASTER_KEY", config.DEV_MASTER_KEY, "is a development key"),
        ("LIAISON_CHECKPOINT_KEY", base64.b64encode(DEV_SEED).decode(), "is a development key"),
        (
            "WATCHPOST_CATCHUP_KEY",
            base64.b64encode(b"watchpost-development-catch-up-key-xx").decode(),
            "development key",
        ),
        ("WATCHPOST_CATCHUP_KEY", base64.b64encode(os.urandom(16)).decode(), "too short: 16 bytes"),
        ("WATCHPOST_MASTER_KEY", base64.b64encode(os.urandom(40)).decode(), "needs exactly 32"),
        ("LIAISON_CHECKPOINT_KEY", "not base64!", "is not base64"),
        ("WATCHPOST_JWT_PUBLIC_KEYS", base64.b64encode(b"x" * 12).decode(), "not base64 of a raw 32-byte Ed25519"),
        ("WATCHPOST_JWT_KEYS", config.DEV_JWT_KEY, "development only"),
    ],
)
def test_a_bad_key_is_refused_naming_the_variable(production, monkeypatch, variable, value, why):
    production(generated())
    monkeypatch.setenv(variable, value)
    with pytest.raises(keys.KeysRefused, match=f"{variable} .*{why}"):
        keys.check("intake" if variable == "WATCHPOST_MASTER_KEY" else "liaison")


def test_in_production_the_shared_checkpoint_key_does_not_stand_in_for_a_service_s_own(production, monkeypatch):
    monkeypatch.setenv("WATCHPOST_CHECKPOINT_KEY", base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(keys.KeysRefused, match="TRAINING_CHECKPOINT_KEY is missing"):
        load_signing_key(service="training")
    assert "TRAINING_CHECKPOINT_KEY is missing" in " ".join(keys.problems("training"))


def test_in_development_the_development_keys_are_allowed_and_said(monkeypatch):
    monkeypatch.setenv("WATCHPOST_ENV", "development")
    monkeypatch.delenv("LIAISON_CHECKPOINT_KEY", raising=False)
    monkeypatch.delenv("WATCHPOST_CHECKPOINT_KEY", raising=False)
    said = []

    class Log:
        def warning(self, event, **kw):
            said.append((event, kw))

    assert keys.check("liaison", Log()) == "development"
    assert said and said[0][1]["mode"] == "development" and "development keys are allowed" in said[0][0]
    assert published_key(load_signing_key(service="liaison"))["key_id"].startswith("dev-")


def test_a_mistyped_mode_is_production(production, monkeypatch):
    monkeypatch.setenv("WATCHPOST_ENV", "dev")
    with pytest.raises(keys.KeysRefused, match="WATCHPOST_ENV='dev'"):
        keys.check("liaison")


def test_keys_written_as_files_are_read_through_name_file(production, monkeypatch, tmp_path):
    folder = tmp_path / "secrets"
    generated("--dir", str(folder))
    for path in folder.iterdir():
        if path.name != keys.TRUSTED_FILE:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
            if path.name != "watchpost_jwt_private_key":
                monkeypatch.setenv(path.name.upper() + "_FILE", str(path))
    assert keys.problems("intake") == []
    own = published_key(load_signing_key(service="assessment"))["public_key"]
    assert f"assessment {own}" in (folder / keys.TRUSTED_FILE).read_text()
