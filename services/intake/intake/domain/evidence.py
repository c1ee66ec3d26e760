"""Evidence attached to a clue (证据材料): who may add a file, when, and the event that records it.

A commission handling the clue (in its scope, checked by the handler) may attach files at any stage but to a stub
forwarded up. A reporter (citizen, informant, supervisor) may attach files only with the clue's receipt code and
only while the clue awaits screening: at submission time, before anyone has acted on it. At most
`MAX_PER_CLUE` files per clue. The event carries type, size and digest: never a file name.
"""

from watchpost.domain import Change
from watchpost.errors import Conflict, Forbidden, NotFound

REPORTERS = ("citizen", "informant", "supervisor")
MAX_PER_CLUE = 20


def check_attach(clue, role, receipt_hash=None):
    """Refuse an attachment this caller may not add to this clue now."""
    if clue.status == "new":
        raise NotFound(f"no clue {clue.clue_id}" if clue.clue_id else "no such clue")
    if role in REPORTERS:
        if not receipt_hash:
            raise Forbidden(
                "a reporter attaches files with the clue's receipt code (field receipt_code)", field="receipt_code"
            )
        if receipt_hash != clue.receipt_hash:
            raise Forbidden("this receipt code is not the one given for this clue", field="receipt_code")
        if clue.status != "received":
            raise Conflict(
                f"a reporter attaches files only until the clue is screened; it is now {clue.status}", state=clue.status
            )
    elif clue.status == "forwarded_up":
        raise Conflict("a clue forwarded up is kept as a stub without its content: no attachments", state=clue.status)
    if clue.attachments >= MAX_PER_CLUE:
        raise Conflict(f"a clue has at most {MAX_PER_CLUE} attachments", limit=MAX_PER_CLUE)


def attach(clue, role, *, attachment_id, content_type, size, sha256, receipt_hash=None):
    check_attach(clue, role, receipt_hash)
    return [
        Change(
            "clue.attachment_added",
            {
                **clue.where(),
                "attachment_id": attachment_id,
                "content_type": content_type,
                "size": size,
                "sha256": sha256,
            },
        )
    ]
