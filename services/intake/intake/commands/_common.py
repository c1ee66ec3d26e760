"""What intake's commands share: a clue's stream, the catalogue check, sealing a protected submitter, and the
answer a submission gets."""
from dataclasses import dataclass, replace

from watchpost.domain import Answer
from watchpost.errors import Invalid

from intake.reference import catalogue

PROTECTED_SUBMITTERS = ("citizen", "informant", "supervisor")


SEALED = "sealed:"         # a protected submitter is recorded as the actor `sealed:<vault reference>`


@dataclass
class Receipted(Answer):
    """The recorded events, plus what the submitter is shown once: the new id and the receipt code."""
    id: str | None = None
    receipt_code: str | None = None


def stream(clue_id):
    return f"clue-{clue_id}"


def check_classification(category, item):
    if not catalogue.is_item(category, item):
        raise Invalid(f"category {category!r} / item {item!r} is not in supervision catalogue v"
                      f"{catalogue.CURRENT_VERSION}; allowed categories: {', '.join(catalogue.categories())}",
                      field="item" if item else "category")


def sealed_submitter(ctx, vault):
    """Citizens, informants and supervisors are reporters: the event's actor names only a vault reference."""
    if ctx.actor.role not in PROTECTED_SUBMITTERS:
        return ctx, None
    ref = vault.seal({"actor_id": ctx.actor.id, "role": ctx.actor.role}, kind="submitter")
    return replace(ctx, actor=replace(ctx.actor, id=f"{SEALED}{ref}")), ref


def release_unused(vault, events, reporter_ref, submitter_ref, content_ref=None):
    """A repeated command returns the first submission's events: erase what this attempt sealed in vain."""
    first = events[0]
    kept = {first.payload.get("reporter_ref"), first.payload.get("content_ref"), first.actor["id"].removeprefix(SEALED)}
    for ref in (reporter_ref, submitter_ref, content_ref):
        if ref and ref not in kept:
            vault.erase(ref)
