"""Other services' events that become intake's work: a major problem (重大问题) flagged in liaison's monthly
feedback is escalated at once as a clue (by event, not by a call).

`major_problem_flagged(tx, ctx, event)` runs inside the consumer's transaction, exactly once per liaison event
(ctx.command_id is `liaison:<event_id>`); the clue id is derived from the flag id, so the same flag can never
make two clues (a second event with the same flag id is ignored by rule). The flag names no one (liaison
publishes only an opaque flag id, the place, the release day and month and the flagger's role), so nothing about
the flagging informant or supervisor can reach the clue; the flag's trace is sealed in the clue's vault content.
A flag whose community liaison withholds (too few people there could have raised it) becomes a clue of the street:
its `community` is the street id, so the clue, too, publishes no narrower place; without a role its channel is
`feedback_escalation`.
"""

import uuid

from intake import settings
from intake.commands import clues
from intake.commands._common import stream
from intake.pgvault import PostgresVault, master_key
from intake.reference import catalogue

CHANNELS = ("informant", "supervisor")
UNCLASSIFIED = "C10"  # 群众诉求办理: where an unclassified major problem waits for the screener
ACCUSED_RANK = "community_cadre"


def classify(code):
    """(category, item) for a liaison category that is a catalogue category or item; otherwise UNCLASSIFIED."""
    if code and catalogue.is_item(code, None):
        return code, None
    item = catalogue.items().get(code or "")
    return (item["category"], code) if item else (UNCLASSIFIED, None)


def clue_id_for(vault, flag_id):
    return str(uuid.UUID(hex=vault.derive("liaison-flag", flag_id)[:32]))


def major_problem_flagged(tx, ctx, event, vault=None):
    """The flag's clue; nothing when a clue for this flag id exists already (liaison's contract admits a second
    event with the same flag id: it is the same flag, escalated once, and ignored by rule)."""
    p = event.payload
    vault = vault or PostgresVault.within(tx, master_key(settings.of(ctx).master_key))
    clue_id = clue_id_for(vault, p["flag_id"])
    if tx.load(stream(clue_id)):
        return []
    category, item = classify(p.get("category"))
    community = p["community"] or p["street"]
    details = (
        f"重大问题 released by liaison on {p['released_on']}, raised by a {p['role'] or 'watcher'} of "
        f"{'community ' + p['community'] if p['community'] else 'street ' + p['street']} "
        f"(liaison flag {p['flag_id']}).\n{p['summary']}"
    )
    return clues.receive_clue(
        tx,
        ctx,
        vault=vault,
        clue_id=clue_id,
        channel=p["role"] if p["role"] in CHANNELS else "feedback_escalation",
        summary=p["summary"][:200],
        details=details,
        community=community,
        street=p["street"],
        category=category,
        item=item,
        # who is accused is for the screener to establish; a name of its own keeps it from matching as a repeat
        accused={"name": f"待查明 {clue_id}", "post": "待查明 (to be established)", "rank": ACCUSED_RANK},
    )


# source service -> event type -> fn(tx, ctx, event), as `expose(consumes=...)` takes it
CONSUMERS = {"liaison": {"feedback.major_problem_flagged": major_problem_flagged}}
