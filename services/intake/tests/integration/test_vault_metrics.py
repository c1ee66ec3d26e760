"""Issue 17, what ops see: the reporter vault's operations are counted in intake's `/metrics`, by operation, counted
at the vault itself (so a vault joined to a consumer's transaction by `PostgresVault.within` counts too)."""

import psycopg2
import pytest
import requests
from intake_it_helpers import NAME, PHONE
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration


def vault_counts(base_url):
    """{operation: count} of `watchpost_vault_operations_total` in one scrape (the counters are the process's)."""
    answer = requests.get(f"{base_url}/metrics", timeout=10)
    assert answer.status_code == 200
    return {
        s.labels["operation"]: s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
        if s.name == "watchpost_vault_operations_total" and s.labels["service"] == "intake"
    }


def test_a_submission_seals_a_reveal_opens_an_erasure_erases_and_metrics_count_each(intake, intake_config):
    base = intake.client.base_url
    before = vault_counts(base)
    clue_id = intake.submit(reporter={"name": NAME, "phone": PHONE})["clue_id"]
    sealed = vault_counts(base)
    with psycopg2.connect(intake_config["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute(f'SELECT count(*) FROM "{intake_config["DB_SCHEMA"]}".vault_records')
        records = cur.fetchone()[0]
    assert records > 0 and sealed.get("seal", 0) - before.get("seal", 0) == records  # each record sealed, once
    assert sealed.get("open", 0) == before.get("open", 0)  # nothing opened by a submission

    district = intake.as_("district_commission", "dc-1")
    revealed = district.post(f"/clues/{clue_id}/reveal-reporter", {"reason": "核实举报人身份"})
    assert revealed.status_code == 200, revealed.text
    opened = vault_counts(base)
    assert opened.get("open", 0) - sealed.get("open", 0) >= 1
