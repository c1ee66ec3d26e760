"""`make demo` at a tiny scale: `make up` on its own run dir, database, vhost and ports (tests/e2e/conftest.py),
then `make demo SCALE=0.02` simulates two communities for the current quarter and prints the ranking, a scorecard
and the verification of the four logs; the printed ranking is assessment's. No timing is asserted."""

import pathlib
import re
import subprocess
import sys

import pytest
import requests

from watchpost import auth

pytestmark = pytest.mark.e2e
ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("intake", "liaison", "training", "assessment")


@pytest.fixture
def suite(isolated):
    up = isolated.make("up")
    assert up.returncode == 0, up.stdout + up.stderr
    return isolated


def test_make_demo_on_a_tiny_quarter_prints_the_ranking_and_the_verification(suite):
    run = suite.make("demo", "SCALE=0.02", timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    out = run.stdout
    assert "0 refused" in out, out
    ranking_line = re.search(r"^Ranking (\S+) \(open, rulebook \S+\): 2 communities$", out, re.M)
    assert ranking_line, out
    period = ranking_line[1]
    assert len(re.findall(r"^ +[12]\. C\d{3} ", out, re.M)) == 2, out  # one row per community
    assert re.search(rf"^Scorecard C\d{{3}} {period}: total ", out, re.M), out
    assert re.search(r"^Why \w+ = ", out, re.M), out
    verification = out.partition("\nAudit: watchpost-audit verify\n")[2]
    for service in SERVICES:
        assert re.search(
            rf"^  {service}: intact: \d+ events, positions gap-free, every hash holds", verification, re.M
        ), out

    token = auth.issue("district_commission", "e2e")
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{suite.ports['assessment']}"
    ranking = requests.get(f"{base}/rankings/{period}", headers=headers, timeout=30).json()
    assert len(ranking["rows"]) == 2, ranking
    top = ranking["rows"][0]["community"]
    assert re.search(rf"^ +1\. {top} ", out, re.M), "the printed ranking is assessment's"
    card = requests.get(f"{base}/scorecards/{top}/{period}", headers=headers, timeout=30)
    assert card.status_code == 200, card.text
    assert len(card.json()["indicators"]) == 7
    assert any(block["contributions"] for block in card.json()["indicators"].values())

    development = {**suite.env, "WATCHPOST_ENV": "development"}  # as `make demo` sets it
    again = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "simulate.py"), "--scale", "0.02", "--no-audit"],
        cwd=ROOT,
        env=development,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout[-4000:] + again.stderr[-4000:]
    assert "directory wenjiang-sample-2of95-seed11: 0 events written" in again.stdout, again.stdout
