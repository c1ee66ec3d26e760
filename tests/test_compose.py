"""docker-compose.yml checked statically (no Docker engine runs on these machines)."""

import base64
import importlib
import importlib.util
import io
import json
import pathlib
import re

import pytest
import yaml

from watchpost import config, keys
from watchpost.migrate_cli import make_logins

ROOT = pathlib.Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = ("intake", "liaison", "training", "assessment")
SETTINGS = {s: importlib.import_module(f"{s}.settings") for s in SERVICES}
PORTS = {s: SETTINGS[s].DEFAULT_PORT for s in SERVICES}
_spec = importlib.util.spec_from_file_location("broker_definitions", ROOT / "tools" / "broker_definitions.py")
broker_definitions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(broker_definitions)
DOCUMENTED = set(re.findall(r"^\| (\w+) \|", "".join(m.__doc__ for m in [config, *SETTINGS.values()]), re.M)) | {
    f"{s.upper()}_{per}" for s in SERVICES for per in ("PORT", "DATABASE_URL", "CHECKPOINT_KEY")
}


def test_every_service_has_a_container_built_from_its_own_dockerfile():
    for name in SERVICES:
        spec = COMPOSE["services"][name]
        dockerfile = ROOT / spec["build"]["context"] / spec["build"]["dockerfile"]
        assert dockerfile == ROOT / "services" / name / "Dockerfile" and dockerfile.is_file()
        text = dockerfile.read_text()
        for source in re.findall(r"^COPY (\S+)", text, re.M):
            assert (ROOT / source).exists(), f"{dockerfile} copies {source}, which does not exist"
        cmd = re.search(r'^CMD \["nameko", "run", "--config", "([^"]+)", "([\w.]+)"\]', text, re.M)
        assert cmd and (ROOT / cmd.group(1)).is_file() and cmd.group(2) == f"{name}.service"
        assert (ROOT / "services" / name / name / "service.py").is_file()


def test_ports_agree_across_compose_dockerfile_config_and_defaults():
    for name in SERVICES:
        spec, expected = COMPOSE["services"][name], PORTS[name]
        assert spec["ports"] == [f"{expected}:{expected}"]
        assert spec["environment"][f"{name.upper()}_PORT"] == str(expected)
        assert f"EXPOSE {expected}" in (ROOT / "services" / name / "Dockerfile").read_text()
        assert f"${{{name.upper()}_PORT:{expected}}}" in (ROOT / "services" / name / "config.yml").read_text()


def test_environment_names_only_documented_variables():
    for name in [*SERVICES, *(f"{s}-migrate" for s in SERVICES)]:
        variables = {v.removesuffix("_FILE") for v in COMPOSE["services"][name]["environment"]}
        unknown = variables - DOCUMENTED
        assert not unknown, f"{name} sets undocumented variables {unknown}"


def test_each_service_starts_after_its_own_migrate_step_and_the_broker_is_healthy():
    for name in SERVICES:
        migrate = COMPOSE["services"][f"{name}-migrate"]
        assert migrate["command"] == ["watchpost-migrate", name] and migrate["restart"] == "no"
        assert migrate["build"] == COMPOSE["services"][name]["build"]
        assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
        assert COMPOSE["services"][name]["depends_on"] == {
            "rabbitmq": {"condition": "service_healthy"},
            f"{name}-migrate": {"condition": "service_completed_successfully"},
        }
    for dep in ("rabbitmq", "postgres"):
        assert "healthcheck" in COMPOSE["services"][dep]
    assert COMPOSE["services"]["rabbitmq"]["image"].endswith("-management")


def test_services_are_health_checked_on_health_and_restarted():
    for name in SERVICES:
        spec = COMPOSE["services"][name]
        assert f"http://127.0.0.1:{PORTS[name]}/health'" in " ".join(spec["healthcheck"]["test"])
        assert spec["restart"] == "unless-stopped"
    assert COMPOSE["services"]["postgres"]["restart"] == COMPOSE["services"]["rabbitmq"]["restart"] == "unless-stopped"


def test_nothing_but_the_four_http_ports_is_published_and_the_broker_ui_on_loopback_only():
    published = {name: spec.get("ports", []) for name, spec in COMPOSE["services"].items() if spec.get("ports")}
    assert published == {**{s: [f"{PORTS[s]}:{PORTS[s]}"] for s in SERVICES}, "rabbitmq": ["127.0.0.1:15672:15672"]}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The files `watchpost-keys --dir`, `watchpost-migrate --make-logins` and `tools/broker_definitions.py
    --make-logins` write, as the compose header says."""
    folder = tmp_path_factory.mktemp("secrets")
    keys.main(["--dir", str(folder)], out=io.StringIO())
    make_logins(folder, "postgres:5432/watchpost")
    broker_definitions.main(["--make-logins", str(folder), "--server", "rabbitmq:5672"])
    return folder


def test_production_mode_with_every_secret_from_a_file(made):
    """No WATCHPOST_ENV (production), no key or password written in the file: every secret is a compose secret,
    mounted where its `_FILE` variable says, and the files are the ones watchpost-keys and watchpost-migrate make."""
    declared = COMPOSE["secrets"]
    for name, spec in COMPOSE["services"].items():
        env = spec.get("environment", {})
        assert "WATCHPOST_ENV" not in env and "WATCHPOST_JWT_KEYS" not in env, name
        for variable, value in env.items():
            if variable.endswith("_FILE"):
                secret = value.removeprefix("/run/secrets/")
                assert value == f"/run/secrets/{secret}" and secret in spec["secrets"] and secret in declared, variable
            else:
                assert not re.search(r"KEY|PASSWORD|DATABASE_URL", variable), f"{name}: {variable} given inline"
    made = {p.name for p in made.iterdir()}
    assert {pathlib.Path(s["file"]).name for s in declared.values()} <= made
    assert all(s["file"].startswith("./secrets/") for s in declared.values())


def test_the_vault_master_key_goes_to_intake_alone():
    holders = {
        name
        for name, spec in COMPOSE["services"].items()
        if any("MASTER_KEY" in v for v in spec.get("environment", {}))
        or "watchpost_master_key" in spec.get("secrets", [])
    }
    assert holders == {"intake"}


def test_each_service_logs_in_to_postgresql_as_its_own_role(made):
    for name in SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert env[f"{name.upper()}_DATABASE_URL_FILE"] == f"/run/secrets/{name}_database_url"
        assert not any(v.startswith("WATCHPOST_DATABASE_URL") for v in env), "the owner's login is the migrate step's"
        assert (made / f"{name}_database_url").read_text().startswith(f"postgresql://watchpost_{name}:")


def test_guest_appears_nowhere_in_the_file():
    assert "guest" not in (ROOT / "docker-compose.yml").read_text().lower()


def test_each_service_logs_in_to_the_broker_as_its_own_user_from_a_secret(made):
    for name, spec in COMPOSE["services"].items():
        env = spec.get("environment", {})
        assert "WATCHPOST_AMQP_URI" not in env, f"{name}: the broker URI (and its password) given inline"
        if name in SERVICES:
            assert env["WATCHPOST_AMQP_URI_FILE"] == f"/run/secrets/{name}_amqp_uri"
            assert f"{name}_amqp_uri" in spec["secrets"]
            uri = (made / f"{name}_amqp_uri").read_text()
            assert re.fullmatch(rf"amqp://watchpost-{name}:[\w-]{{16,}}@rabbitmq:5672/watchpost", uri), uri
        else:
            assert not any(s.endswith("_amqp_uri") for s in spec.get("secrets", [])), f"{name} holds a broker login"
    passwords = {(made / "broker" / f"watchpost-{s}").read_text() for s in SERVICES}
    assert len(passwords) == len(SERVICES)


def test_the_broker_loads_the_conf_and_the_hashed_definitions(made):
    volumes = COMPOSE["services"]["rabbitmq"]["volumes"]
    assert volumes == [
        "./deploy/rabbitmq/rabbitmq.conf:/etc/rabbitmq/rabbitmq.conf:ro",
        "./secrets/definitions.json:/etc/rabbitmq/definitions.json:ro",
    ]
    assert (ROOT / "deploy/rabbitmq/rabbitmq.conf").is_file()
    assert "load_definitions = /etc/rabbitmq/definitions.json" in (ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text()
    definitions = json.loads((made / "definitions.json").read_text())
    users = {u["name"]: u for u in definitions["users"]}
    assert {f"watchpost-{s}" for s in SERVICES} <= set(users)
    for name, user in users.items():  # every user can log in with its secret, and no password is in clear
        password = (made / "broker" / name).read_text()
        salt = base64.b64decode(user["password_hash"])[:4]
        assert user["password_hash"] == broker_definitions.password_hash(password, salt)
        assert password not in (made / "definitions.json").read_text()


def test_readme_documents_every_environment_variable_the_code_reads():
    readme = (ROOT / "README.md").read_text()
    code = "\n".join(p.read_text() for p in [*ROOT.glob("shared/watchpost/**/*.py"), *ROOT.glob("services/*/*/*.py")])
    read = set(re.findall(r"\"((?:WATCHPOST|INTAKE|LIAISON|TRAINING|ASSESSMENT)_[A-Z_]+)\"", code))
    read -= {"WATCHPOST_TEST_DATABASE_URL"}  # the tests' own setting, documented in the test plugin
    missing = sorted(v for v in read if v not in readme)
    assert not missing, f"README.md does not document {missing}"
