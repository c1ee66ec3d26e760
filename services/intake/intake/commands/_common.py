"""What intake's commands share: a clue's stream, the catalogue check, sealing a protected submitter, the answer a
submission gets, and one unit of work per command that touches the vault."""

import functools
from dataclasses import dataclass, replace

from watchpost.domain import Answer
from watchpost.errors import Invalid

from intake.pgvault import PostgresVault
from intake.reference import catalogue

PROTECTED_SUBMITTERS = ("citizen", "informant", "supervisor")
REPORTER = "reporter"  # the role a protected submitter is recorded with


SEALED = "sealed:"  # a protected submitter is recorded as the actor `sealed:<vault reference>`


@dataclass
class Receipted(Answer):
    """The recorded events, plus what the submitter is shown once: the new id and the receipt code."""

    id: str | None = None
    receipt_code: str | None = None


def one_unit(command):
    """`command(store, ctx, *, vault, ...)` as one unit of work: what it seals, erases or files in the vault commits
    with the events it appends, or not at all (a refusal or a failure rolls all of it back). On PostgreSQL it runs
    inside one transaction of the event log with the vault joined to it, as a consumer does (`consumers.py`); inside
    a consumer's transaction it is already there; in memory (unit tests) it runs as it is."""

    @functools.wraps(command)
    def unit(store, ctx, *, vault=None, **fields):
        if not isinstance(vault, PostgresVault) or not hasattr(store, "transaction"):
            return command(store, ctx, vault=vault, **fields)
        done = []
        store.transaction(
            lambda tx: done.append(command(tx, ctx, vault=PostgresVault.within(tx, vault._master), **fields))
        )
        return done[0]

    return unit


def stream(clue_id):
    return f"clue-{clue_id}"


def check_classification(category, item):
    if not catalogue.is_item(category, item):
        raise Invalid(
            f"category {category!r} / item {item!r} is not in supervision catalogue v"
            f"{catalogue.CURRENT_VERSION}; allowed categories: {', '.join(catalogue.categories())}",
            field="item" if item else "category",
        )


def sealed_submitter(ctx, vault):
    """Citizens, informants and supervisors are reporters: the event's actor names only a vault reference, and
    the role `reporter` (their own role, beside the community, would name a community's only informant)."""
    if ctx.actor.role not in PROTECTED_SUBMITTERS:
        return ctx, None
    ref = vault.seal({"actor_id": ctx.actor.id, "role": ctx.actor.role}, kind="submitter")
    return replace(ctx, actor=replace(ctx.actor, id=f"{SEALED}{ref}", role=REPORTER)), ref


def release_unused(vault, events, reporter_ref, submitter_ref, content_ref=None):
    """A repeated command returns the first submission's events: erase what this attempt sealed in vain."""
    first = events[0]
    kept = {first.payload.get("reporter_ref"), first.payload.get("content_ref"), first.actor["id"].removeprefix(SEALED)}
    for ref in (reporter_ref, submitter_ref, content_ref):
        if ref and ref not in kept:
            vault.erase(ref)
