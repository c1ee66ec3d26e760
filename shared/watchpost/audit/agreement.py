"""Do the counts agree with the scorecards (口径一致)? Per community, the items a source's log says were handled in a
period against those the counting service counted for them, read from its live facts documents (read-only, as
`watchpost_auditor`). What is counted, and where, the counting service declares (`AGREEMENT`, see
watchpost.audit.plugins; assessment's table is in assessment/audit.py).

The source's side is read only up to the position the counting service has consumed, so events still in flight
are no mismatch.
"""

from datetime import date

from watchpost.audit.completeness import period_bounds
from watchpost.audit.source import Row


def months(period):
    first, last = period_bounds(period)
    found, day = [], first
    while day <= last:
        found.append(day.strftime("%Y-%m"))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def _source_side(source, rules, upto, wanted):
    """{(community, event type): {item key}} from the source's log, positions 1..upto, dated in `wanted` months."""
    rows = source.query(
        "SELECT data, prev_hash, hash FROM events WHERE type = ANY(%s) AND position <= %s ORDER BY position",
        ([c[2] for c in rules.counted], upto),
    )
    required = {c[2]: c[4] for c in rules.counted}
    found = {}
    for event in (Row(0, {}, *r).event() for r in rows):
        p = event.payload or {}
        if not isinstance(p.get("community"), str) or not p["community"]:
            continue
        if event.occurred_at.astimezone(rules.timezone).strftime("%Y-%m") not in wanted:
            continue
        if not all(p.get(name) in allowed for name, allowed in required[event.type].items()):
            continue
        key = str(p[rules.id_field]) if p.get(rules.id_field) is not None else f"event:{event.event_id}"
        found.setdefault((p["community"], event.type), set()).add(key)
    return found


def _counted_side(counter, rules, wanted):
    """{(community, event type): {item key}} from the counting service's facts documents of the `wanted` months."""
    docs = counter.query(
        "SELECT doc FROM projection_docs WHERE projection = %s AND doc->>'period' = ANY(%s)",
        (rules.facts_projection, wanted),
    )
    found = {}
    for (doc,) in docs:
        for _, metric, kind, label, _ in rules.counted:
            for subject, history in (doc.get("facts") or {}).get(metric, {}).items():
                if any(f.get("type") == kind and f.get("source") == rules.source for f in history):
                    key = subject[len(label) + 1 :] if subject.startswith(f"{label}:") else subject
                    found.setdefault((doc["community"], kind), set()).add(key)
    return found


def agreement(source, counter, period, rules):
    """{<counter>_schema, consumed, <source>_head, rows: [...], mismatches: [...]}: per community and counted
    event, the items on each side; a mismatch names the items only one side has. `rules`: the counter's
    `Agreement`; `source` and `counter` are the two logs (`Source`s)."""
    wanted = months(period)
    consumed = dict(counter.query("SELECT source, position FROM consumer_positions")).get(rules.source, 0)
    head = source.head()[0]
    ours, theirs = _source_side(source, rules, consumed, wanted), _counted_side(counter, rules, wanted)
    a_name, b_name = source.service, counter.service
    rows = []
    for community, kind in sorted(set(ours) | set(theirs)):
        indicator, metric = next((c[0], c[1]) for c in rules.counted if c[2] == kind)
        a, b = ours.get((community, kind), set()), theirs.get((community, kind), set())
        rows.append(
            {
                "community": community,
                "indicator": indicator,
                "metric": metric,
                "type": kind,
                a_name: len(a),
                b_name: len(b),
                "agree": a == b,
                f"only_in_{a_name}": sorted(a - b),
                f"only_in_{b_name}": sorted(b - a),
            }
        )
    return {
        "source": a_name,
        "counter": b_name,
        f"{b_name}_schema": counter.schema,
        "period": period,
        "consumed": consumed,
        f"{a_name}_head": head,
        "rows": rows,
        "mismatches": [r for r in rows if not r["agree"]],
    }


def render(report):
    a, b = report["source"], report["counter"]
    lines = [
        f"counts against {b} ({report[f'{b}_schema']}), {a} positions 1..{report['consumed']}"
        + (
            f" ({b} has not consumed {report['consumed'] + 1}..{report[f'{a}_head']} yet)"
            if report["consumed"] < report[f"{a}_head"]
            else ""
        )
        + ":"
    ]
    for r in report["rows"]:
        line = f"  {r['community']}  {r['indicator']} {r['type']}: {a} {r[a]}, {b} {r[b]}"
        if not r["agree"]:
            line = (
                "  MISMATCH"
                + line[1:]
                + "".join(
                    f"; only in {side}: {', '.join(r['only_in_' + side])}" for side in (a, b) if r["only_in_" + side]
                )
            )
        lines.append(line)
    if not report["rows"]:
        lines.append("  nothing counted in the period on either side")
    return "\n".join(lines)
