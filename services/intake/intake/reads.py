"""intake's reads: plain dicts from the projections, scoped to the caller (access.check_scope, scope_filter).

A citizen reads only a receipt: status and feedback. No read returns a reporter's identity (that is the
`reveal_reporter` command, which records who asked and why). An attachment's file name, which may name someone,
comes only with its bytes, to the commissions handling the clue (`get_attachment`); lists show type, size, digest.
"""
import base64

from watchpost.errors import Invalid, NotFound

from intake import receipts
from intake.access import check_scope, scope_filter

MAX_PAGE = 200
HIDDEN = ("reporter_ref", "content_ref", "accused_key", "receipt_hash")


def _page(store, projection, where, limit, offset):
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    return {"items": store.docs(projection, where=where, limit=limit, offset=offset),
            "total": store.count(projection, where=where), "limit": limit, "offset": offset}


def _one(store, ctx, projection, key, what):
    doc = store.doc(projection, key)
    if doc is None:
        raise NotFound(f"no {what} {key}")
    check_scope(ctx.actor, doc["community"], doc["street"])
    return doc


def get_clue(store, ctx, *, clue_id):
    """The clue's state, open clocks and history summary."""
    return {k: v for k, v in _one(store, ctx, "clues", clue_id, "clue").items() if k not in HIDDEN}


def list_clues(store, ctx, *, community=None, street=None, status=None, overdue=None, limit=50, offset=0):
    where = scope_filter(ctx.actor, community, street)
    where.update({k: v for k, v in (("status", status), ("overdue", overdue)) if v is not None})
    page = _page(store, "clues", where, limit, offset)
    page["items"] = [{k: v for k, v in d.items() if k not in HIDDEN} for d in page["items"]]
    return page


def clue_history(store, ctx, *, clue_id):
    """Every event of the clue, in order, without the vault references."""
    _one(store, ctx, "clues", clue_id, "clue")
    return {"clue_id": clue_id, "events": [
        {"type": e.type, "stream_version": e.stream_version, "position": e.position,
         "occurred_at": e.occurred_at.isoformat(), "actor": e.actor,
         "payload": {k: v for k, v in e.payload.items() if k not in HIDDEN}}
        for e in store.load(f"clue-{clue_id}")]}


def list_attachments(store, ctx, *, clue_id):
    """The clue's attachments: id, type, size, sha256, when and by which role (no file names)."""
    doc = _one(store, ctx, "clues", clue_id, "clue")
    return {"clue_id": clue_id, "items": doc.get("attachments") or []}


def get_attachment(store, ctx, *, vault, clue_id, attachment_id):
    """One attachment's stripped bytes (base64) with its file name, type, size and sha256."""
    doc = _one(store, ctx, "clues", clue_id, "clue")
    if not any(a["attachment_id"] == attachment_id for a in doc.get("attachments") or []):
        raise NotFound(f"clue {clue_id} has no attachment {attachment_id}")
    record, body = vault.open_file(attachment_id, clue_id)
    return {"clue_id": clue_id, "attachment_id": attachment_id, **record,
            "data": base64.b64encode(body).decode("ascii")}


def lookup_receipt(store, ctx, *, receipt_code):
    """What the holder of a receipt code may see: kind, status in plain words, dates, feedback."""
    doc = store.doc("receipts", receipts.receipt_hash(receipt_code))
    if doc is None:
        raise NotFound("no report has this receipt code; check the code as printed on your receipt")
    return dict(doc)


def get_opinion(store, ctx, *, opinion_id):
    return _one(store, ctx, "opinions", opinion_id, "opinion or problem")


def list_opinions(store, ctx, *, kind=None, status=None, community=None, street=None, limit=50, offset=0):
    where = scope_filter(ctx.actor, community, street)
    where.update({k: v for k, v in (("kind", kind), ("status", status)) if v is not None})
    return _page(store, "opinions", where, limit, offset)


def get_inspection(store, ctx, *, inspection_id):
    return _one(store, ctx, "inspections", inspection_id, "inspection")


def list_inspections(store, ctx, *, community=None, street=None, limit=50, offset=0):
    return _page(store, "inspections", scope_filter(ctx.actor, community, street), limit, offset)


COUNTERS = ("inspections_held", "findings_recorded", "rectifications_verified", "opinions_collected",
            "opinions_resolved", "problems_collected", "problems_resolved", "clues_received", "clues_concluded")


def counts(store, ctx, *, street=None, community=None):
    """The seed's figures for the district, a street or a community (the caller's scope at most)."""
    where = scope_filter(ctx.actor, community, street)
    if "community" in where:
        where.setdefault("street", ctx.actor.street if ctx.actor.role == "community_secretary" else None)
        if not where["street"]:
            raise Invalid("counts for a community need its street too", field="street")
    key = (f"community:{where['street']}/{where['community']}" if "community" in where
           else f"street:{where['street']}" if "street" in where else "district")
    doc = store.doc("counts", key) or {}
    return {"scope": key, **{c: doc.get(c, 0) for c in COUNTERS}}
