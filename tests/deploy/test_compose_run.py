"""docker-compose.yml, run the way compose runs it, without Docker: every process gets exactly the environment the
file gives its container (secrets mounted from files made by `watchpost-keys --dir`, `watchpost-migrate
--make-logins` and `tools/broker_definitions.py --make-logins`, WATCHPOST_ENV unset: production), each
`<service>-migrate` step first, then the services with their image's command; every service must answer /health
with 200, in production mode, logged in to PostgreSQL as its own role and to RabbitMQ as its own user.
Its own database, vhost (the broker users of the hashed definitions made in it, as the broker loads them at boot,
and the URI files pointed at it) and ports; the broker and database hosts of the file are this machine's."""

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
from watchpost.testing.broker_users import users_from

pytestmark = pytest.mark.e2e

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = ("intake", "liaison", "training", "assessment")
API = "http://127.0.0.1:15672/api"


@pytest.fixture
def place(tmp_path, rabbit_manager):
    """(secrets folder, database name, broker user names, ports): keys, logins and broker users made as the compose
    file's header says; the broker's users made in a throwaway vhost from the hashed definitions."""
    vhost, db = f"compose-{uuid.uuid4().hex[:8]}", f"watchpost_compose_{uuid.uuid4().hex[:6]}"
    requests.put(f"{API}/vhosts/{vhost}", auth=("guest", "guest")).raise_for_status()
    secrets = tmp_path / "secrets"
    server = urllib.parse.urlsplit(TEST_DATABASE_URL).netloc.rsplit("@", 1)[-1] + f"/{db}"
    for command in (
        [str(BIN / "watchpost-keys"), "--dir", str(secrets)],
        [str(BIN / "watchpost-migrate"), "--make-logins", str(secrets), "--server", server],
        [sys.executable, "tools/broker_definitions.py", "--make-logins", str(secrets), "--server", "127.0.0.1:5672"],
    ):
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=plain_env())
    try:
        with users_from(json.loads((secrets / "definitions.json").read_text()), rabbit_manager, vhost) as names:
            for service in SERVICES:  # the URI files, pointed at this test's vhost and its users' names
                uri = secrets / f"{service}_amqp_uri"
                user = f"watchpost-{service}"
                assert uri.read_text().startswith(f"amqp://{user}:") and uri.read_text().endswith("/watchpost")
                uri.write_text(
                    uri.read_text().replace(f"//{user}:", f"//{names[user]}:", 1).removesuffix("/watchpost")
                    + f"/{vhost}"
                )
            yield secrets, db, vhost, names, {s: free_port() for s in SERVICES}
    finally:
        requests.delete(f"{API}/vhosts/{vhost}", auth=("guest", "guest"))
        drop_database(db)


def plain_env():
    """What a container starts with besides its compose environment: no WATCHPOST_ENV (the tests set it)."""
    return {"PATH": f"{BIN}:{os.environ['PATH']}", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}


def environment(name, secrets, ports):
    """The compose service's environment, its secrets at the files' paths here, the ports this test's."""
    spec = COMPOSE["services"][name]
    env = {}
    for variable, value in spec.get("environment", {}).items():
        value = str(value)
        if value.startswith("/run/secrets/"):
            secret = value.removeprefix("/run/secrets/")
            assert secret in spec["secrets"], f"{name} reads {secret} without mounting it"
            value = str(secrets / pathlib.Path(COMPOSE["secrets"][secret]["file"]).name)
        env[variable] = value
    if name in SERVICES:
        env |= {f"{name.upper()}_PORT": str(ports[name]), "WATCHPOST_DB_POOL": "4"}
    return {**plain_env(), **env}


def image_command(service):
    """The CMD of the service's Dockerfile, as the container runs it."""
    dockerfile = ROOT / COMPOSE["services"][service]["build"]["dockerfile"]
    return json.loads(re.search(r"^CMD (\[.*\])$", dockerfile.read_text(), re.M).group(1))


def test_the_suite_as_compose_runs_it_is_healthy_in_production_mode(place, tmp_path, rabbit_manager):
    secrets, db, vhost, names, ports = place
    for service in SERVICES:
        step = f"{service}-migrate"
        done = subprocess.run(
            COMPOSE["services"][step]["command"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=environment(step, secrets, ports),
            timeout=120,
        )
        assert done.returncode == 0, f"{step}: {done.stderr}"
    started = {}
    try:
        for service in SERVICES:
            log = open(tmp_path / f"{service}.log", "wb")
            started[service] = subprocess.Popen(
                image_command(service),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment(service, secrets, ports),
                start_new_session=True,
            )
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
        own = {names[f"watchpost-{s}"] for s in SERVICES}

        def broker_users():  # the management API lists connections late
            users = {c["user"] for c in rabbit_manager.get_connections() if c["vhost"] == vhost}
            return users if users >= own else None

        assert wait_for(broker_users, what="every service connected") == own, "each as its own user, no guest"
    finally:
        for proc in started.values():
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in started.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
