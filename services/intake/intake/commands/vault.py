"""Commands on the reporter vault itself: erasing a closed clue's identity and content (crypto-shredding), and
rotating the master key. Both are the district commission's, with a reason, and recorded as events that name no
reporter (`clue.erased`, `vault.master_key_rotated`).
"""

from watchpost.domain import Change
from watchpost.errors import Conflict, Invalid, NotFound
from watchpost.handling import execute

from intake.access import check_scope
from intake.commands._common import SEALED, one_unit, stream
from intake.domain import clue as clues
from intake.domain import retention
from intake.domain.clocks import local_date
from intake.vault import key_id

VAULT_STREAM = "vault-master-key"


def _sealed_refs(events):
    """Every vault reference the clue's events point at: reporter, content, and each sealed submitter."""
    refs = set()
    for event in events:
        refs.update(event.payload.get(k) for k in ("reporter_ref", "content_ref"))
        actor_id = (event.actor or {}).get("id") or ""
        if actor_id.startswith(SEALED):
            refs.add(actor_id.removeprefix(SEALED))
    return refs - {None}


@one_unit
def erase_clue(store, ctx, *, vault, clue_id, basis, reason):
    """Crypto-shred a closed clue's reporter identity, sealed submitters, sealed content and attachments.

    One unit of work: the wrapped keys are deleted in the transaction that records `clue.erased`, so both happen
    or neither does; a repeat (the event is there already) shreds again and records nothing."""

    def decide(clue):
        if clue.status == "new":
            raise NotFound(f"no clue {clue_id}")
        check_scope(ctx.actor, clue.community, clue.street)
        if clue.erased:
            return []
        return retention.erase(clue, local_date(ctx.now), basis=basis, reason=reason)

    recorded = execute(store, stream(clue_id), clues.fold, decide, ctx)
    for ref in _sealed_refs(store.load(stream(clue_id))):
        vault.erase(ref)
    vault.erase_files(clue_id)
    return recorded


def rotate_master_key(store, ctx, *, vault, reason):
    """Re-wrap every live key under WATCHPOST_MASTER_KEY_NEXT; afterwards the old master key opens nothing.
    The operator then sets WATCHPOST_MASTER_KEY to the new key on every process (docs/operations.md)."""
    if not str(reason or "").strip():
        raise Invalid("rotating the master key needs a reason, which is recorded", field="reason")
    new = vault.next_master()
    if new is None:
        raise Conflict(
            "no next master key is configured: set WATCHPOST_MASTER_KEY_NEXT (a base64 32-byte key "
            "other than the current one) on the service, then ask again",
            setting="WATCHPOST_MASTER_KEY_NEXT",
        )

    def decide(_history):
        records, files = vault.rotate_master(new)
        return [
            Change(
                "vault.master_key_rotated",
                {
                    "reason": reason,
                    "rotated_on": local_date(ctx.now).isoformat(),
                    "key_id": key_id(new),
                    "records": records,
                    "files": files,
                },
            )
        ]

    return execute(store, VAULT_STREAM, list, decide, ctx)
