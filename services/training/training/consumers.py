"""What training does with other services' events: liaison's appointments and dismissals drive onboarding.

Mappings onto the commands: `on_*(store, ctx, payload) -> [Event]`, with `ctx` the consumer's (actor `system`,
causation = the foreign event); `CONSUMERS` wraps them in the runtime's signature `fn(tx, ctx, event)`.
Idempotent in the domain as well as by position: an appointment delivered twice (replay, redelivery) enrols once;
a dismissal of someone never enrolled, or already withdrawn, changes nothing. Liaison's contract admits any text
as a person id; one training cannot keep a record under (empty, over 150 characters, or with the NUL character) names
no one it could enrol, and the event is ignored by rule.
"""

from training import commands, settings
from training.domain.rules import CADRE_ROLES


def _named(payload):
    """Whether the payload's person id is one training can keep a record under (see the module's rule)."""
    person = payload.get("person_id")
    return isinstance(person, str) and 0 < len(person) <= 150 and "\x00" not in person


def on_person_appointed(store, ctx, payload, programme=None):
    """liaison `person.appointed {person_id, role, street, community|null, appointed_on, ...}` -> enrolment.

    The person's name is not copied: training needs the id, role and area only. A role training has no programme
    for (not a cadre role) is ignored rather than refused, so one odd event cannot block the queue.
    """
    if payload.get("role") not in CADRE_ROLES or not _named(payload):
        return []
    return commands.enrol_cadre(
        store,
        ctx,
        person_id=payload["person_id"],
        role=payload["role"],
        street=payload["street"],
        community=payload.get("community"),
        appointed_on=payload["appointed_on"],
        programme=programme,
    )


def on_person_dismissed(store, ctx, payload):
    """liaison `person.dismissed {person_id, street, community, dismissed_on}` -> withdrawal from the roster."""
    if not _named(payload):
        return []
    return commands.withdraw_cadre(store, ctx, person_id=payload["person_id"], dismissed_on=payload["dismissed_on"])


def person_appointed(tx, ctx, event, programme=None):
    """The runtime's entry: the deployment's programme (TRAINING_PROGRAMME) unless one is given."""
    table = settings.of(ctx).programme if programme is None else programme
    return on_person_appointed(tx, ctx, event.payload, programme=table)


def person_dismissed(tx, ctx, event):
    return on_person_dismissed(tx, ctx, event.payload)


# source service -> event type -> fn(tx, ctx, event), as `expose(consumes=...)` takes it
CONSUMERS = {"liaison": {"person.appointed": person_appointed, "person.dismissed": person_dismissed}}
