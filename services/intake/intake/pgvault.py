"""The reporter vault in PostgreSQL (tables of `migrations/intake_0001_vault.sql`): the same interface as
`MemoryVault`. Rows hold ciphertext and wrapped keys only; erasure deletes the wrapped key.

`cursor` is a context manager factory yielding a cursor in the service's schema that commits on exit: a small
pool of the vault's own (`pooled`), or a consumer's transaction (`within(tx)`), so what the consumer seals is
committed with the events it appends, or not at all.
"""

import base64
import binascii
import contextlib
import os

import psycopg2
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from watchpost.errors import NotFound, Unavailable
from watchpost.runtime.metrics import VAULT

from intake import settings
from intake.vault import ReporterVault, decrypt, encrypt, new_ref
from intake.vault_files import PostgresFiles

DB_DOWN = (psycopg2.OperationalError, psycopg2.InterfaceError)


def master_key(text=None, variable="WATCHPOST_MASTER_KEY"):
    """The 32-byte master key from `text` or WATCHPOST_MASTER_KEY (base64); the message never shows the key."""
    try:
        key = base64.b64decode(text or settings.from_mapping(os.environ).master_key, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{variable} is not valid base64") from None
    if len(key) != 32:
        raise ValueError(f"{variable} must decode to 32 bytes, not {len(key)}")
    return key


def next_master_key():
    """The key a rotation re-wraps under (WATCHPOST_MASTER_KEY_NEXT), or None when none is set."""
    text = settings.from_mapping(os.environ).next_master_key
    return master_key(text, "WATCHPOST_MASTER_KEY_NEXT") if text else None


def pooled(pool):
    """A cursor factory over a `watchpost.eventlog.pool.Pool`; a database outage becomes `Unavailable` (503)."""

    @contextlib.contextmanager
    def cursor():
        try:
            with pool.connection() as conn, conn.cursor() as cur:
                yield cur
                conn.commit()
        except DB_DOWN as exc:
            raise Unavailable(
                "the reporter vault is unreachable; nothing was sealed, try again", reason=type(exc).__name__
            ) from None

    return cursor


class PostgresVault(PostgresFiles, ReporterVault):
    def __init__(self, cursor, master=None, next_master=None):
        self._cursor = cursor
        self._master, self._next = master or master_key(), next_master

    @classmethod
    def within(cls, tx, master=None):
        """The vault inside a consumer's transaction (`tx` of `PostgresEventStore.consume`)."""
        return cls(tx.cursor, master)

    def seal(self, record, kind="reporter", ref=None):
        ref = ref or new_ref(kind)
        key, blob = encrypt(record, ref)
        with self._cursor() as cur:
            cur.execute(
                "INSERT INTO vault_records (ref, kind, blob) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING ref",
                (ref, kind, blob),
            )
            if cur.fetchone() is not None:
                cur.execute(
                    "INSERT INTO vault_keys (ref, wrapped_key) VALUES (%s, %s)", (ref, aes_key_wrap(self._master, key))
                )
        VAULT.labels("intake", "seal").inc()
        return ref

    def open(self, ref):
        with self._cursor() as cur:
            cur.execute(
                "SELECT k.wrapped_key, r.blob FROM vault_records r JOIN vault_keys k USING (ref) WHERE r.ref = %s",
                (ref,),
            )
            row = cur.fetchone()
        if row is None:
            raise NotFound("no readable record under this reference (unknown or erased)", ref=ref)
        record = decrypt(self.unwrap(bytes(row[0])), bytes(row[1]), ref)
        VAULT.labels("intake", "open").inc()
        return record

    def erase(self, ref):
        if ref:
            with self._cursor() as cur:
                cur.execute("DELETE FROM vault_keys WHERE ref = %s", (ref,))
            VAULT.labels("intake", "erase").inc()

    def is_erased(self, ref):
        with self._cursor() as cur:
            cur.execute(
                "SELECT k.ref IS NULL FROM vault_records r LEFT JOIN vault_keys k USING (ref) WHERE r.ref = %s", (ref,)
            )
            row = cur.fetchone()
        return bool(row and row[0])

    def ciphertext(self, ref):
        """The stored blob (for tests and backups): ciphertext only."""
        with self._cursor() as cur:
            cur.execute("SELECT blob FROM vault_records WHERE ref = %s", (ref,))
            row = cur.fetchone()
        if row is None:
            raise NotFound("no record under this reference", ref=ref)
        return bytes(row[0])

    def rotate_master(self, new_master):
        """Re-wrap every live record key and attachment key under a new master key, in one transaction (the
        tables are locked, so a seal or an erasure waits for it). Returns (records, files) re-wrapped."""
        with self._cursor() as cur:
            cur.execute("LOCK TABLE vault_keys, attachment_keys IN EXCLUSIVE MODE")
            cur.execute("SELECT ref, wrapped_key FROM vault_keys")
            rewrapped = [(ref, aes_key_wrap(new_master, self.unwrap(bytes(w)))) for ref, w in cur]
            cur.execute("DELETE FROM vault_keys")
            for ref, wrapped in rewrapped:
                cur.execute("INSERT INTO vault_keys (ref, wrapped_key) VALUES (%s, %s)", (ref, wrapped))
            files = self._rewrap_files(cur, new_master)
        self.switch_to(new_master)
        VAULT.labels("intake", "rotate").inc()
        return len(rewrapped), files
