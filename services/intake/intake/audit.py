"""What `watchpost-audit` needs to know of intake (entry point group `watchpost.audit`; see
watchpost.audit.plugins): its projections for `replay`, and when a clue is done for `completeness` (不遗漏).

A clue is received (clue.received), then reaches a terminal state: screened away (clue.screened with an outcome
that ends it) or concluded (clue.concluded); an objection (clue.objection_raised) sends a concluded clue back to
analysis, so it is open again.
"""

from watchpost.audit.plugins import Completeness

from intake.domain.clue import SCREENED_AWAY
from intake.projections import PROJECTIONS

COMPLETENESS = Completeness(
    received="clue.received",
    screened="clue.screened",
    concluded="clue.concluded",
    reopened="clue.objection_raised",
    terminal_screenings=SCREENED_AWAY,
    id_field="clue_id",
    noun="clues",
)

__all__ = ["PROJECTIONS", "COMPLETENESS"]
