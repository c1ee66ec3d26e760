"""Folding events into the projection documents they touch, in the transaction that records them."""

from watchpost.eventlog.postgres.rows import _dumps
from watchpost.eventlog.upcasting import upcast


def project(cur, projections, events):
    """Fold events into the projection documents they touch, reading and writing each document once."""
    sql = projection_writes(cur, projections, events)
    if sql:
        cur.execute(b";".join(sql))


def projection_writes(cur, projections, events, lead=()):
    """Read the documents `events` touch, fold the events in, and return the statements that store them.

    `lead`: statements that must run before the documents are read (the head check); sent with the read, or
    returned first in the list when no document is touched."""
    touched = [(p, key, e) for e in map(upcast, events) for p in projections for key in p.keys(e)]
    if not touched:
        return list(lead)
    pairs = tuple({(p.name, key) for p, key, _ in touched})
    cur.execute(
        b";".join(
            [
                *lead,
                cur.mogrify("SELECT projection, key, doc FROM projection_docs WHERE (projection, key) IN %s", (pairs,)),
            ]
        )
    )
    docs = {(name, key): doc for name, key, doc in cur}
    for p, key, event in touched:
        docs[(p.name, key)] = p.apply(docs.get((p.name, key)), event)
    upserts = [(name, key, _dumps(docs[(name, key)])) for name, key in pairs if docs.get((name, key)) is not None]
    deletes = tuple(pair for pair in pairs if docs.get(pair) is None)
    sql = []
    if upserts:
        sql.append(
            cur.mogrify(
                "INSERT INTO projection_docs (projection, key, doc) VALUES "
                + ",".join(["(%s, %s, %s::jsonb)"] * len(upserts))
                + " ON CONFLICT (projection, key) DO UPDATE SET doc = EXCLUDED.doc",
                [v for row in upserts for v in row],
            )
        )
    if deletes:
        sql.append(cur.mogrify("DELETE FROM projection_docs WHERE (projection, key) IN %s", (deletes,)))
    return sql
