"""The bundled SAMPLE directory (9 streets, 95 communities, 12 centres, 16 platforms, 178 informants, 1,070
supervisors) loads over HTTP in one request, within the client's 30 s timeout (about 10 s on a 2-core machine:
~2,760 commands, each its own transaction), and loading it again writes nothing."""

import time

import pytest

from liaison import sample

pytestmark = pytest.mark.integration


def test_the_sample_loads_over_http_and_again_writes_nothing(api):
    admin = api.as_("district_commission")
    started = time.monotonic()
    loaded = admin.post("/directory", sample.load())
    seconds = time.monotonic() - started
    assert loaded.status_code == 200, loaded.text
    events = loaded.json()["events"]
    assert events[-1]["type"] == "directory.loaded" and len(events) > 2700
    print(f"sample directory: {len(events)} events in {seconds:.1f} s")
    streets = admin.get("/directory").json()["streets"]
    assert len(streets) == 9 and sum(len(s["communities"]) for s in streets) == 95
    assert sum(len(s["centres"]) for s in streets) == 12 and sum(len(s["platforms"]) for s in streets) == 16
    for role, total in (("informant", 178), ("supervisor", 1070)):
        assert admin.get("/people", params={"role": role, "limit": "1"}).json()["total"] == total
    assert admin.post("/directory", sample.load()).json() == {"events": []}
