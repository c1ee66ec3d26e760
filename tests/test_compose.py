"""docker-compose.yml checked statically (no Docker engine runs on these machines)."""
import importlib
import pathlib
import re

import yaml

from watchpost import config

ROOT = pathlib.Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = ("intake", "liaison", "training", "assessment")
SETTINGS = {s: importlib.import_module(f"{s}.settings") for s in SERVICES}
PORTS = {s: SETTINGS[s].DEFAULT_PORT for s in SERVICES}
DOCUMENTED = (set(re.findall(r"^\| (\w+) \|", "".join(m.__doc__ for m in [config, *SETTINGS.values()]), re.M))
              | {f"{s.upper()}_PORT" for s in SERVICES})


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
    for name in SERVICES:
        unknown = set(COMPOSE["services"][name]["environment"]) - DOCUMENTED
        assert not unknown, f"{name} sets undocumented variables {unknown}"


def test_dependencies_exist_and_are_health_checked():
    for name in SERVICES:
        for dep, rule in COMPOSE["services"][name]["depends_on"].items():
            assert dep in COMPOSE["services"] and rule == {"condition": "service_healthy"}
            assert "healthcheck" in COMPOSE["services"][dep]
    assert COMPOSE["services"]["rabbitmq"]["image"].endswith("-management")


def test_readme_documents_every_environment_variable_the_code_reads():
    readme = (ROOT / "README.md").read_text()
    code = "\n".join(p.read_text() for p in [*ROOT.glob("shared/watchpost/**/*.py"), *ROOT.glob("services/*/*/*.py")])
    read = set(re.findall(r"\"((?:WATCHPOST|INTAKE|LIAISON|TRAINING|ASSESSMENT)_[A-Z_]+)\"", code))
    read -= {"WATCHPOST_TEST_DATABASE_URL"}   # the tests' own setting, documented in the test plugin
    missing = sorted(v for v in read if v not in readme)
    assert not missing, f"README.md does not document {missing}"
