"""Upcasters: how today's code reads an event stored at an older `schema_version`.

An upcaster is `fn(payload) -> payload` registered under `(type, from_version)`; it turns a version-n payload into
a version-n+1 one. `upcast(event)` applies them in order, n, n+1, ..., until the event is at the type's current
version (its contract's `EVENTS[type][0]`). A contract module declares its own beside its EVENTS:

    UPCASTERS = {("clue.received", 1): lambda p: {**p, "catalogue_version": 1}}

Upcasting happens on read only, in memory, where events are folded (aggregates, projections, consumers). The log
is never rewritten and the stored event keeps its hash: an upcast event's payload no longer matches its `hash`, so
never verify, publish or export one; the relay and catch-up send the stored version, as it was signed.
"""

import importlib


class MissingUpcaster(LookupError):
    """A stored event cannot be brought to the version today's code reads."""


class Upcasters:
    """`{(type, from_version): fn}` plus the current version of each type (`current`: {type: version})."""

    def __init__(self, upcasters=None, current=None):
        self.fns = dict(upcasters or {})
        self._current = current

    @property
    def current(self):
        if self._current is None:
            self._current = current_versions()
        return self._current

    def register(self, type, from_version):
        """Decorator: `@upcasters.register("clue.received", 1)` on a `fn(payload) -> payload`."""

        def add(fn):
            if (type, from_version) in self.fns:
                raise ValueError(f"an upcaster for {type} v{from_version} is registered already")
            self.fns[(type, from_version)] = fn
            return fn

        return add

    def payload(self, type, version, payload):
        """(current version, payload read at it) for a payload stored at `version`."""
        target = self.current.get(type, version)
        if version > target:
            raise MissingUpcaster(
                f"{type} is stored at v{version} but this code knows v{target} at most; deploy the code that wrote it"
            )
        while version < target:
            fn = self.fns.get((type, version))
            if fn is None:
                raise MissingUpcaster(
                    f"{type} is stored at v{version} and read at v{target}, but no upcaster "
                    f"is registered for ({type!r}, {version}); add it to the contract's UPCASTERS"
                )
            payload, version = fn(dict(payload)), version + 1
        return version, payload

    def upcast(self, event):
        """The event as today's code reads it (the same object when it is current already)."""
        target = self.current.get(event.type)
        if target is None or target == event.schema_version:
            return event  # the common case: a type no contract knows, or already current
        version, payload = self.payload(event.type, event.schema_version, event.payload)
        if version == event.schema_version:
            return event
        return event._replace(schema_version=version, payload=payload)

    def upcast_all(self, events):
        return [self.upcast(e) for e in events]

    def gaps(self):
        """What is missing: every type at version n > 1 needs upcasters from 1 to n-1."""
        return [
            f"{type} v{v} -> v{v + 1}"
            for type, target in sorted(self.current.items())
            for v in range(1, target)
            if (type, v) not in self.fns
        ]


def current_versions():
    """{type: current schema_version} over every published contract (and the checkpoint)."""
    from watchpost.contracts import SERVICES, published

    found = {}
    for module in (*SERVICES, "checkpoints"):
        found.update({t: v for t, (v, _) in published(module).items()})
    return found


def contract_upcasters():
    """Every contract module's `UPCASTERS`, merged."""
    from watchpost.contracts import SERVICES

    found = {}
    for module in (*SERVICES, "checkpoints"):
        found.update(getattr(importlib.import_module(f"watchpost.contracts.{module}"), "UPCASTERS", {}))
    return found


class _Registry(Upcasters):
    """The process-wide registry: loads the contracts' UPCASTERS on first use."""

    def __init__(self):
        super().__init__()
        self._loaded = False

    @property
    def fns(self):
        if not self._loaded:
            self._loaded = True
            self._fns = {**contract_upcasters(), **self._fns}
        return self._fns

    @fns.setter
    def fns(self, value):
        self._fns = value


REGISTRY = _Registry()


def upcast(event):
    return REGISTRY.upcast(event)


def upcast_all(events):
    return REGISTRY.upcast_all(events)
