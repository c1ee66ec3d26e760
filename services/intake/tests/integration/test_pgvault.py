"""The reporter vault in PostgreSQL, as the service's own role: seal, open, erase, rotate, remember under races."""

import os

import eventlet
import psycopg2
import pytest

from watchpost.errors import NotFound
from watchpost.eventlog.pool import Pool

from intake.pgvault import PostgresVault, master_key, pooled
from intake.service import MIGRATIONS


@pytest.fixture
def vault(pg_schema):
    url, schema = pg_schema(MIGRATIONS)
    pool = Pool(url, 4, [f'SET search_path TO "{schema}"', f'SET ROLE "watchpost_{schema}"'])
    yield PostgresVault(pooled(pool), os.urandom(32))
    pool.close()


@pytest.mark.integration
def test_seal_open_erase(vault):
    ref = vault.protect({"name": "王五", "phone": "13900000000"})
    assert vault.open(ref) == {"name": "王五", "phone": "13900000000"}
    assert "王五".encode() not in vault.ciphertext(ref) and not vault.is_erased(ref)
    vault.erase(ref)
    assert vault.is_erased(ref)
    with pytest.raises(NotFound) as caught:
        vault.open(ref)
    assert "王五" not in str(caught.value.body())
    assert vault.ciphertext(ref)  # the ciphertext may stay; it is unreadable for ever


@pytest.mark.integration
def test_the_service_role_cannot_rewrite_a_record(vault):
    ref = vault.seal({"details": "x"}, kind="content")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        with vault._cursor() as cur:
            cur.execute("UPDATE vault_records SET blob = '' WHERE ref = %s", (ref,))


@pytest.mark.integration
def test_rotating_the_master_key_keeps_live_records_readable(vault):
    live, gone = vault.seal({"a": 1}), vault.seal({"b": 2})
    vault.erase(gone)
    vault.rotate_master(os.urandom(32))
    assert vault.open(live) == {"a": 1} and vault.is_erased(gone)


@pytest.mark.integration
def test_remember_gives_every_racing_attempt_the_first_record(vault):
    made = iter(range(100))
    results = [eventlet.spawn(vault.remember, "receipt", ("cmd-1", "fp"), lambda: {"n": next(made)}) for _ in range(8)]
    seen = {r.wait()["n"] for r in results}
    assert len(seen) == 1
    assert vault.remember("receipt", ("cmd-2", "fp"), lambda: {"n": -1}) == {"n": -1}


def test_a_bad_master_key_is_refused_without_showing_it():
    with pytest.raises(ValueError, match="32 bytes") as caught:
        master_key("c2hvcnQ=")
    assert "c2hvcnQ" not in str(caught.value)


@pytest.mark.integration
def test_attachment_files_are_sealed_bound_to_their_clue_rotated_and_erased(vault):
    vault.keep_file("att-1", "clue-1", {"filename": "王五.jpg"}, b"\xff\xd8picture")
    assert b"picture" not in vault.file_ciphertext("att-1")
    with vault._cursor() as cur:
        cur.execute("SELECT record::text || body::text FROM attachment_files")
        assert "王五".encode().hex() not in cur.fetchone()[0]
    with pytest.raises(NotFound):
        vault.open_file("att-1", "clue-2")
    vault.rotate_master(os.urandom(32))
    assert vault.open_file("att-1", "clue-1") == ({"filename": "王五.jpg"}, b"\xff\xd8picture")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        with vault._cursor() as cur:
            cur.execute("UPDATE attachment_files SET body = '' WHERE attachment_id = 'att-1'")
    vault.erase_files("clue-1")
    with pytest.raises(NotFound):
        vault.open_file("att-1", "clue-1")
    vault.keep_file("att-2", "clue-1", {}, b"x")
    vault.drop_file("att-2")
    with pytest.raises(NotFound):
        vault.file_ciphertext("att-2")
