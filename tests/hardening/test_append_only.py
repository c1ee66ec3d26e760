"""Append-only: the service's own database role cannot change or remove an event or a command record, and even
the schema's owner is stopped by the triggers (a superuser who disables them is caught by the hash chain and the
signed checkpoints: shared/tests/test_audit_tamper.py)."""

import psycopg2
import pytest

from watchpost.domain import Change
from watchpost.testing import TEST_DATABASE_URL

pytestmark = pytest.mark.integration
ACTOR = {"id": "dc-1", "role": "district_commission"}
CHANGES = [
    "UPDATE events SET data = '{}' WHERE position = 1",
    "DELETE FROM events WHERE position = 1",
    "TRUNCATE events",
    "UPDATE commands SET last_position = 9",
    "DELETE FROM commands",
    "TRUNCATE commands",
]


@pytest.mark.parametrize("statement", CHANGES)
def test_the_log_cannot_be_rewritten(pg_store, statement):
    store = pg_store()
    store.append(
        "thing-1", None, [Change("thing.happened", {"v": 1})], actor=ACTOR, correlation_id="c", command_id="cmd-1"
    )
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        with store._cursor() as cur:  # as the service's own role
            cur.execute(statement)
    owner = psycopg2.connect(TEST_DATABASE_URL)
    try:
        with pytest.raises(psycopg2.Error, match="append-only|not allowed|cannot"):
            with owner.cursor() as cur:
                cur.execute(f'SET search_path TO "{store.schema}"')
                cur.execute(statement)
    finally:
        owner.rollback()
        owner.close()
    assert store.verify() == 1 and store.recorded("cmd-1")
