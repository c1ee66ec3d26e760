"""Bring the four services up as background processes on this machine, or take them down.

`make up` runs `suite.py up`: first `watchpost-migrate <service>` for each service (the migrate step of a
deployment: schemas, migrations, the services' login roles), then starts `nameko run` for each service (logs and pid
files in WATCHPOST_RUN_DIR, default .run/), waits until every /health answers 200, prints the URLs. `make down`
runs `suite.py down`: SIGTERM to each process group, SIGKILL after 15 s, and checks nothing is left.
"""

import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
SERVICES = {"intake": 8001, "liaison": 8002, "training": 8003, "assessment": 8004}
RUN_DIR = pathlib.Path(os.environ.get("WATCHPOST_RUN_DIR", ROOT / ".run"))
NAMEKO = pathlib.Path(sys.executable).parent / "nameko"
MIGRATE = pathlib.Path(sys.executable).parent / "watchpost-migrate"


def port(service):
    return int(os.environ.get(f"{service.upper()}_PORT", SERVICES[service]))


def health(service):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port(service)}/health", timeout=2) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)
    except (OSError, ValueError):
        return None, None


def pid_of(service):
    """The pid of the service's running process, or None. A SIGKILLed process stays a zombie for a second or
    more and `kill(pid, 0)` still succeeds on it: the state in /proc/<pid>/stat tells a dead one (Z, X) apart."""
    try:
        pid = int((RUN_DIR / f"{service}.pid").read_text())
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    state = stat.rsplit(")", 1)[1].split()[0]  # after "pid (comm)"; comm may hold spaces and parentheses
    return None if state in ("Z", "X", "x") else pid


def migrate():
    """The migrate step, one service after another; a failure stops `make up` with its message."""
    for service in SERVICES:
        done = subprocess.run([str(MIGRATE), service], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(done.stderr.strip() or f"watchpost-migrate {service} failed")


def up(timeout=60):
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    migrate()
    for service in SERVICES:
        if pid_of(service):
            print(f"{service}: already running (pid {pid_of(service)})")
            continue
        log = open(RUN_DIR / f"{service}.log", "ab")
        proc = subprocess.Popen(
            [str(NAMEKO), "run", "--config", str(ROOT / "services" / service / "config.yml"), f"{service}.service"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        (RUN_DIR / f"{service}.pid").write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    waiting = set(SERVICES)
    while waiting and time.monotonic() < deadline:
        for service in sorted(waiting):
            if pid_of(service) is None:
                sys.exit(f"{service} exited while starting; see {RUN_DIR / (service + '.log')}")
            status, _ = health(service)
            if status == 200:
                waiting.discard(service)
        time.sleep(0.5)
    if waiting:
        for service in sorted(waiting):
            print(f"{service}: not healthy after {timeout} s: {health(service)[1]}; log {RUN_DIR / (service + '.log')}")
        sys.exit(1)
    print("Watchpost is up:")
    for service in SERVICES:
        print(
            f"  {service:<11} http://127.0.0.1:{port(service)}  (health, openapi.json)  "
            f"log {RUN_DIR / (service + '.log')}"
        )
    print("Stop it with: make down")


def down(grace=15):
    for service in SERVICES:
        pid = pid_of(service)
        if pid is None:
            continue
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + grace
        while pid_of(service) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.2)
        if pid_of(service):
            print(f"{service}: did not stop in {grace} s; killing")
            os.killpg(pid, signal.SIGKILL)
            _reap(pid)
        print(f"{service}: stopped")
    for pidfile in RUN_DIR.glob("*.pid"):
        pidfile.unlink()


def _reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


if __name__ == "__main__":
    {"up": up, "down": down}[sys.argv[1] if len(sys.argv) > 1 else "up"]()
