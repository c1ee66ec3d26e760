"""Rules a clue is handled by: who may approve (分级审批), what counts as a repeat report (重复检举).

"书记一个人说了不算": a disposal is proposed by one person and approved by another, at the level the accused's
rank requires; a clue about a member of the same-level committee goes one level up.
"""

import hashlib
import hmac
from datetime import timedelta

from watchpost.contracts.intake import LEVELS  # the published words: one source
from watchpost.errors import Forbidden, Invalid

from intake.domain.clocks import parse

# The station's two teams (两支队伍) report through the liaison station: their channel is published as the station's,
# never as "informant" or "supervisor", because a community often has one or two informants and the channel beside
# the community would name them (举报人保护; liaison withholds a flag's role for the same reason).
STATION_TEAMS = ("informant", "supervisor")


def published_channel(channel):
    """The channel as the log records it: an informant's or a supervisor's report as `liaison_station`."""
    return "liaison_station" if channel in STATION_TEAMS else channel


# accused rank -> the lowest level that may approve a disposal about them
RANK_APPROVER = {
    "resident_group_leader": "street_commission",  # 居民小组长
    "community_staff": "street_commission",  # 社区工作人员
    "community_cadre": "street_commission",  # 社区两委成员
    "community_leader": "street_commission",  # 社区党委书记、居委会主任
    "street_staff": "street_commission",  # 街道一般干部
    "street_committee": "district_commission",  # 街道党工委、纪工委班子成员: same level as the street commission
    "district_staff": "district_commission",  # 区管干部
    "district_committee": "upper_level",  # 区委委员: the upper level has jurisdiction
}
RANKS = tuple(RANK_APPROVER)
REPEAT_WINDOW = timedelta(days=365)
NOT_MATCHED = ("out_of_scope", "forwarded_up", "duplicate_retained")


def approver_level(rank):
    if rank not in RANK_APPROVER:
        raise Invalid(f"accused rank {rank!r} is unknown; allowed: {', '.join(RANKS)}", field="accused.rank")
    return RANK_APPROVER[rank]


def handled_here(rank):
    """False when only the upper level may handle a clue about this rank: it must be forwarded up."""
    return approver_level(rank) != "upper_level"


def check_approver(actor, proposed_by, rank, street):
    """Refuse an approval by the proposer, by a role below the required level, or by another street."""
    required = approver_level(rank)
    if actor.id == proposed_by:
        raise Forbidden(
            "the disposal was proposed by this person; another person must approve it (书记一个人说了不算)",
            required_level=required,
        )
    if actor.role not in LEVELS or LEVELS.index(actor.role) < LEVELS.index(required):
        raise Forbidden(
            f"a clue about rank {rank!r} needs approval by {required} or above, not {actor.role}",
            required_level=required,
        )
    if actor.role == "street_commission" and actor.street != street:
        raise Forbidden(
            f"a street commission approves only its own street's clues; this clue is in {street}",
            required_level=required,
        )
    return required


def accused_key(key, community, post, name):
    """Who is accused, comparable without keeping the name in an event: HMAC-SHA256, under intake's own key
    (INTAKE_ACCUSED_KEY), of the normalised triple. Unkeyed, anyone holding a community's list of cadres could
    hash each name and recover the accused; keyed, only intake can compute or compare it. Events recorded before
    the key keep their old unkeyed value (they are signed as stored), so a new report links to reports keyed alike.
    """
    spelled = "|".join(" ".join(str(x or "").split()).casefold() for x in (community, post, name))
    return hmac.new(key, spelled.encode("utf-8"), hashlib.sha256).hexdigest()


def is_repeat(new, earlier):
    """Same accused and same matter (catalogue item, or category if no item), within a year of the earlier one.

    `new` and `earlier` are dicts with accused_key, category, item, received_on; the earlier one must be a
    first report still handled here (not itself a repeat, not transferred or forwarded).
    """
    if earlier.get("status") in NOT_MATCHED or earlier.get("clue_id") == new.get("clue_id"):
        return False
    if earlier["accused_key"] != new["accused_key"] or earlier["category"] != new["category"]:
        return False
    if new.get("item") and earlier.get("item") and new["item"] != earlier["item"]:
        return False
    gap = parse(new["received_on"]) - parse(earlier["received_on"])
    return timedelta(0) <= gap <= REPEAT_WINDOW


def find_repeat(new, candidates):
    """The clue id of the first report `new` repeats, or None."""
    matches = sorted((c for c in candidates if is_repeat(new, c)), key=lambda c: (c["received_on"], c["clue_id"]))
    return matches[0]["clue_id"] if matches else None
