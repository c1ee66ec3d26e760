"""Submissions that answer with a receipt code, made safe to retry (the routes of POST /clues and /opinions).

A receipt code is shown once and only its hash is recorded. A retried submission (same Idempotency-Key) gets the
first attempt's events back from the log; for it to get the same receipt code too, the code is sealed in the vault
under a reference derived (HMAC with the master key) from the command id, the caller and a fingerprint of the
fields. A retry finds it there; a different submission that reuses someone's key is refused by the log
(`idempotency_key_reused`) before anything is sealed for good: the command is one unit of work (`one_unit`).
"""

import hashlib
import json
from dataclasses import dataclass, replace

from intake import receipts
from intake.commands import clues, opinions
from intake.commands._common import Receipted, one_unit


@dataclass
class ClueReceipt(Receipted):
    clue_id: str | None = None


@dataclass
class OpinionReceipt(Receipted):
    opinion_id: str | None = None


def receipt_code(vault, ctx, fields):
    """The code this command uses: the one sealed by its first attempt, or None without an Idempotency-Key."""
    if not ctx.command_id:
        return None
    fingerprint = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()
    record = vault.remember(
        "receipt",
        (ctx.command_id, ctx.actor.role, ctx.actor.id, fingerprint),
        lambda: {"receipt_code": receipts.normalise(receipts.new_code())},
    )
    return record["receipt_code"]


def shown(result):
    """The code as the reporter sees it: in groups of four, whether it was made now or by the first attempt."""
    if result.receipt_code:
        code = receipts.normalise(result.receipt_code)
        result = replace(result, receipt_code="-".join(code[i : i + 4] for i in range(0, len(code), 4)))
    return result


@one_unit
def receive_clue(store, ctx, *, vault, **fields):
    """Submit a clue from any channel; answers with the clue id and, for every report, a receipt code."""
    result = clues.receive_clue(store, ctx, vault=vault, receipt_code=receipt_code(vault, ctx, fields), **fields)
    return shown(ClueReceipt(result.events, result.id, result.receipt_code, clue_id=result.id))


@one_unit
def receive_opinion(store, ctx, *, vault, **fields):
    """Submit an opinion (意见建议) or a problem (实际问题); answers with its id and a receipt code."""
    result = opinions.receive_opinion(store, ctx, vault=vault, receipt_code=receipt_code(vault, ctx, fields), **fields)
    return shown(OpinionReceipt(result.events, result.id, result.receipt_code, opinion_id=result.id))
