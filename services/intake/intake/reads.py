"""intake's reads: plain dicts from the projections, scoped to the caller: clues to those who may know of them
(`knowing`: 知情范围 and 回避), opinions and inspections to the caller's area (access.in_scope, scope_filter). A
record outside the caller's reach answers exactly as a missing one.

A citizen reads only a receipt: status and feedback. No read returns a reporter's identity (that is the
`reveal_reporter` command, which records who asked and why). An attachment's file name, which may name someone,
comes only with its bytes, to the commissions handling the clue (`get_attachment`); lists show type, size, digest.
"""

import base64

from watchpost.errors import Invalid, NotFound, WatchpostError

from intake import knowing, receipts
from intake.access import in_scope, scope_filter

MAX_PAGE = 200
HIDDEN = ("reporter_ref", "content_ref", "accused_key", "receipt_hash", "submitted_by", "recused")


class Gone(WatchpostError):
    """An endpoint that moved: the answer says where to go."""

    status, code = 410, "gone"


def _page(store, projection, where, limit, offset):
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    return {
        "items": store.docs(projection, where=where, limit=limit, offset=offset),
        "total": store.count(projection, where=where),
        "limit": limit,
        "offset": offset,
    }


def _one(store, ctx, projection, key, what):
    doc = store.doc(projection, key)
    if doc is None or not in_scope(ctx.actor, doc["community"], doc["street"]):
        raise NotFound(f"no {what} {key}")
    return doc


def _clue(store, ctx, clue_id):
    doc = store.doc("clues", clue_id)
    knowing.check(ctx.actor, doc, clue_id)
    return doc


def get_clue(store, ctx, *, clue_id):
    """The clue's state, open clocks and history summary."""
    return {k: v for k, v in _clue(store, ctx, clue_id).items() if k not in HIDDEN}


def list_clues(store, ctx, *, community=None, street=None, status=None, overdue=None, limit=50, offset=0):
    """The clues the caller may know of (知情范围, less those they stepped aside from), narrowed by the filters."""
    limit, offset = max(1, min(int(limit), MAX_PAGE)), max(0, int(offset))
    circle = knowing.list_filter(ctx.actor, community, street)
    if circle is None:
        return {"items": [], "total": 0, "limit": limit, "offset": offset}
    asked = {k: v for k, v in (("status", status), ("overdue", overdue)) if v is not None}
    where, excluded = {**circle[0], **asked}, [{**f, **asked} for f in circle[1]]
    items = [d for d in store.docs("clues", where=where, limit=limit, offset=offset) if knowing.knows(ctx.actor, d)]
    total = store.count("clues", where=where) - sum(store.count("clues", where=f) for f in excluded)
    return {
        "items": [{k: v for k, v in d.items() if k not in HIDDEN} for d in items],
        "total": total,
        "limit": limit,
        "offset": offset,
    }


def clue_history(store, ctx, *, clue_id):
    """Every event of the clue, in order, without the vault references."""
    _clue(store, ctx, clue_id)
    return {
        "clue_id": clue_id,
        "events": [
            {
                "type": e.type,
                "stream_version": e.stream_version,
                "position": e.position,
                "occurred_at": e.occurred_at.isoformat(),
                "actor": e.actor,
                "payload": {k: v for k, v in e.payload.items() if k not in HIDDEN},
            }
            for e in store.load(f"clue-{clue_id}")
        ],
    }


def list_attachments(store, ctx, *, clue_id):
    """The clue's attachments: id, type, size, sha256, when and by which role (no file names)."""
    doc = _clue(store, ctx, clue_id)
    return {"clue_id": clue_id, "items": doc.get("attachments") or []}


def get_attachment(store, ctx, *, vault, clue_id, attachment_id):
    """One attachment's stripped bytes (base64) with its file name, type, size and sha256."""
    doc = _clue(store, ctx, clue_id)
    if not any(a["attachment_id"] == attachment_id for a in doc.get("attachments") or []):
        raise NotFound(f"clue {clue_id} has no attachment {attachment_id}")
    record, body = vault.open_file(attachment_id, clue_id)
    return {
        "clue_id": clue_id,
        "attachment_id": attachment_id,
        **record,
        "data": base64.b64encode(body).decode("ascii"),
    }


def receipt_moved(store, ctx, *, code):
    """The old `GET /receipts/<code>`: a path is logged by proxies, so the code now travels in a request body."""
    raise Gone(
        'a receipt is looked up with POST /receipts/lookup and the body {"receipt_code": "..."}; '
        "the code is never put in a URL",
        method="POST",
        path="/receipts/lookup",
    )


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


COUNTERS = (
    "inspections_held",
    "findings_recorded",
    "rectifications_verified",
    "opinions_collected",
    "opinions_resolved",
    "problems_collected",
    "problems_resolved",
    "clues_received",
    "clues_concluded",
)
CLUE_COUNTERS = ("clues_received", "clues_concluded")
KNOW_EVERY_CLUE = ("district_commission", "auditor")


def counts(store, ctx, *, street=None, community=None):
    """The seed's figures for the district, a street or a community (the caller's scope at most). Clue figures
    for a street or a community would narrow toward one clue (a new clue about the community's cadres): they are
    given there only to those who know every clue (知情范围), as null to others."""
    where = scope_filter(ctx.actor, community, street)
    if "community" in where:
        where.setdefault("street", ctx.actor.street if ctx.actor.role == "community_secretary" else None)
        if not where["street"]:
            raise Invalid("counts for a community need its street too", field="street")
    key = (
        f"community:{where['street']}/{where['community']}"
        if "community" in where
        else f"street:{where['street']}"
        if "street" in where
        else "district"
    )
    doc = store.doc("counts", key) or {}
    told = key == "district" or ctx.actor.role in KNOW_EVERY_CLUE
    return {"scope": key, **{c: doc.get(c, 0) if told or c not in CLUE_COUNTERS else None for c in COUNTERS}}
