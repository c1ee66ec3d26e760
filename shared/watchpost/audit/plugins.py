"""What `watchpost-audit` knows of a service, declared by the service: a module of its own (`<service>/audit.py`)
named in its pyproject under the entry point group `watchpost.audit`:

    [project.entry-points."watchpost.audit"]
    intake = "intake.audit"

The module sets what applies to it (all optional):

- `PROJECTIONS`: the projections `replay` rebuilds (default: none, `--projections MODULE` names them);
- `FOLDS_SOURCES`: True when its projections fold the events it consumes (replay then folds those sources first);
- `COMPLETENESS`: a `Completeness`, for a service whose items must each reach a terminal state;
- `AGREEMENT`: an `Agreement`, how its own documents count another service's events (checked by `completeness`);
- `SCORECARDS`: a `Scorecards`, how to fold its logs into a scorecard as of a time (`as-of --scorecard`).

A new service plugs in with its own module and entry point, without touching `shared/`.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from types import SimpleNamespace

from watchpost.audit.source import AuditError

GROUP = "watchpost.audit"


@dataclass(frozen=True)
class Completeness:
    """Items (clues) received, then terminal or open. `received`: the type that opens an item (its payload's
    `received_on` dates it, else the time it occurred); `concluded`: terminal whatever its outcome; `screened`:
    terminal when its `outcome` is one of `terminal_screenings`; `reopened`: open again. `id_field`: the
    payload field naming the item; `noun`: what the report calls the items."""

    received: str
    screened: str
    concluded: str
    reopened: str
    terminal_screenings: tuple
    id_field: str
    noun: str

    @property
    def types(self):
        return (self.received, self.screened, self.concluded, self.reopened)


@dataclass(frozen=True)
class Agreement:
    """How the declaring service counts `source`'s events: `counted` rows of (indicator, metric, event type,
    subject label, payload values required); its `facts_projection` documents hold, per `community` and
    `period` (a month), the facts of each metric by subject `<label>:<item id>` with their source and type.
    The source's side is read in the months of `timezone`, up to the position the declaring service consumed;
    its payloads name the item in `id_field`."""

    source: str
    counted: tuple
    facts_projection: str
    timezone: object
    id_field: str


@dataclass(frozen=True)
class Scorecards:
    """A scorecard folded from logs: `sources` (names of the consumed services), `read_log(name, fetch, until)`
    (a source's events 1..until, chain-verified), `fold_logs(own, logs, through)` (a read view), `scorecard(view,
    ctx, community, period)` (the card, or the service's own refusal), `contributing(card, view, period)` (the
    event ids behind it), `knows_community(view, community)`."""

    sources: tuple
    read_log: Callable
    fold_logs: Callable
    scorecard: Callable
    contributing: Callable
    knows_community: Callable


@cache
def declared():
    """{service name: its declaration module}, from the installed entry points, in name order."""
    found = {}
    for point in sorted(entry_points(group=GROUP), key=lambda p: p.name):
        try:
            found[point.name] = point.load()
        except ImportError as exc:
            raise AuditError(f"cannot import {point.value} for service {point.name} ({exc})") from None
    return found


def services():
    return tuple(declared())


def of(service):
    """The declaration of `service`; an empty one for a service that declares nothing (a log is a log)."""
    return declared().get(service) or SimpleNamespace()


def providing(what):
    """(service, declaration) of the one service declaring `what` (e.g. "SCORECARDS")."""
    found = [(name, getattr(module, what)) for name, module in declared().items() if hasattr(module, what)]
    if not found:
        raise AuditError(f"no installed service declares {what} under the entry point group {GROUP}")
    return found[0]


def projections_of(service, module=None):
    """The service's declared projections, or those of `module` (its `ALL` or `PROJECTIONS`)."""
    if module is None:
        found = getattr(of(service), "PROJECTIONS", None)
        if not found:
            raise AuditError(f"{service} declares no PROJECTIONS under {GROUP}; pass --projections MODULE")
        return list(found)
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise AuditError(
            f"cannot import {module} ({exc}); install the service's package or pass --projections"
        ) from None
    found = getattr(mod, "ALL", None) or getattr(mod, "PROJECTIONS", None)
    if not found:
        raise AuditError(f"{module} has neither ALL nor PROJECTIONS")
    return list(found)


def targets(service=None, schema=None):
    """(service, schema) pairs to audit: one named service, or every installed one (entry point group
    `watchpost.audit`) under its own schema name."""
    if schema and not service:
        raise AuditError("--schema needs --service (which service's log lives in that schema)")
    return [(service, schema or service)] if service else [(s, s) for s in services()]
