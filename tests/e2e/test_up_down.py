"""The README's way: `make up` brings the four services up healthy, `make down` leaves no process behind.

Runs against its own database and RabbitMQ vhost and its own ports, so a suite already up on this machine is
not disturbed.
"""
import json
import os
import pathlib
import subprocess
import sys
import urllib.request
import uuid

import pytest
import requests

from watchpost.testing import TEST_DATABASE_URL, drop_database, free_port

pytestmark = pytest.mark.e2e
ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("intake", "liaison", "training", "assessment")


@pytest.fixture
def vhost():
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    api = "http://127.0.0.1:15672/api"
    requests.put(f"{api}/vhosts/{name}", auth=("guest", "guest")).raise_for_status()
    requests.put(f"{api}/permissions/{name}/guest", auth=("guest", "guest"),
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    yield name
    requests.delete(f"{api}/vhosts/{name}", auth=("guest", "guest"))


def test_make_up_then_down(tmp_path, vhost):
    ports, db = {s: free_port() for s in SERVICES}, f"watchpost_e2e_{uuid.uuid4().hex[:6]}"
    inherited = {k: v for k, v in os.environ.items() if k != "WATCHPOST_ENV"}     # `make up` sets the mode itself
    env = {**inherited, "WATCHPOST_RUN_DIR": str(tmp_path), "WATCHPOST_AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
           "WATCHPOST_DATABASE_URL": TEST_DATABASE_URL.rsplit("/", 1)[0] + f"/{db}",
           **{f"{s.upper()}_PORT": str(p) for s, p in ports.items()}}
    venv = pathlib.Path(sys.executable).parent.parent
    pids = {}
    try:
        up = subprocess.run(["make", "up", f"VENV={venv}"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
        assert up.returncode == 0, up.stdout + up.stderr
        pids = {s: int((tmp_path / f"{s}.pid").read_text()) for s in SERVICES}
        for service, port in ports.items():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                assert answer.status == 200
                body = json.load(answer)
                assert body["checks"] == {"database": "ok", "broker": "ok"} and body["mode"] == "development"
    finally:
        down = subprocess.run(["make", "down", f"VENV={venv}"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        drop_database(db)
    assert down.returncode == 0, down.stdout + down.stderr
    for service, pid in pids.items():
        assert not pathlib.Path(f"/proc/{pid}").exists(), f"{service} (pid {pid}) is still running"
        group = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()
        assert not group, f"{service}'s process group still has {group}"
    assert not list(tmp_path.glob("*.pid"))
    for log in tmp_path.glob("*.log"):
        said = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]  # JSON lines
        assert any(e.get("mode") == "development" and "development keys are allowed" in e.get("event", "")
                   for e in said), f"{log.name} does not say it runs in development mode"
