"""Judge a log: positions gap-free, every row's columns agree with its hashed data, every hash, every checkpoint
(signature and Merkle root), the head, and any checkpoints kept outside the database.

`Verifier` is fed rows in position order and stops at the first bad position; it serves the database and exports.
"""

import collections
from dataclasses import dataclass, field

from watchpost.audit import merkle
from watchpost.audit.checkpoint import STREAM, TYPE, check_signature
from watchpost.eventlog.model import GENESIS, chain_hash, hashed_fields

SNAPSHOTS = 4096  # recent tree sizes whose compact range is kept, for checkpoints signed just after them


class _Stop(Exception):
    pass


@dataclass
class Report:
    service: str
    events: int = 0
    checkpoints: list = field(default_factory=list)  # (where, size) of each checkpoint that held
    position: int | None = None  # the first bad position
    problem: str | None = None

    @property
    def ok(self):
        return self.problem is None

    def __str__(self):
        if not self.ok:
            return f"{self.service}: BROKEN at position {self.position}: {self.problem}"
        latest = max((size for _, size in self.checkpoints), default=None)
        return (
            f"{self.service}: intact: {self.events} events, positions gap-free, every hash holds, "
            f"{len(self.checkpoints)} checkpoint(s) verified" + (f" (largest covers 1..{latest})" if latest else "")
        )


class Verifier:
    def __init__(self, service, start=1, prev_hash=GENESIS, trusted_keys=None, development=False):
        """`trusted_keys`: the checkpoint public keys the auditor trusts (see checkpoint.check_signature);
        `development`: the development key is accepted too."""
        self.report = Report(service)
        self.expected, self.prev, self.trusted = start, prev_hash, trusted_keys
        self.development = development
        self.complete = start == 1  # roots are checkable only from position 1
        self.leaves, self.frontier = [], merkle.Frontier()
        self.snapshots = collections.OrderedDict()

    def fail(self, position, problem):
        self.report.position, self.report.problem = position, problem
        raise _Stop

    def run(self, rows, head=None, outside=()):
        """Feed every row, then check the head and the outside checkpoints [(name, checkpoint)]; the report."""
        try:
            for row in rows:
                self.feed(row)
            self.finish(head, outside)
        except _Stop:
            pass
        return self.report

    def feed(self, row):
        pos, expected = row.position, self.expected
        if pos != expected:
            self.fail(
                expected,
                f"position {expected} is missing: the next row is at {pos} (deleted or reordered)"
                if pos > expected
                else f"position {pos} appears again after {expected - 1}",
            )
        try:
            event = row.event()
        except Exception as exc:  # noqa: BLE001 - any undecodable row is a finding
            self.fail(pos, f"the row's data cannot be decoded ({type(exc).__name__}: {exc})")
        for name, value in row.columns.items():
            if getattr(event, name) != value:
                self.fail(
                    pos,
                    f"column {name} is {value!r} but the hashed data says {getattr(event, name)!r} "
                    "(row edited or moved)",
                )
        if event.prev_hash != self.prev:
            self.fail(pos, "prev_hash does not match the previous event's hash (a row inserted, removed or moved)")
        if chain_hash(self.prev, hashed_fields(event)) != event.hash:
            self.fail(pos, "hash does not match the event's content (edited)")
        self.prev, self.expected = event.hash, expected + 1
        self.report.events += 1
        self._grow(event.hash)
        if event.type == TYPE and event.stream_id == STREAM:
            self.check_checkpoint(event.payload, pos, f"checkpoint at position {pos}", inside=True)

    def _grow(self, event_hash):
        leaf = merkle.leaf_hash(event_hash)
        self.leaves.append(leaf)
        self.frontier.append(leaf)
        self.snapshots[self.frontier.size] = tuple(self.frontier.hashes)
        if len(self.snapshots) > SNAPSHOTS:
            self.snapshots.popitem(last=False)

    def root_at(self, size):
        if size in self.snapshots:
            return merkle.Frontier(size, self.snapshots[size]).root()
        return merkle.root(self.leaves[:size])

    def check_checkpoint(self, cp, position, where, inside=False):
        wrong = check_signature(cp, self.trusted, self.development)
        if wrong:
            self.fail(position, f"{where}: {wrong}")
        size, count = cp["size"], self.expected - 1
        if inside and size >= position:
            self.fail(position, f"{where} claims to cover 1..{size}, which includes itself")
        if size > count:
            self.fail(
                count + 1,
                f"{where} (signed {cp['signed_at']}) covers 1..{size} but the log ends at "
                f"{count}: events {count + 1}..{size} are gone (tail truncated)",
            )
        if self.complete:
            actual = self.root_at(size).hex()
            if actual != cp["root"]:
                first, last = self._first_changed(size, cp)
                self.fail(
                    first,
                    f"{where} (signed {cp['signed_at']}) does not match the log: the root over "
                    f"1..{size} is {actual}, the checkpoint signed {cp['root']}; the log was rewritten "
                    f"within positions {first}..{last}",
                )
        self.report.checkpoints.append((where, size))

    def _first_changed(self, size, cp):
        """The first range of positions whose subtree differs from the signed frontier: (first, last)."""
        try:
            theirs = [bytes.fromhex(h) for h in cp["frontier"]]
        except (KeyError, ValueError, TypeError):
            return 1, size
        mine, first = self.snapshots.get(size) or _compact(self.leaves[:size]), 1
        for width, a, b in zip(_widths(size), mine, theirs, strict=False):  # the shorter side ends the walk
            if a != b:
                return first, first + width - 1
            first += width
        return 1, size

    def finish(self, head=None, outside=()):
        count = self.expected - 1
        if head is not None and (head[0], head[1].strip()) != (count, self.prev):
            self.fail(
                min(head[0], count) + 1 if head[0] != count else count,
                f"log_head says position {head[0]} but the log ends at {count} (tail truncated or head edited)",
            )
        for name, cp in outside:
            self.check_checkpoint(cp, count, name)


def _compact(leaves):
    f = merkle.Frontier()
    for leaf in leaves:
        f.append(leaf)
    return f.hashes


def _widths(size):
    """The leaf counts of a compact range's subtrees, left to right."""
    return [1 << b for b in range(size.bit_length() - 1, -1, -1) if size >> b & 1]
