"""书记一个人说了不算: proposer != approver; the approver's level follows the accused's rank; repeat reports."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchpost.domain import Actor
from watchpost.errors import Forbidden, Invalid, NotFound

from intake.domain import rules


def test_the_proposer_cannot_approve_their_own_proposal(world, clue):
    world.drive(clue, "disposal_proposed")
    with pytest.raises(Forbidden, match="another person must approve") as caught:
        world.run("approve_disposal", clue_id=clue, who="sc-1")
    assert caught.value.status == 403
    with pytest.raises(Forbidden, match="another person"):
        world.run("reject_disposal", clue_id=clue, who="sc-1", reason="r")
    (approved,) = world.run("approve_disposal", clue_id=clue, who="sc-2")
    assert approved.payload["proposed_by"] == "sc-1" and approved.payload["approved_by"] == "sc-2"
    assert approved.payload["approver_level"] == "street_commission"


def test_a_clue_about_a_street_committee_member_goes_to_the_district(world):
    cid = world.submit(accused={"name": "赵六", "post": "街道党工委委员", "rank": "street_committee"}).id
    with pytest.raises(NotFound, match=f"^no clue {cid}$"):  # not the street's to know (知情范围)
        world.drive(cid, "accepted")
    world.drive(cid, "disposal_proposed", role="district_commission")
    proposed = world.store.load(f"clue-{cid}")[-1].payload
    assert proposed["required_level"] == "district_commission" and proposed["proposed_by"] == "sc-1"
    (approved,) = world.run("approve_disposal", clue_id=cid, role="district_commission", who="dc-2")
    assert approved.payload["approver_level"] == "district_commission"
    assert approved.payload["approver_role"] == "district_commission"


def test_a_street_commission_of_another_street_cannot_approve():
    with pytest.raises(Forbidden):
        rules.check_approver(
            Actor("sc-9", "street_commission", street="liucheng"), "sc-1", "community_cadre", "yongquan"
        )


@pytest.mark.parametrize(
    "rank, level",
    [
        ("resident_group_leader", "street_commission"),
        ("community_cadre", "street_commission"),
        ("community_leader", "street_commission"),
        ("street_staff", "street_commission"),
        ("street_committee", "district_commission"),
        ("district_staff", "district_commission"),
        ("district_committee", "upper_level"),
    ],
)
def test_approver_level_by_rank(rank, level):
    assert rules.approver_level(rank) == level
    assert rules.handled_here(rank) is (level != "upper_level")


@given(
    rank=st.sampled_from(rules.RANKS),
    role=st.sampled_from(["street_commission", "district_commission", "community_secretary", "informant"]),
    same_person=st.booleans(),
)
def test_approval_is_allowed_exactly_when_level_and_person_fit(rank, role, same_person):
    actor = Actor("x", role, street="s1")
    proposer = "x" if same_person else "y"
    fits = (
        not same_person
        and role in rules.LEVELS
        and rules.LEVELS.index(role) >= rules.LEVELS.index(rules.approver_level(rank))
    )
    try:
        rules.check_approver(actor, proposer, rank, "s1")
        assert fits
    except Forbidden:
        assert not fits


def test_unknown_rank_is_refused_with_the_allowed_ranks():
    with pytest.raises(Invalid, match="allowed: resident_group_leader"):
        rules.approver_level("king")


def test_a_repeat_report_is_linked_and_retained_not_re_handled(world, clue):
    world.drive(clue, "accepted")
    second = world.submit(
        summary="同一事项再次举报",
        accused={"name": " 张三 ", "post": "社区主任", "rank": "community_cadre"},
        reporter=None,
    )
    assert second[0].payload["repeat_candidate"] == clue
    with pytest.raises(Invalid, match=f"repeats clue {clue}"):
        world.run("screen_clue", clue_id=second.id, outcome="accepted", reason="r")
    (screened,) = world.run("screen_clue", clue_id=second.id, outcome="duplicate_retained", reason="重复举报")
    assert screened.payload["repeat_of"] == clue
    assert world.store.doc("clues", clue)["repeats"] == [second.id]
    assert world.status(second.id) == "duplicate_retained"
    assert world.store.doc("receipts", second[0].payload["receipt_hash"])["status"] == "linked_to_earlier_report"


def test_a_repeat_with_new_substance_may_be_accepted(world, clue):
    second = world.submit(reporter=None)
    world.run("screen_clue", clue_id=second.id, outcome="accepted", reason="新证据", new_substance=True)
    assert world.status(second.id) == "accepted"


def test_another_accused_or_another_matter_is_no_repeat(world, clue):
    assert (
        world.submit(accused={"name": "王五", "post": "社区主任", "rank": "community_cadre"})[0].payload[
            "repeat_candidate"
        ]
        is None
    )
    assert world.submit(item="C04.01")[0].payload["repeat_candidate"] is None
    assert world.submit(category="C03", item="C03.01")[0].payload["repeat_candidate"] is None


def _clue(cid, day, **kw):
    return {
        "clue_id": cid,
        "accused_key": "k",
        "category": "C03",
        "item": "C03.01",
        "received_on": day.isoformat(),
        "status": "accepted",
        **kw,
    }


@given(
    gap=st.integers(min_value=-30, max_value=800),
    status=st.sampled_from(["accepted", "concluded", "out_of_scope", "forwarded_up", "duplicate_retained"]),
)
def test_repeat_window_and_status(gap, status):
    first = _clue("a", date(2025, 1, 1), status=status)
    new = _clue("b", date(2025, 1, 1) + timedelta(days=gap))
    expected = 0 <= gap <= 365 and status in ("accepted", "concluded")
    assert rules.is_repeat(new, first) is expected
    assert rules.find_repeat(new, [first]) == ("a" if expected else None)


def test_find_repeat_links_to_the_first_report():
    earlier = [_clue("late", date(2025, 3, 1)), _clue("early", date(2025, 2, 1))]
    assert rules.find_repeat(_clue("new", date(2025, 4, 1)), earlier) == "early"


KEY = b"k" * 32


def test_accused_key_ignores_spacing_and_case():
    assert rules.accused_key(KEY, "c", "Post", " 张 三") == rules.accused_key(KEY, "c", "post", "张 三 ")
    assert rules.accused_key(KEY, "c", "post", "张三") != rules.accused_key(KEY, "d", "post", "张三")


def test_accused_key_resists_a_dictionary_of_the_communitys_cadres():
    """The attacker hashes every (community, post, name) of the directory: without intake's key nothing matches."""
    import hashlib

    from intake import settings

    published = rules.accused_key(settings.DEFAULT.accused_hmac_key(), "C1", "主任", "张三")
    guesses = {hashlib.sha256(f"c1|主任|{name}".encode()).hexdigest() for name in ("张三", "李四")}
    guesses |= {rules.accused_key(KEY, "C1", "主任", name) for name in ("张三", "李四")}
    assert published not in guesses
    assert rules.accused_key(KEY, "C1", "主任", "张三") != rules.accused_key(b"o" * 32, "C1", "主任", "张三")


def test_the_accused_key_is_intakes_own_setting_refused_in_production():
    from watchpost import keys

    from intake import settings

    assert settings.from_mapping({"INTAKE_ACCUSED_KEY": "a2V5" * 11}).accused_key == "a2V5" * 11
    assert keys.secret_problem(settings.DEV_ACCUSED_KEY) == "is a development key, public in the source code"
