"""Commands on pairings (包片联系): establish, end, record a contact."""

from watchpost.handling import execute

from liaison import access, settings
from liaison.commands._common import community_of, day_of, person_of, state_of, street_of
from liaison.domain import directory, pairing
from liaison.domain.scope import require


def establish_pairing(store, ctx, member_id, community, established_on=None):
    access.require("establish_pairing", ctx.actor)
    member, community_state = person_of(store, member_id), community_of(store, community)
    require(
        ctx.actor, street_of(community_state, member.get("street")), community, directory.unknown_community(community)
    )
    day, today = day_of(established_on, "established_on", ctx), settings.today_of(ctx)
    return execute(
        store,
        f"pairing-{pairing.pairing_id(member_id, community)}",
        pairing.fold_pairing,
        lambda s: pairing.establish(s, {"person_id": member_id, **member}, community_state, community, day, today),
        ctx,
    )


def _paired(store, ctx, command, pairing_id, decide):
    access.require(command, ctx.actor)
    stream = f"pairing-{pairing_id}"
    state = state_of(store, stream, pairing.fold_pairing)
    if state["status"] is not None:
        require(ctx.actor, state["street"], state["community"], pairing.unknown(pairing_id))
    return execute(store, stream, pairing.fold_pairing, decide, ctx)


def end_pairing(store, ctx, pairing_id, ended_on=None, reason=""):
    day, today = day_of(ended_on, "ended_on", ctx), settings.today_of(ctx)
    return _paired(store, ctx, "end_pairing", pairing_id, lambda s: pairing.end(s, pairing_id, day, reason, today))


def record_contact(store, ctx, pairing_id, kind, held_on, participants=(), notes=""):
    day, today = day_of(held_on, "held_on", ctx), settings.today_of(ctx)
    return _paired(
        store,
        ctx,
        "record_contact",
        pairing_id,
        lambda s: pairing.record_contact(s, pairing_id, kind, day, participants, notes, today),
    )
