"""What `watchpost-audit` needs to know of training (entry point group `watchpost.audit`): its projections."""

from training.projections import PROJECTIONS

__all__ = ["PROJECTIONS"]
