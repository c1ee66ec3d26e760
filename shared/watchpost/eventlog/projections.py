"""Read models as documents: a projection folds events into JSON documents, one per key.

A projector is pure (`apply(doc, event) -> doc`); the store keeps the documents, in memory or in PostgreSQL
(`projection_docs`), updated in the same transaction as the events, and can rebuild them from the log.
"""

from watchpost.eventlog.upcasting import upcast


class Projection:
    """Subclass: set `name`, implement `keys(event)` (the documents an event touches) and `apply(doc, event)`.

    `apply` gets the current document or None and returns the new one, or None to delete it. It must be a pure
    function of its arguments, so that a rebuild from the log equals the live documents.
    """

    name = ""

    def keys(self, event):
        raise NotImplementedError

    def apply(self, doc, event):
        raise NotImplementedError


def fold_into(docs, projections, event):
    """Apply one event (read at today's schema version) to in-memory documents `{name: {key: doc}}`."""
    event = upcast(event)
    for p in projections:
        table = docs[p.name]
        for key in p.keys(event):
            new = p.apply(table.get(key), event)
            if new is None:
                table.pop(key, None)
            else:
                table[key] = new


def fold(projections, events):
    """Rebuild every projection from scratch: {name: {key: doc}}."""
    docs = {p.name: {} for p in projections}
    for event in events:
        fold_into(docs, projections, event)
    return docs


def matches(doc, where):
    """JSON containment, as PostgreSQL's `@>` does it for the flat filters the reads use."""
    for k, v in (where or {}).items():
        if isinstance(v, dict):
            if not isinstance(doc.get(k), dict) or not matches(doc[k], v):
                return False
        elif isinstance(v, list):
            if not isinstance(doc.get(k), list) or not all(x in doc[k] for x in v):
                return False
        elif doc.get(k) != v:
            return False
    return True
