"""Replay: rebuild a service's projections from its log in memory and compare with its live `projection_docs`.

The projections are those the service declares (`PROJECTIONS` in its `watchpost.audit` module, see
watchpost.audit.plugins), or a module's `ALL` or `PROJECTIONS` (`--projections`). A service that folds the events it
consumes into its projections (`FOLDS_SOURCES`: assessment) is rebuilt from those sources' logs too, each up to the
position it has consumed, sources first and then its own log, as `assessment.rebuild` does.
"""

import orjson

from watchpost.audit import plugins
from watchpost.audit.source import AuditError, opened
from watchpost.eventlog.projections import fold


def load_projections(service, module=None):
    return plugins.projections_of(service, module)


def _plain(doc):
    return orjson.loads(orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS))


def source_events(source, url, source_schemas=None):
    """Events of every source `source` consumed, up to the consumed position, sources in name order."""
    events = []
    for name, upto in sorted(source.query("SELECT source, position FROM consumer_positions")):
        with opened(url, name, (source_schemas or {}).get(name, name)) as other:
            found = list(other.events(upto=upto))
        if len(found) != upto:
            raise AuditError(f"{name}'s log has {len(found)} events but {source.service} consumed {upto}")
        events.extend(found)
    return events


def differences(projections, events, live):
    """[(projection, key, what)] where the fold of `events` and the `live` documents disagree."""
    rebuilt = fold(projections, events)
    names = {p.name for p in projections}
    found = [
        (name, key, "live projection the service's code does not define")
        for name in sorted({n for n, _ in live} - names)
        for key in ["*"]
    ]
    for name in sorted(names):
        fresh = {k: _plain(d) for k, d in rebuilt[name].items()}
        current = {k: _plain(d) for (n, k), d in live.items() if n == name}
        for key in sorted(set(fresh) | set(current)):
            if key not in current:
                found.append((name, key, "missing from the live documents"))
            elif key not in fresh:
                found.append((name, key, "live document the log does not produce"))
            elif fresh[key] != current[key]:
                fields = (
                    sorted(k for k in set(fresh[key]) | set(current[key]) if fresh[key].get(k) != current[key].get(k))
                    if isinstance(fresh[key], dict)
                    else []
                )
                found.append((name, key, "differs" + (f" in {', '.join(fields)}" if fields else "")))
    return found


def replay(source, projections, url=None, with_sources=None, source_schemas=None):
    """Returns (events folded, documents compared, differences)."""
    if with_sources is None:
        with_sources = bool(getattr(plugins.of(source.service), "FOLDS_SOURCES", False))
    events = (source_events(source, url, source_schemas) if with_sources else []) + list(source.events())
    live = source.projection_docs()
    return len(events), len(live), differences(projections, events, live)
