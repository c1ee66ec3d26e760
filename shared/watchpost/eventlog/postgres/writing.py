"""Writing a batch of appends inside the caller's transaction: the prelude, the inserts, the head."""

from watchpost.eventlog.batch import plan
from watchpost.eventlog.model import iso
from watchpost.eventlog.postgres.folding import projection_writes
from watchpost.eventlog.postgres.rows import EVENT_COLUMNS, row_to_event

EVENT_INSERT = "position, event_id, type, stream_id, stream_version, recorded_at, data, prev_hash, hash"


def _literal(text):
    """A string literal. Only `'` is special: every pooled connection sets standard_conforming_strings, and no
    text here holds a NUL (JSON escapes it; `validate` refuses it in ids). psycopg2's own quoting of the same
    values was a third of the cost of a 100-event append."""
    return "'" + text.replace("'", "''") + "'"


def _values(e, body):
    """One row of the insert. The event id is a uuid the log made itself and the hashes are hex digests: neither
    can hold a quote."""
    return (
        f"({e.position:d},'{e.event_id}',{_literal(e.type)},{_literal(e.stream_id)},"
        f"{e.stream_version:d},'{iso(e.recorded_at)}',{_literal(body.decode())},'{e.prev_hash}','{e.hash}')"
    )


def write(cur, requests, projections, recorded_at, commit=False, head=None, sealed=None):
    """Append a batch inside the caller's transaction. Returns one result (events or exception) per request, the
    head the batch was chained to, and the head after it.

    Round trips, the long way: `append_prelude` (head lock, then stream versions and known command ids, each read
    after the lock is held: see migrations/0002); the projection documents touched, if any; then inserts, head,
    documents (and COMMIT, when `commit`) as one statement batch. Given the `head` the caller believes current (every
    request then names its expected version), the prelude is skipped: the events are sealed on that head and
    `append_expect` (migrations/0003) checks the guess first thing in the batch; a wrong guess raises SQLSTATE
    WP409 before anything is written. `sealed(new head)` is called before the last round trip.
    """
    if head is None:
        head, versions, known = _prelude(cur, requests)
        lead = []
    else:
        versions, known = {}, {}
        for r in requests:
            versions.setdefault(r.stream_id, r.expected_version)
        lead = [
            cur.mogrify(
                "SELECT append_expect(%s, %s, %s::text[], %s::int[], %s::text[])",
                (*head, list(versions), list(versions.values()), [r.command_id for r in requests if r.command_id]),
            )
        ]
    claims = {command_id: claim for command_id, (_, _, claim) in known.items()}
    outcomes, events, new_head, command_rows, bodies = plan(requests, *head, versions, claims, recorded_at)
    sql = projection_writes(cur, projections, events, lead)
    if events:
        sql.append(f"INSERT INTO events ({EVENT_INSERT}) VALUES {','.join(map(_values, events, bodies))}".encode())
        if command_rows:
            sql.append(
                cur.mogrify(
                    "INSERT INTO commands (command_id, first_position, last_position, claim) VALUES "
                    + ",".join(["%s"] * len(command_rows)),
                    command_rows,
                )
            )
        sql.append(cur.mogrify("UPDATE log_head SET position = %s, hash = %s", new_head))
    if commit:
        sql.append(b"COMMIT")
        cur.committed = True
    if sealed:
        sealed(new_head)
    if sql:
        cur.execute(b";".join(sql))
    new_commands = {c: (first, last) for c, first, last, _ in command_rows}
    by_position = {e.position: e for e in events}
    results = []
    for outcome in outcomes:
        if outcome.error:
            results.append(outcome.error)
        elif outcome.duplicate_of in new_commands:
            first, last = new_commands[outcome.duplicate_of]
            results.append([by_position[p] for p in range(first, last + 1)])
        elif outcome.duplicate_of:
            cur.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE position BETWEEN %s AND %s ORDER BY position",
                known[outcome.duplicate_of][:2],
            )
            results.append([row_to_event(r) for r in cur])
        else:
            results.append(outcome.events)
    return results, head, new_head


def _prelude(cur, requests):
    """The head (locked), the current version of every stream named, and the command ids already logged (with the
    positions they cover and their claim)."""
    cur.execute(
        "SELECT kind, key, a, b, c FROM append_prelude(%s::text[], %s::text[])",
        (list({r.stream_id for r in requests}), [r.command_id for r in requests if r.command_id]),
    )
    versions, known = {}, {}
    for kind, key, a, b, c in cur.fetchall():
        if kind == "h":
            head = (a, b)
        elif kind == "s":
            if a is not None:
                versions[key] = a
        else:
            known[key] = (a, int(b), c)
    return head, versions, known
