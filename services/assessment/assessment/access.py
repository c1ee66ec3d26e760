"""Who may call what in assessment (考评办法): command or read name -> roles.

Scope within a role is checked by the read itself: a community secretary reads only their community, a street
commission only its street; a cadre (informant, supervisor) only their own scorecard.
"""

from watchpost.errors import Forbidden

READERS = {"community_secretary", "street_commission", "district_commission", "auditor"}

ALLOWED = {
    "publish_rulebook": {"district_commission"},
    "publish_default_rulebook": {"system"},
    "check_rebuild": {"district_commission", "auditor"},
    "close_period": {"district_commission"},
    "rescore_period": {"district_commission"},
    "record_adjustments": {"district_commission", "system"},
    "raise_warnings": {"district_commission", "system"},
    "scorecard": READERS,
    "explain": READERS,
    "ranking": {"street_commission", "district_commission", "auditor"},
    "cadre_scorecard": READERS | {"informant", "supervisor"},
    "cadre_ranking": READERS,
    "rulebook": READERS | {"subscriber"},
    "rulebooks": READERS | {"subscriber"},
}


def require(name, actor):
    if actor.role not in ALLOWED[name]:
        raise Forbidden(
            f"{name} is for {', '.join(sorted(ALLOWED[name]))}; not for {actor.role}",
            role=actor.role,
            allowed=sorted(ALLOWED[name]),
        )
