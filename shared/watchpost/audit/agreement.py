"""Do the counts agree with the scorecards (口径一致)? Per community, the clues intake's log says were handled in a
period against the clues assessment counted for them, read from assessment's live `assessment_facts` documents
(read-only, as `watchpost_auditor`).

Assessment counts these intake events once per clue (the subject keys of assessment/domain/metrics.py; a later event
on the same clue replaces the earlier one), each in the month it occurred in Chengdu time:

| indicator | metric | event | subject |
|---|---|---|---|
| 信访办理 | petitions_handled_on_time | clue.acceptance_notified | clue-notice:<clue_id> |
| 信访办理 | petitions_handled_on_time | clue.feedback_given (on_time true/false) | clue-feedback:<clue_id> |
| 案件管理 | clues_registered_without_overdue | clue.registered | clue-registered:<clue_id> |
| 案件管理 | clues_registered_without_overdue | clue.disposal_approved | clue-disposal:<clue_id> |
| 案件审理 | reviews_concluded_within_limit | clue.concluded (within_limit true/false) | clue-concluded:<clue_id> |

Intake's side is read only up to the position assessment has consumed, so events still in flight are no mismatch.
"""
from datetime import date, timedelta, timezone

from watchpost.audit.completeness import period_bounds
from watchpost.audit.source import Row

CHENGDU = timezone(timedelta(hours=8))
COUNTED = (   # (indicator, metric, event type, subject label, payload values required)
    ("信访办理", "petitions_handled_on_time", "clue.acceptance_notified", "clue-notice", {}),
    ("信访办理", "petitions_handled_on_time", "clue.feedback_given", "clue-feedback", {"on_time": (True, False)}),
    ("案件管理", "clues_registered_without_overdue", "clue.registered", "clue-registered", {}),
    ("案件管理", "clues_registered_without_overdue", "clue.disposal_approved", "clue-disposal", {}),
    ("案件审理", "reviews_concluded_within_limit", "clue.concluded", "clue-concluded", {"within_limit": (True, False)}),
)


def months(period):
    first, last = period_bounds(period)
    found, day = [], first
    while day <= last:
        found.append(day.strftime("%Y-%m"))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def _intake_side(intake, upto, wanted):
    """{(community, event type): {clue key}} from intake's log, positions 1..upto, dated in `wanted` months."""
    rows = intake.query("SELECT data, prev_hash, hash FROM events WHERE type = ANY(%s) AND position <= %s "
                        "ORDER BY position", ([c[2] for c in COUNTED], upto))
    rules = {c[2]: c[4] for c in COUNTED}
    found = {}
    for event in (Row(0, {}, *r).event() for r in rows):
        p = event.payload or {}
        if not isinstance(p.get("community"), str) or not p["community"]:
            continue
        if event.occurred_at.astimezone(CHENGDU).strftime("%Y-%m") not in wanted:
            continue
        if not all(p.get(name) in allowed for name, allowed in rules[event.type].items()):
            continue
        key = str(p["clue_id"]) if p.get("clue_id") is not None else f"event:{event.event_id}"
        found.setdefault((p["community"], event.type), set()).add(key)
    return found


def _assessment_side(assessment, wanted):
    """{(community, event type): {clue key}} from assessment's facts documents of the `wanted` months."""
    docs = assessment.query("SELECT doc FROM projection_docs WHERE projection = 'assessment_facts' "
                            "AND doc->>'period' = ANY(%s)", (wanted,))
    found = {}
    for (doc,) in docs:
        for _, metric, kind, label, _ in COUNTED:
            for subject, history in (doc.get("facts") or {}).get(metric, {}).items():
                if any(f.get("type") == kind and f.get("source") == "intake" for f in history):
                    key = subject[len(label) + 1:] if subject.startswith(f"{label}:") else subject
                    found.setdefault((doc["community"], kind), set()).add(key)
    return found


def agreement(intake, assessment, period):
    """{assessment_schema, consumed, intake_head, rows: [...], mismatches: [...]}: per community and counted event,
    the clues on each side; a mismatch names the clues only one side has."""
    wanted = months(period)
    consumed = dict(assessment.query("SELECT source, position FROM consumer_positions")).get("intake", 0)
    head = intake.head()[0]
    ours, theirs = _intake_side(intake, consumed, wanted), _assessment_side(assessment, wanted)
    rows = []
    for community, kind in sorted(set(ours) | set(theirs)):
        indicator, metric = next((c[0], c[1]) for c in COUNTED if c[2] == kind)
        a, b = ours.get((community, kind), set()), theirs.get((community, kind), set())
        rows.append({"community": community, "indicator": indicator, "metric": metric, "type": kind,
                     "intake": len(a), "assessment": len(b), "agree": a == b,
                     "only_in_intake": sorted(a - b), "only_in_assessment": sorted(b - a)})
    return {"assessment_schema": assessment.schema, "period": period, "consumed": consumed, "intake_head": head,
            "rows": rows, "mismatches": [r for r in rows if not r["agree"]]}


def render(report):
    lines = [f"counts against assessment ({report['assessment_schema']}), intake positions 1..{report['consumed']}"
             + (f" (assessment has not consumed {report['consumed'] + 1}..{report['intake_head']} yet)"
                if report["consumed"] < report["intake_head"] else "") + ":"]
    for r in report["rows"]:
        line = f"  {r['community']}  {r['indicator']} {r['type']}: intake {r['intake']}, assessment {r['assessment']}"
        if not r["agree"]:
            line = "  MISMATCH" + line[1:] + "".join(
                f"; only in {side}: {', '.join(r['only_in_' + side])}" for side in ("intake", "assessment")
                if r["only_in_" + side])
        lines.append(line)
    if not report["rows"]:
        lines.append("  nothing counted in the period on either side")
    return "\n".join(lines)
