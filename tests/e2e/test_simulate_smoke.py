"""`make demo`'s simulator at a tiny scale: the suite up on its own database, vhost and ports (tools/suite.py, as
`make up` does), two communities simulated for the current quarter, then scorecards exist and the audit verifies.
No timing is asserted."""
import os
import pathlib
import subprocess
import sys
import uuid

import pytest
import requests

from watchpost import auth
from watchpost.testing import TEST_DATABASE_URL, drop_database, free_port

pytestmark = pytest.mark.e2e
ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("intake", "liaison", "training", "assessment")
API = "http://127.0.0.1:15672/api"


@pytest.fixture
def suite(tmp_path):
    vhost, db = f"e2e-sim-{uuid.uuid4().hex[:8]}", f"watchpost_e2e_sim_{uuid.uuid4().hex[:6]}"
    requests.put(f"{API}/vhosts/{vhost}", auth=("guest", "guest")).raise_for_status()
    requests.put(f"{API}/permissions/{vhost}/guest", auth=("guest", "guest"),
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    ports = {s: free_port() for s in SERVICES}
    env = {**os.environ, "WATCHPOST_RUN_DIR": str(tmp_path),
           "WATCHPOST_AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
           "WATCHPOST_DATABASE_URL": TEST_DATABASE_URL.rsplit("/", 1)[0] + f"/{db}", "WATCHPOST_DB_POOL": "4",
           **{f"{s.upper()}_PORT": str(p) for s, p in ports.items()}}
    suite_py = [sys.executable, str(ROOT / "tools" / "suite.py")]
    try:
        up = subprocess.run([*suite_py, "up"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert up.returncode == 0, up.stdout + up.stderr
        yield env, ports
    finally:
        subprocess.run([*suite_py, "down"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        requests.delete(f"{API}/vhosts/{vhost}", auth=("guest", "guest"))
        drop_database(db)


def test_a_tiny_quarter_gives_scorecards_and_verified_logs(suite):
    env, ports = suite
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "simulate.py"), "--scale", "0.02", "--workers", "4"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    out = run.stdout
    assert "0 refused" in out, out
    period = out.split("Ranking ", 1)[1].split(" ", 1)[0]

    token = auth.issue("district_commission", "e2e")
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{ports['assessment']}"
    ranking = requests.get(f"{base}/rankings/{period}", headers=headers, timeout=30).json()
    assert ranking["rows"], ranking
    top = ranking["rows"][0]["community"]
    card = requests.get(f"{base}/scorecards/{top}/{period}", headers=headers, timeout=30)
    assert card.status_code == 200, card.text
    assert len(card.json()["indicators"]) == 7
    assert any(block["contributions"] for block in card.json()["indicators"].values())

    audit = subprocess.run([str(pathlib.Path(sys.executable).parent / "watchpost-audit"), "verify"], env=env,
                           capture_output=True, text=True, timeout=300)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert audit.stdout.count("intact") == 4, audit.stdout

    again = subprocess.run([sys.executable, str(ROOT / "tools" / "simulate.py"), "--scale", "0.02", "--no-audit"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-4000:] + again.stderr[-4000:]
    assert "directory wenjiang-sample-2of95-seed11: 0 events written" in again.stdout, again.stdout
