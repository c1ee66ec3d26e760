"""The README's way: `make up` brings the four services up healthy, `make down` leaves no process behind, and
`make up` right after a service was killed starts that service again.

Runs against its own database and RabbitMQ vhost and its own ports (tests/e2e/conftest.py), so a suite already up
on this machine is not disturbed.
"""

import ctypes
import json
import os
import pathlib
import signal
import urllib.request

import pytest

from watchpost.testing import wait_for

pytestmark = pytest.mark.e2e
SERVICES = ("intake", "liaison", "training", "assessment")
PR_SET_CHILD_SUBREAPER = 36


def healthy(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
        body = json.load(answer)
        return (
            answer.status == 200
            and body["checks"] == {"database": "ok", "broker": "ok"}
            and body["mode"] == "development"
        )


def stat(pid):
    """/proc/<pid>/stat's fields after `pid (comm)`: [state, ppid, pgrp, ...], or None once the process is gone."""
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def state(pid):
    """The process state letter (Z for a zombie, which has ended but is not reaped yet), or None once it is gone."""
    fields = stat(pid)
    return fields[0] if fields else None


def running_in_group(pgid):
    """The pids of processes still running (not zombies) in process group `pgid`."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        fields = stat(entry.name) if entry.name.isdigit() else None
        if fields and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def test_make_up_then_down(isolated):
    pids = {}
    try:
        up = isolated.make("up")
        assert up.returncode == 0, up.stdout + up.stderr
        pids = {s: isolated.pid(s) for s in SERVICES}
        for service, port in isolated.ports.items():
            assert healthy(port), service
    finally:
        down = isolated.make("down")
    assert down.returncode == 0, down.stdout + down.stderr
    for service, pid in pids.items():
        assert state(pid) in (None, "Z"), f"{service} (pid {pid}) is still running"
        assert not running_in_group(pid), f"{service}'s process group still has {running_in_group(pid)}"
    assert not list(isolated.run_dir.glob("*.pid"))
    for log in isolated.run_dir.glob("*.log"):
        said = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]  # JSON lines
        assert any(
            e.get("mode") == "development" and "development keys are allowed" in e.get("event", "") for e in said
        ), f"{log.name} does not say it runs in development mode"


@pytest.fixture
def adopting():
    """This test process adopts the services `make up` leaves behind (a child subreaper) and reaps them only at the
    end: a service killed with SIGKILL stays a zombie as long as the test needs, as it does for a second or more on
    a machine whose init reaps slowly. Ask for it before `isolated`, so that it reaps after `make down`."""
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0, os.strerror(ctypes.get_errno())
    adopted = set()
    try:
        yield adopted
    finally:
        libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
        for pid in adopted:
            wait_for(lambda: state(pid) in (None, "Z"), what=f"pid {pid} to end")  # noqa: B023 - called at once
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def test_make_up_right_after_a_crash_starts_the_killed_service_again(adopting, isolated):
    up = isolated.make("up")
    assert up.returncode == 0, up.stdout + up.stderr
    before = {s: isolated.pid(s) for s in SERVICES}
    adopting.update(before.values())

    os.kill(before["liaison"], signal.SIGKILL)
    wait_for(lambda: state(before["liaison"]) == "Z", what="the killed liaison to be a zombie")
    again = isolated.make("up")
    adopting.update(isolated.pid(s) for s in SERVICES)

    assert again.returncode == 0, again.stdout + again.stderr
    assert "liaison: already running" not in again.stdout, again.stdout
    for service in ("intake", "training", "assessment"):
        assert f"{service}: already running (pid {before[service]})" in again.stdout, again.stdout
    after = {s: isolated.pid(s) for s in SERVICES}
    assert after["liaison"] != before["liaison"] and state(after["liaison"]) not in (None, "Z")
    for service, port in isolated.ports.items():
        assert healthy(port), service

    down = isolated.make("down")
    assert down.returncode == 0, down.stdout + down.stderr
    for service, pid in after.items():
        assert state(pid) in (None, "Z") and not running_in_group(pid), f"{service} (pid {pid}) still runs"
