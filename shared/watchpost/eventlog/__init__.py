"""The event log: append-only, hash-chained, gap-free, group-committed (see docs/decisions)."""

from watchpost.eventlog.model import GENESIS, canonical, chain_hash, event_from_json, event_to_json, verify_chain
from watchpost.eventlog.projections import Projection

__all__ = ["GENESIS", "canonical", "chain_hash", "event_to_json", "event_from_json", "verify_chain", "Projection"]
