"""Who may know of a clue (知情范围), as data, and the one answer for everything outside it.

Sources: 纪检监察机关处理检举控告工作规则 (2020): a report is handled by the organ with jurisdiction over the accused's
level of cadre management (分级负责、归口办理), and its content and the reporter are known only to those who must
handle it (严格控制知情范围, never passed to the accused or their unit); 中国共产党纪律检查机关监督执纪工作规则
(2019): a handler related to the matter or the accused steps aside (回避).

So: a clue is known to the commission that handles it at the level its accused's rank requires (rules.RANK_APPROVER
gives the level, stored on the clue as `level`) and to auditors; a community secretary knows only the clues they
submitted themself, and never one about their own community's cadres; informants, supervisors and citizens follow
their own report through its receipt code only; a handler who declared 回避 on a clue knows it no more. Whatever is
outside the circle answers exactly as a clue that does not exist (`hidden`), so a refusal tells nothing.
"""

from watchpost.contracts.intake import LEVELS
from watchpost.errors import NotFound

from intake.domain.rules import approver_level

# role -> the clue levels it may know of, the area it knows them in, and what it never knows
KNOWING = {
    "district_commission": {"levels": LEVELS, "area": "district", "never": None},
    "auditor": {"levels": LEVELS, "area": "district", "never": None},
    "street_commission": {"levels": ("street_commission",), "area": "street", "never": None},
    "community_secretary": {"levels": LEVELS, "area": "own_submissions", "never": "own_community"},
}


def hidden(clue_id):
    """The answer for a clue the caller may not know of: the same as for a clue that does not exist."""
    return NotFound(f"no clue {clue_id}")


def knows(actor, doc):
    """True when the actor is inside the clue's circle: `doc` has community, street, level, submitted_by,
    recused (the clue's read model, or the same fields of its state)."""
    rule = KNOWING.get(actor.role)
    if rule is None or actor.id in (doc.get("recused") or ()) or doc.get("level") not in rule["levels"]:
        return False
    if rule["area"] == "street" and doc.get("street") != actor.street:
        return False
    if rule["area"] == "own_submissions" and doc.get("submitted_by") != actor.id:
        return False
    return not (rule["never"] == "own_community" and doc.get("community") == actor.community)


def of_state(clue):
    """The fields `knows` reads, from a clue's folded state (commands decide on the state, not the read model)."""
    return {
        "community": clue.community,
        "street": clue.street,
        "level": approver_level(clue.rank) if clue.rank else None,
        "recused": clue.recused,
    }


def check(actor, doc, clue_id):
    if doc is None or not knows(actor, doc):
        raise hidden(clue_id)


def list_filter(actor, community=None, street=None):
    """(where, excluded) for a list of clues: `where` is the containment filter of the caller's circle narrowed by
    what they asked; `excluded` are the filters (disjoint, within `where`) whose clues the circle leaves out.
    None when the caller knows of no clue at all."""
    rule = KNOWING.get(actor.role)
    if rule is None:
        return None
    where = {k: v for k, v in (("community", community), ("street", street)) if v}
    if rule["area"] == "street":
        if street and street != actor.street:
            return None
        where.update(street=actor.street, level="street_commission")
    elif rule["area"] == "own_submissions":
        if community == actor.community:
            return None
        where["submitted_by"] = actor.id
    excluded = [{**where, "recused": [actor.id]}]
    if rule["never"] == "own_community":
        excluded = [{**where, "community": actor.community}]
    return where, excluded
