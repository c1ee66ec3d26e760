import json, time
from pathlib import Path
import pytest
from liaison.service import LiaisonService

def test_probe(container_factory, service_config, client_for):
    c = container_factory(LiaisonService, service_config())
    c.start()
    client = client_for(c).as_("district_commission")
    data = json.loads((Path(__import__("liaison").__file__).parent / "sample" / "directory.json").read_text())
    t = time.monotonic()
    r = client.post("/directory", data)
    print("STATUS", r.status_code, time.monotonic() - t, r.text[:500])
