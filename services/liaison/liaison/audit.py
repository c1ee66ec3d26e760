"""What `watchpost-audit` needs to know of liaison (entry point group `watchpost.audit`): its projections."""

from liaison.projections import PROJECTIONS

__all__ = ["PROJECTIONS"]
