"""Completeness (不遗漏): every item a service received in a period reached a terminal state, or is listed open with
its age. Read from that service's log alone, by what it declares (`COMPLETENESS`, see watchpost.audit.plugins):
for intake, clue.received, then clue.screened with a terminal outcome or clue.concluded; an objection
(clue.objection_raised) sends a concluded clue back to analysis, so it is open again.
"""

import re
from datetime import date

from watchpost.audit.source import AuditError, Row


def period_bounds(period):
    """'2026-03' -> (2026-03-01, 2026-03-31); '2026-Q1' -> (2026-01-01, 2026-03-31)."""
    m = re.fullmatch(r"(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))", period or "")
    if not m:
        raise AuditError(f"period {period!r} must be YYYY-MM or YYYY-Qn (e.g. 2026-03, 2026-Q1)")
    year = int(m.group(1))
    first, last = (int(m.group(2)),) * 2 if m.group(2) else (3 * int(m.group(3)) - 2, 3 * int(m.group(3)))
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return date(year, first, 1), date.fromordinal(end.toordinal() - 1)


def _received_on(event):
    text = event.payload.get("received_on")
    return date.fromisoformat(text) if text else event.occurred_at.date()


def completeness(source, period, today, rules):
    """{period, received, terminal: {outcome: n}, open: [{<id field>, stream_id, received_on, age_days, status}],
    anomalies: [...]}: anomalies are terminal events for items whose receipt is not in the log. `rules`: the
    service's `Completeness`."""
    first, last = period_bounds(period)
    rows = source.query(
        "SELECT data, prev_hash, hash FROM events WHERE type = ANY(%s) ORDER BY position", (list(rules.types),)
    )
    received, status, anomalies = {}, {}, []
    for event in (Row(0, {}, *r).event() for r in rows):
        sid = event.stream_id
        if event.type == rules.received:
            if sid in received:
                anomalies.append(f"{sid}: received twice (positions {received[sid][0].position} and {event.position})")
            received[sid] = (event, _received_on(event))
            status.setdefault(sid, "open: received")
            continue
        if sid not in received:
            anomalies.append(
                f"{sid}: {event.type} at position {event.position} but the "
                f"{rules.noun.removesuffix('s')} was never received"
            )
            continue
        outcome = event.payload.get("outcome")
        if event.type == rules.concluded:
            status[sid] = f"concluded: {outcome}"
        elif event.type == rules.screened:
            terminal = outcome in rules.terminal_screenings
            status[sid] = f"screened: {outcome}" if terminal else f"open: screened {outcome}"
        else:
            status[sid] = "open: objection raised"
    in_period = {sid: v for sid, v in received.items() if first <= v[1] <= last}
    terminal, still_open = {}, []
    for sid, (event, on) in sorted(in_period.items(), key=lambda kv: (kv[1][1], kv[0])):
        if status[sid].startswith("open"):
            still_open.append(
                {
                    rules.id_field: event.payload.get(rules.id_field),
                    "stream_id": sid,
                    "received_on": on.isoformat(),
                    "age_days": (today - on).days,
                    "status": status[sid].removeprefix("open: "),
                }
            )
        else:
            terminal[status[sid]] = terminal.get(status[sid], 0) + 1
    return {
        "service": source.service,
        "noun": rules.noun,
        "period": period,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "received": len(in_period),
        "terminal": dict(sorted(terminal.items())),
        "open": still_open,
        "anomalies": anomalies,
        "as_of": today.isoformat(),
    }


def render(report):
    lines = [
        f"{report['service']}, {report['noun']} received {report['from']}..{report['to']} ({report['period']}): "
        f"{report['received']}",
        f"  reached a terminal state: {sum(report['terminal'].values())}",
    ]
    lines += [f"    {state}: {n}" for state, n in report["terminal"].items()]
    lines.append(f"  open as of {report['as_of']}: {len(report['open'])}")
    lines += [
        f"    {c['stream_id']}  received {c['received_on']}  age {c['age_days']} days  ({c['status']})"
        for c in report["open"]
    ]
    lines += [f"  ANOMALY {a}" for a in report["anomalies"]]
    return "\n".join(lines)
