"""The event log's ports: what a service, a consumer and the relay may ask of a store. `MemoryEventStore` and
`PostgresEventStore` implement all four; a consumer's transaction (`apply(tx)` in `consume`) appends, reads its
streams and its documents (`ReadModels`) inside that transaction.

They are `typing.Protocol`s: any object with these methods fits (a test's fake, assessment's folded view), and the
stores inherit them explicitly to share `ReadModels.all_docs`, the one paging loop.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from watchpost.domain import Change, Event


class EventStore(Protocol):
    """Append and read a service's own log (one stream per aggregate, one command id per command)."""

    projections: list

    def append(
        self,
        stream_id: str,
        expected_version: int | None,
        changes: Iterable[Change],
        *,
        actor: dict,
        correlation_id: str,
        causation_id: str | None = None,
        command_id: str | None = None,
        occurred_at=None,
        claim: str | None = None,
    ) -> list[Event]: ...

    def recorded(self, command_id: str, claim: str | None = None) -> list[Event] | None:
        """The events logged under `command_id`, None if none; `IdempotencyKeyReused` if logged with another claim."""
        ...

    def load(self, stream_id: str) -> list[Event]: ...

    def read_after(self, position: int, limit: int = 1000) -> list[Event]: ...

    def replay(self, after: int = 0) -> Iterator[Event]: ...

    def head(self) -> tuple[int, str]: ...


class ReadModels(Protocol):
    """The projection documents: one by key, a page of them, how many match, or all of them."""

    def doc(self, projection: str, key: str) -> dict | None: ...

    def docs(self, projection: str, where: dict | None = None, limit: int = 100, offset: int = 0) -> list[dict]: ...

    def count(self, projection: str, where: dict | None = None) -> int: ...

    def all_docs(self, projection: str, where: dict | None = None, page: int = 1000) -> list[dict]:
        """Every document of `projection` containing `where`, in key order, fetched `page` at a time."""
        found = []
        while True:
            batch = self.docs(projection, where=where, limit=page, offset=len(found))
            found.extend(batch)
            if len(batch) < page:
                return found


class ConsumerLog(Protocol):
    """Apply another service's events exactly once and in order, with the position recorded in the same unit."""

    def consumed_position(self, source: str) -> int: ...

    def consume(
        self, source: str, position: int, apply: Callable[[Any], None], chain: tuple[str, str] | None = None
    ) -> bool:
        """`apply(tx)` with the position; `chain` (prev_hash, hash): prev_hash must be the last recorded hash."""
        ...

    def transaction(self, apply: Callable[[Any], None]) -> None:
        """`apply(tx)` in one unit with no position recorded (re-applying a refused event)."""
        ...


class RelayLog(Protocol):
    """What the relay needs: one relay per log (the lease), the events to publish, and how far it got."""

    listeners: list

    def relay_lease(self) -> Any: ...

    def lease_alive(self, lease: Any) -> bool: ...

    def relay_position(self, exchange: str) -> int: ...

    def save_relay_position(self, exchange: str, position: int) -> None: ...

    def read_after(self, position: int, limit: int = 1000) -> list[Event]: ...
