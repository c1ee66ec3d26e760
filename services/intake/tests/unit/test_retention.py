"""The retention rule (domain.retention): when a clue's identity and content may be crypto-shredded."""

from datetime import date

import pytest

from intake.domain.clue import Clue
from intake.domain.retention import RETENTION, NotErasable, erasable_from, erase


def closed(**kw):
    return Clue(
        **{
            "status": "concluded",
            "clue_id": "c-1",
            "community": "a",
            "street": "s",
            "real_name": True,
            "reporter_ref": "rep_x",
            "closed_on": "2026-03-02",
            "fed_back": True,
            **kw,
        }
    )


def test_the_rule_is_data_with_its_source():
    assert RETENTION["years_after_closing"] > 0 and RETENTION["source"]
    assert erasable_from(date(2024, 2, 29)) == date(2024 + RETENTION["years_after_closing"], 3, 1)


def test_retention_runs_out_on_the_day_it_says():
    until = erasable_from(date(2026, 3, 2))
    with pytest.raises(NotErasable) as caught:
        erase(closed(), date.fromordinal(until.toordinal() - 1), basis="retention_expired", reason="期满")
    assert caught.value.details == {"why": "retention_running", "erasable_from": until.isoformat()}
    [change] = erase(closed(), until, basis="retention_expired", reason="期满")
    assert change.type == "clue.erased" and "rep_x" not in str(change.payload)


@pytest.mark.parametrize(
    "clue, why",
    [
        (closed(status="registered", closed_on=None), "not_closed"),  # open, or reopened by an objection
        (closed(fed_back=False), "feedback_pending"),  # the reporter has not had the result
        (closed(erased=True), "already_erased"),
    ],
)
def test_a_reporter_request_is_refused_where_the_rules_do_not_allow_it(clue, why):
    with pytest.raises(NotErasable) as caught:
        erase(clue, date(2026, 4, 1), basis="reporter_request", reason="申请")
    assert caught.value.details["why"] == why


def test_an_anonymous_clue_screened_away_may_be_erased_at_request():
    [change] = erase(
        closed(status="out_of_scope", real_name=False, fed_back=False),
        date(2026, 4, 1),
        basis="reporter_request",
        reason="申请",
    )
    assert change.payload["basis"] == "reporter_request"
