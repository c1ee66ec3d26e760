"""What `watchpost-audit` needs to know of assessment (entry point group `watchpost.audit`; see
watchpost.audit.plugins): its projections, which fold the sources' events it consumes (`replay` folds those sources
first); how its logs fold into a scorecard as of a time (`as-of --scorecard`, with assessment's own code); and how
it counts intake's events, for `completeness` to check the counts against (口径一致).

Assessment counts these intake events once per clue (the subject keys of assessment/domain/metrics.py; a later event
on the same clue replaces the earlier one), each in the month it occurred in Chengdu time, in its
`assessment_facts` documents:

| indicator | metric | event | subject |
|---|---|---|---|
| 信访办理 | petitions_handled_on_time | clue.acceptance_notified | clue-notice:<clue_id> |
| 信访办理 | petitions_handled_on_time | clue.feedback_given (on_time true/false) | clue-feedback:<clue_id> |
| 案件管理 | clues_registered_without_overdue | clue.registered | clue-registered:<clue_id> |
| 案件管理 | clues_registered_without_overdue | clue.disposal_approved | clue-disposal:<clue_id> |
| 案件审理 | reviews_concluded_within_limit | clue.concluded (within_limit true/false) | clue-concluded:<clue_id> |
"""

from datetime import timedelta, timezone

from watchpost.audit.plugins import Agreement, Scorecards

from assessment import reads, rebuild
from assessment.consumers import SOURCES
from assessment.projections import PROJECTIONS

FOLDS_SOURCES = True

AGREEMENT = Agreement(
    source="intake",
    facts_projection="assessment_facts",
    timezone=timezone(timedelta(hours=8)),
    id_field="clue_id",
    counted=(  # (indicator, metric, event type, subject label, payload values required)
        ("信访办理", "petitions_handled_on_time", "clue.acceptance_notified", "clue-notice", {}),
        ("信访办理", "petitions_handled_on_time", "clue.feedback_given", "clue-feedback", {"on_time": (True, False)}),
        ("案件管理", "clues_registered_without_overdue", "clue.registered", "clue-registered", {}),
        ("案件管理", "clues_registered_without_overdue", "clue.disposal_approved", "clue-disposal", {}),
        (
            "案件审理",
            "reviews_concluded_within_limit",
            "clue.concluded",
            "clue-concluded",
            {"within_limit": (True, False)},
        ),
    ),
)


def contributing(card, view, period):
    """The event ids behind a card: per source those its indicators count (and replaced), assessment's own (the
    rulebook, the period's close), and the adjustments pending on a closed card."""
    sources = {}
    for block in card["indicators"].values():
        for row in block["contributions"]:
            sources.setdefault(row["source"], set()).update([row["event_id"], *row["replaced"]])
    rulebook = view.doc("assessment_rulebooks", card["rulebook_version"]) or {}
    own = ([rulebook["event_id"]] if rulebook.get("event_id") else []) + (
        view.doc("assessment_periods", period) or {}
    ).get("event_ids", [])
    return {
        "assessment": own,
        **{s: sorted(ids) for s, ids in sorted(sources.items())},
        "pending": [f["event_id"] for f in card.get("pending_adjustments", [])],
    }


def knows_community(view, community):
    return view.doc("assessment_communities", community) is not None or any(
        d["community"] == community for d in view.all_docs("assessment_facts")
    )


SCORECARDS = Scorecards(
    sources=SOURCES,
    read_log=rebuild.read_log,
    fold_logs=rebuild.fold_logs,
    scorecard=reads.scorecard,
    contributing=contributing,
    knows_community=knows_community,
)

__all__ = ["PROJECTIONS", "FOLDS_SOURCES", "AGREEMENT", "SCORECARDS"]
