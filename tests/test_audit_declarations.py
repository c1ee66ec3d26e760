"""Each service declares to `watchpost-audit` what it must know of it (entry point group `watchpost.audit`, a
module `<service>/audit.py`): the shared library names no service."""

from watchpost.audit import plugins
from watchpost.audit.replay import load_projections


def test_every_service_declares_itself_and_its_projections():
    assert plugins.services() == ("assessment", "intake", "liaison", "training")
    assert load_projections("liaison") and load_projections("training")
    for service in plugins.services():
        assert load_projections(service), service


def test_intake_declares_when_a_clue_is_done_and_assessment_how_it_counts_and_scores():
    service, completeness = plugins.providing("COMPLETENESS")
    assert service == "intake" and set(completeness.terminal_screenings) == {
        "out_of_scope",
        "forwarded_up",
        "duplicate_retained",
    }
    assert plugins.providing("SCORECARDS")[0] == "assessment"
    assert plugins.of("assessment").AGREEMENT.source == "intake" and plugins.of("assessment").FOLDS_SOURCES
    assert not getattr(plugins.of("liaison"), "FOLDS_SOURCES", False)
