"""deploy/k8s/ checked statically: every document valid against the Kubernetes API's schemas (kubernetes-validate,
strict: an unknown field fails), and the promises the manifests make: a migrate Job, a Deployment and a Service per
service, probes on the health endpoints, every secret by reference, the vault's master key for intake alone."""

import importlib
import pathlib

import kubernetes_validate
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES = "1.37.0"
SERVICES = ("intake", "liaison", "training", "assessment")
DOCS = {s: list(yaml.safe_load_all((K8S / f"{s}.yaml").read_text())) for s in SERVICES}


def of_kind(service, kind):
    [doc] = [d for d in DOCS[service] if d["kind"] == kind]
    return doc


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_every_manifest_is_valid_against_the_kubernetes_schemas(path):
    for doc in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def test_the_validator_refuses_what_kubernetes_would():
    broken = of_kind("intake", "Deployment") | {"spec": {**of_kind("intake", "Deployment")["spec"], "replica": 1}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_its_migrate_job_deployment_and_service(service):
    assert sorted(d["kind"] for d in DOCS[service]) == ["Deployment", "Job", "Service"]
    job = of_kind(service, "Job")["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["watchpost-migrate", service]
    port = importlib.import_module(f"{service}.settings").DEFAULT_PORT
    container = of_kind(service, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert {"name": f"{service.upper()}_PORT", "value": str(port)} in container["env"]
    assert of_kind(service, "Service")["spec"]["ports"] == [{"name": "http", "port": port, "targetPort": "http"}]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"


@pytest.mark.parametrize("service", SERVICES)
def test_secrets_are_referenced_never_written_and_the_master_key_is_intakes_alone(service):
    for kind in ("Job", "Deployment"):
        pod = of_kind(service, kind)["spec"]["template"]["spec"]
        container = pod["containers"][0]
        mounted = set()
        for volume in pod["volumes"]:
            sources = volume.get("projected", {}).get("sources") or [{"secret": volume["secret"]}]
            mounted |= {item["path"] for source in sources for item in source["secret"]["items"]}
        for variable in container["env"]:
            if variable["name"].endswith("_FILE"):
                assert variable["value"].removeprefix("/run/secrets/") in mounted, variable
            else:
                assert variable["name"] in (f"{service.upper()}_PORT", "WATCHPOST_LOG_LEVEL"), variable
        assert ("watchpost_master_key" in mounted) == (service == "intake" and kind == "Deployment")
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
