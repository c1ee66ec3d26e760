"""The benchmarks still run (figures meaningless at these sizes; no timing is asserted).

`benchmarks/run.py --scale 0.002 --reps 1` must pass without the optional `eventsourcing` baseline: it is hidden
here by a package of that name that fails to import, as on a machine where benchmarks/requirements.txt was never
installed."""

import os
import pathlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e
ROOT = pathlib.Path(__file__).resolve().parents[2]


def bench(script, *args, env=None, timeout=300):
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_event_log_benchmark_runs_without_eventsourcing(tmp_path):
    hidden = tmp_path / "eventsourcing"
    hidden.mkdir()
    (hidden / "__init__.py").write_text("raise ImportError('eventsourcing is hidden by the smoke test')\n")
    done = bench("run.py", "--scale", "0.002", "--reps", "1", env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "store_one_event_w16" in done.stdout
    assert "eventsourcing baseline not run" in done.stdout


def test_the_scale_benchmark_runs():
    done = bench("scale.py", "--max", "1e4", "--probe", "20")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "assessment rebuild of a district-year" in done.stdout


def test_the_load_benchmark_runs():
    done = bench("load.py", "--seconds", "1", "--burst-seconds", "1", "--communities", "2", "--connections", "4")
    assert done.returncode == 0, done.stdout + done.stderr
    for figure in ("nameko ceiling", "naive INSERT+COMMIT+publish", "watchpost command path", "sustained burst"):
        assert figure in done.stdout, done.stdout
