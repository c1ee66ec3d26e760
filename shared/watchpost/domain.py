"""The vocabulary every service's domain speaks: who acts, what was decided, what was recorded.

No I/O and no nameko here: aggregates fold `Event`s into state and decide `Change`s.
"""

from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import NamedTuple

ROLES = (
    "citizen",
    "informant",
    "supervisor",
    "community_secretary",
    "street_commission",
    "district_commission",
    "auditor",
    "subscriber",
    "system",
)


@dataclass(frozen=True)
class Actor:
    """Who is acting, with their scope: a community secretary acts in `community`, a street commission in `street`."""

    id: str
    role: str
    street: str | None = None
    community: str | None = None

    def as_event_field(self):
        return {"id": self.id, "role": self.role}


SYSTEM = Actor(id="watchpost", role="system")


@dataclass(frozen=True)
class Change:
    """An event the domain decided on, not yet recorded."""

    type: str
    payload: dict
    schema_version: int = 1


class Event(NamedTuple):
    """An event as the log recorded it. Immutable; a tuple, so a replay builds a million of them quickly."""

    event_id: str
    type: str
    schema_version: int
    stream_id: str
    stream_version: int
    position: int
    occurred_at: datetime
    recorded_at: datetime
    actor: dict
    correlation_id: str
    causation_id: str | None
    payload: dict
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Context:
    """What every command carries besides its own fields."""

    actor: Actor
    now: datetime
    correlation_id: str
    causation_id: str | None = None
    command_id: str | None = None
    extra: dict = field(default_factory=dict)
    request: str | None = None  # digest of who asked for what (watchpost.handling.request_digest), HTTP and RPC


@dataclass
class Answer:
    """A command's recorded events plus what its caller is shown once (a new id, a receipt code): a subclass
    declares those as fields. It iterates, indexes and counts as its events; the HTTP and RPC boundary answers
    `{events: [...], **the other fields}`."""

    events: list

    def __iter__(self):
        return iter(self.events)

    def __len__(self):
        return len(self.events)

    def __getitem__(self, index):
        return self.events[index]

    def shown(self):
        """The fields besides the events, as the caller sees them."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "events"}


def utcnow():
    return datetime.now(timezone.utc)
