"""Pairings (包片联系): a street commission member paired with a community commission, and the contacts held
under it — 交流汇报 (exchange_report), 谈话述责 (duty_talk), 谈心谈话 (heart_to_heart), guidance. A pairing with
no contact for `contact_lapse_days` has lapsed, once per silence. Stream `pairing-<member>-<community>`.
"""

from datetime import date, timedelta

from watchpost.domain import Change
from watchpost.errors import IllegalTransition, Invalid, NotFound

from liaison.domain.common import check_choice, not_after
from liaison.domain.directory import require_community

CONTACT_KINDS = {"exchange_report", "duty_talk", "heart_to_heart", "guidance"}


def pairing_id(member_id, community):
    return f"{member_id}-{community}"


def fold_pairing(events):
    state = {"status": None}
    for e in events:
        p = e.payload
        if e.type == "pairing.established":
            state = {**p, "status": "active", "last_contact_on": None, "lapsed_since": None, "contacts": 0}
        elif e.type == "pairing.ended":
            state = {**state, "status": "ended", "ended_on": p["ended_on"]}
        elif e.type == "pairing.contact_recorded":
            last = max(state["last_contact_on"] or "", p["held_on"])
            state = {**state, "last_contact_on": last, "contacts": state["contacts"] + 1}
        elif e.type == "pairing.contact_lapsed":
            state = {**state, "lapsed_since": p["since"]}
    return state


def establish(state, member, community_state, community, established_on, today):
    if member["status"] != "active" or member["role"] != "street_commission_member":
        raise Invalid(
            f"{member.get('person_id')} is not an active street commission member; only they are paired "
            f"with communities",
            field="member_id",
        )
    found = require_community(community_state, community)
    if found["street"] != member["street"]:
        raise Invalid(
            f"community {community} is in street {found['street']}, but member {member['person_id']} "
            f"serves street {member['street']}; pairings stay within a street",
            field="community",
        )
    if state["status"] == "active":
        raise IllegalTransition("establish_pairing", "active", ["record_contact", "end_pairing"])
    not_after(established_on, today, "established_on")
    return [
        Change(
            "pairing.established",
            {
                "pairing_id": pairing_id(member["person_id"], community),
                "member_id": member["person_id"],
                "street": found["street"],
                "community": community,
                "established_on": established_on.isoformat(),
            },
        )
    ]


def unknown(pid):
    """The answer for a pairing that does not exist, and for one outside the caller's area (scope.require)."""
    return NotFound(f"pairing {pid!r} does not exist", pairing_id=pid)


def _require_active(state, pid, command):
    if state["status"] is None:
        raise unknown(pid)
    if state["status"] != "active":
        raise IllegalTransition(command, state["status"], ["establish_pairing"])


def _fields(state):
    return {k: state[k] for k in ("pairing_id", "member_id", "street", "community")}


def end(state, pid, ended_on, reason, today):
    _require_active(state, pid, "end_pairing")
    _within(ended_on, state, "ended_on", today)
    return [Change("pairing.ended", {**_fields(state), "ended_on": ended_on.isoformat(), "reason": reason or ""})]


def record_contact(state, pid, kind, held_on, participants, notes, today):
    _require_active(state, pid, "record_contact")
    check_choice(kind, CONTACT_KINDS, "kind")
    _within(held_on, state, "held_on", today)
    return [
        Change(
            "pairing.contact_recorded",
            {
                **_fields(state),
                "contact_no": state["contacts"] + 1,
                "kind": kind,
                "held_on": held_on.isoformat(),
                "participants": sorted(set(participants or ())),
                "notes": notes or "",
            },
        )
    ]


def lapse(state, today, lapse_days):
    """`pairing.contact_lapsed` once per silence: the last contact (or the start) `lapse_days` ago or more."""
    if state["status"] != "active":
        return []
    since = state["last_contact_on"] or state["established_on"]
    if today < date.fromisoformat(since) + timedelta(days=lapse_days) or state["lapsed_since"] == since:
        return []
    return [
        Change(
            "pairing.contact_lapsed",
            {**_fields(state), "since": since, "lapse_days": lapse_days, "detected_on": today.isoformat()},
        )
    ]


def _within(day, state, field, today):
    not_after(day, today, field)
    if day.isoformat() < state["established_on"]:
        raise Invalid(
            f"{field} {day.isoformat()} is before the pairing began on {state['established_on']}", field=field
        )
