"""docker-compose.yml, run the way compose runs it, without Docker: every process gets exactly the environment the
file gives its container (secrets mounted from files made by `watchpost-keys --dir` and `watchpost-migrate
--make-logins`, WATCHPOST_ENV unset: production), each `<service>-migrate` step first, then the services with their
image's command; every service must answer /health with 200, in production mode, logged in as its own role.
Its own database, vhost and ports; the broker and database hosts of the file are this machine's."""
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import urllib.parse
import uuid

import psycopg2
import pytest
import requests
import yaml

from watchpost.testing import TEST_DATABASE_URL, drop_database, free_port, wait_for

pytestmark = pytest.mark.e2e

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = ("intake", "liaison", "training", "assessment")
API = "http://127.0.0.1:15672/api"


@pytest.fixture
def place(tmp_path):
    """(secrets folder, database name, AMQP URI, ports): the keys and logins made as the compose README says."""
    vhost, db = f"compose-{uuid.uuid4().hex[:8]}", f"watchpost_compose_{uuid.uuid4().hex[:6]}"
    requests.put(f"{API}/vhosts/{vhost}", auth=("guest", "guest")).raise_for_status()
    requests.put(f"{API}/permissions/{vhost}/guest", auth=("guest", "guest"),
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    secrets = tmp_path / "secrets"
    server = urllib.parse.urlsplit(TEST_DATABASE_URL).netloc.rsplit("@", 1)[-1] + f"/{db}"
    for command in (["watchpost-keys", "--dir", str(secrets)],
                    ["watchpost-migrate", "--make-logins", str(secrets), "--server", server]):
        subprocess.run([str(BIN / command[0]), *command[1:]], check=True, capture_output=True, env=plain_env())
    try:
        yield secrets, db, f"amqp://guest:guest@127.0.0.1:5672/{vhost}", {s: free_port() for s in SERVICES}
    finally:
        requests.delete(f"{API}/vhosts/{vhost}", auth=("guest", "guest"))
        drop_database(db)


def plain_env():
    """What a container starts with besides its compose environment: no WATCHPOST_ENV (the tests set it)."""
    return {"PATH": f"{BIN}:{os.environ['PATH']}", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}


def environment(name, secrets, amqp, ports):
    """The compose service's environment, its secrets at the files' paths here, the broker and ports this test's."""
    spec = COMPOSE["services"][name]
    env = {}
    for variable, value in spec.get("environment", {}).items():
        value = str(value)
        if value.startswith("/run/secrets/"):
            secret = value.removeprefix("/run/secrets/")
            assert secret in spec["secrets"], f"{name} reads {secret} without mounting it"
            value = str(secrets / pathlib.Path(COMPOSE["secrets"][secret]["file"]).name)
        env[variable] = value
    env = {k: v for k, v in env.items() if not k.startswith("WATCHPOST_AMQP_URI")}
    if name in SERVICES:
        env |= {"WATCHPOST_AMQP_URI": amqp, f"{name.upper()}_PORT": str(ports[name]), "WATCHPOST_DB_POOL": "4"}
    return {**plain_env(), **env}


def image_command(service):
    """The CMD of the service's Dockerfile, as the container runs it."""
    dockerfile = ROOT / COMPOSE["services"][service]["build"]["dockerfile"]
    return json.loads(re.search(r"^CMD (\[.*\])$", dockerfile.read_text(), re.M).group(1))


def test_the_suite_as_compose_runs_it_is_healthy_in_production_mode(place, tmp_path):
    secrets, db, amqp, ports = place
    for service in SERVICES:
        step = f"{service}-migrate"
        done = subprocess.run(COMPOSE["services"][step]["command"], cwd=ROOT, capture_output=True, text=True,
                              env=environment(step, secrets, amqp, ports), timeout=120)
        assert done.returncode == 0, f"{step}: {done.stderr}"
    started = {}
    try:
        for service in SERVICES:
            log = open(tmp_path / f"{service}.log", "wb")
            started[service] = subprocess.Popen(image_command(service), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                                env=environment(service, secrets, amqp, ports),
                                                start_new_session=True)
        for service in SERVICES:
            def healthy(service=service):
                assert started[service].poll() is None, (tmp_path / f"{service}.log").read_text()[-3000:]
                try:
                    answer = requests.get(f"http://127.0.0.1:{ports[service]}/health", timeout=2)
                except requests.ConnectionError:
                    return None
                return answer.json() if answer.status_code == 200 else None
            body = wait_for(healthy, timeout=120, what=f"{service} healthy")
            assert body["mode"] == "production"
        conn = psycopg2.connect(TEST_DATABASE_URL)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = %s", (db,))
                logins = {row[0] for row in cur.fetchall()}
        finally:
            conn.close()
        assert logins == {f"watchpost_{s}" for s in SERVICES}, "every service logs in as its own role, no other"
    finally:
        for proc in started.values():
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in started.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
