"""The end-to-end tests run the suite the README's way (`make up`, `make down`, `make demo`), each on its own run
directory, RabbitMQ vhost, database and ports, so a suite already up on this machine is not disturbed."""

import os
import pathlib
import subprocess
import sys
import uuid
from dataclasses import dataclass

import pytest
import requests

from watchpost.testing import TEST_DATABASE_URL, drop_database, free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("intake", "liaison", "training", "assessment")
API = "http://127.0.0.1:15672/api"


@dataclass
class Suite:
    env: dict
    ports: dict
    run_dir: pathlib.Path

    def make(self, target, *variables, timeout=120):
        """`make <target>` in the repository, with this test run's virtualenv and the suite's own settings."""
        venv = pathlib.Path(sys.executable).parent.parent
        return subprocess.run(
            ["make", target, f"VENV={venv}", *variables],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def pid(self, service):
        return int((self.run_dir / f"{service}.pid").read_text())


@pytest.fixture
def isolated(tmp_path):
    """A Suite of its own (not started): run dir tmp_path, a fresh vhost and database, free ports. Afterwards
    `make down`, and the vhost and the database are dropped."""
    vhost, db = f"e2e-{uuid.uuid4().hex[:8]}", f"watchpost_e2e_{uuid.uuid4().hex[:6]}"
    requests.put(f"{API}/vhosts/{vhost}", auth=("guest", "guest")).raise_for_status()
    requests.put(
        f"{API}/permissions/{vhost}/guest",
        auth=("guest", "guest"),
        json={"configure": ".*", "write": ".*", "read": ".*"},
    ).raise_for_status()
    ports = {s: free_port() for s in SERVICES}
    unset = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "WATCHPOST_ENV")  # as a user types it; `make` sets the mode itself
    inherited = {k: v for k, v in os.environ.items() if k not in unset}
    env = {
        **inherited,
        "WATCHPOST_RUN_DIR": str(tmp_path),
        "WATCHPOST_AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
        "WATCHPOST_DATABASE_URL": TEST_DATABASE_URL.rsplit("/", 1)[0] + f"/{db}",
        "WATCHPOST_DB_POOL": "4",
        **{f"{s.upper()}_PORT": str(p) for s, p in ports.items()},
    }
    suite = Suite(env, ports, tmp_path)
    try:
        yield suite
    finally:
        suite.make("down")
        requests.delete(f"{API}/vhosts/{vhost}", auth=("guest", "guest"))
        drop_database(db)
