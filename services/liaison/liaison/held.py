"""Flags held until their release (table `held_flags`, migrations/liaison_0001_held_flags.sql): never published.

Every function takes the unit of work it runs in: a PostgreSQL `Transaction` (its `cursor()`), or, in the unit
tests, the in-memory store itself (which keeps the rows in a dict of its own).
"""

import hashlib
import json
import uuid


def _rows(tx):
    return tx.__dict__.setdefault("_held_flags", {})


def key_of(command_id):
    """A retried command holds nothing twice; without a command id every hold is new."""
    return hashlib.sha256(command_id.encode()).hexdigest() if command_id else f"once-{uuid.uuid4()}"


def head(tx):
    """The log's last position in `tx`."""
    if not hasattr(tx, "cursor"):
        return tx.head()[0]
    with tx.cursor() as cur:
        cur.execute("SELECT position FROM log_head")
        return cur.fetchone()[0]


def hold(tx, hold_key, flag, held_at, held_position):
    if not hasattr(tx, "cursor"):
        _rows(tx).setdefault(
            hold_key, {"flag": flag, "held_at": held_at, "held_position": held_position, "released_on": None}
        )
        return
    with tx.cursor() as cur:
        cur.execute(
            "INSERT INTO held_flags (hold_key, flag, held_at, held_position) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (hold_key) DO NOTHING",
            (hold_key, json.dumps(flag), held_at, held_position),
        )


def due(tx, held_before, head_position):
    """[(hold_key, flag)] held before `held_before` and not yet released, except those held right at
    `head_position` (released now, they would sit next to the event that was recorded with them)."""
    if not hasattr(tx, "cursor"):
        return [
            (k, r["flag"])
            for k, r in sorted(_rows(tx).items())
            if r["released_on"] is None and r["held_at"] <= held_before and r["held_position"] < head_position
        ]
    with tx.cursor() as cur:
        cur.execute(
            "SELECT hold_key, flag FROM held_flags WHERE released_on IS NULL AND held_at <= %s "
            "AND held_position < %s ORDER BY hold_key FOR UPDATE SKIP LOCKED",
            (held_before, head_position),
        )
        return [(k, f if isinstance(f, dict) else json.loads(f)) for k, f in cur.fetchall()]


def released(tx, hold_key, day):
    """Forget the flag's content; keep the key, so a late retry of its command holds nothing again."""
    if not hasattr(tx, "cursor"):
        _rows(tx)[hold_key].update(flag=None, released_on=day)
        return
    with tx.cursor() as cur:
        cur.execute("UPDATE held_flags SET flag = NULL, released_on = %s WHERE hold_key = %s", (day, hold_key))
