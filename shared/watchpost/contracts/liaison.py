"""Events the liaison service publishes (监察联络站, 包片联系, 月反馈季报告): EVENTS = {type: (version, Schema)}.

Every payload about a community carries `community` and `street` ids. Dates are ISO `2026-03-02`; periods
`2026-03` (month) or `2026-Q1` (quarter). Unknown payload fields are refused, so a schema lists every field.

Reporter protection (举报人保护): whoever flags a major problem is, for that flag, a reporter. No event links a person
to a flag: `feedback.major_problem_flagged` (v3) has its own stream `flag-<uuid>`, an opaque `flag_id` and no person,
station or feedback id; it is recorded at liaison's daily release, apart from the feedback that raised it (by the
service, in a shuffled batch, with the release day as its only time); its community (and, in a small street, its
role) is null when fewer than three people could have raised it. `feedback.submitted` (v2) no longer says whether
a major problem was flagged.
"""

import uuid

from marshmallow import Schema, fields, validate

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$")
QUARTER = validate.Regexp(r"^\d{4}-Q[1-4]$")
ROLES = ["community_secretary", "informant", "street_commission_member", "supervisor"]
WATCHERS = ["informant", "supervisor"]


def Id(**kw):
    return fields.Str(required=True, **kw)


def Maybe():
    return fields.Str(required=True, allow_none=True)


def Day():
    return fields.Date(required=True)


class DirectoryLoaded(Schema):
    directory_id, digest, sample = Id(), Id(), fields.Bool(required=True)
    counts = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    written, loaded_on = fields.Int(required=True), Day()


class StreetRegistered(Schema):
    street_id, street, name = Id(), Id(), Id()
    kind = Id(validate=validate.OneOf(["street", "town"]))


class CommunityRegistered(Schema):
    community_id, community, street, name = Id(), Id(), Id(), Id()
    kind = Id(validate=validate.OneOf(["community", "village"]))


class StationRegistered(Schema):
    station_id, name, community, street, opened_on = Id(), Id(), Id(), Id(), Day()


class GroupRegistered(Schema):
    group_id, name, community, street = Id(), Id(), Id(), Id()
    kind = Id(validate=validate.OneOf(["compound", "residential_group"]))


class CentreRegistered(Schema):
    centre_id, name, street, community = Id(), Id(), Id(), Maybe()


class PlatformRegistered(Schema):
    platform_id, name, street, community = Id(), Id(), Id(), Maybe()


class ReportingLine(Schema):
    role = Id(validate=validate.OneOf(["community_secretary", "district_commission", "street_commission"]))
    street, community = Maybe(), Maybe()


class Post(Schema):
    street, community, station_id = Id(), Maybe(), Maybe()
    groups = fields.List(fields.Str(), required=True)


class Person(Post):
    person_id = Id()
    role = Id(validate=validate.OneOf(ROLES))


class PersonAppointed(Person):
    name, appointed_on = Id(), Day()
    reports_to = fields.Nested(ReportingLine, required=True)


class PersonReassigned(Person):
    previous = fields.Nested(Post, required=True)
    reassigned_on = Day()
    reports_to = fields.Nested(ReportingLine, required=True)


class PersonDismissed(Person):
    dismissed_on, reason = Day(), fields.Str(required=True)


class Pairing(Schema):
    pairing_id, member_id, street, community = Id(), Id(), Id(), Id()


class PairingEstablished(Pairing):
    established_on = Day()


class PairingEnded(Pairing):
    ended_on, reason = Day(), fields.Str(required=True)


class ContactRecorded(Pairing):
    contact_no = fields.Int(required=True)
    kind = Id(validate=validate.OneOf(["duty_talk", "exchange_report", "guidance", "heart_to_heart"]))
    held_on, notes = Day(), fields.Str(required=True)
    participants = fields.List(fields.Str(), required=True)


class ContactLapsed(Pairing):
    since, detected_on, lapse_days = Day(), Day(), fields.Int(required=True)


class Watcher(Schema):
    feedback_id, person_id, station_id, street, community = Id(), Id(), Id(), Id(), Id()
    role = Id(validate=validate.OneOf(WATCHERS))
    period = Id(validate=MONTH)


class Timing(Schema):
    submitted_on, due_on = Day(), Day()
    on_time, days_late = fields.Bool(required=True), fields.Int(required=True)
    summary = fields.Str(required=True)


class FeedbackSubmitted(Watcher, Timing):
    """v2: v1's `major_problem` (whether this person flagged one) is gone; a flag is its own, unlinked event."""


class MajorProblemFlagged(Schema):
    """A major problem (重大问题) reported by an informant or supervisor; intake registers it as a clue.

    v2 names no one: `flag_id` is opaque (`flag-<uuid4>`), `role` (informant | supervisor) is intake's channel.
    v3 is released apart from its feedback: `released_on` (the day of liaison's release; v2's `flagged_on`) and
    `period` (the release's month) are its only time; `community` is null when fewer than three people of the role
    work there, and `role` is null when fewer than three work in the street (the street is always given).
    """

    flag_id, street, summary, released_on = Id(), Id(), Id(), Day()
    community = Maybe()
    role = fields.Str(required=True, allow_none=True, validate=validate.OneOf(WATCHERS))
    period = Id(validate=MONTH)
    category = Maybe()


class FeedbackReminder(Watcher):
    due_on = Day()


class Station(Schema):
    report_id, station_id, street, community = Id(), Id(), Id(), Id()
    period = Id(validate=QUARTER)


class ReportSubmitted(Station, Timing):
    pass


class ReportReminder(Station):
    due_on = Day()


EVENTS = {
    "directory.loaded": (1, DirectoryLoaded),
    "street.registered": (1, StreetRegistered),
    "community.registered": (1, CommunityRegistered),
    "station.registered": (1, StationRegistered),
    "group.registered": (1, GroupRegistered),
    "centre.registered": (1, CentreRegistered),
    "platform.registered": (1, PlatformRegistered),
    "person.appointed": (1, PersonAppointed),
    "person.reassigned": (1, PersonReassigned),
    "person.dismissed": (1, PersonDismissed),
    "pairing.established": (1, PairingEstablished),
    "pairing.ended": (1, PairingEnded),
    "pairing.contact_recorded": (1, ContactRecorded),
    "pairing.contact_lapsed": (1, ContactLapsed),
    "feedback.submitted": (2, FeedbackSubmitted),
    "feedback.major_problem_flagged": (3, MajorProblemFlagged),
    "feedback.due_soon": (1, FeedbackReminder),
    "feedback.missed": (1, FeedbackReminder),
    "report.submitted": (1, ReportSubmitted),
    "report.due_soon": (1, ReportReminder),
    "report.missed": (1, ReportReminder),
}


FLAG_FIELDS = ("flag_id", "street", "community", "summary", "flagged_on", "role", "period", "category")


def _opaque_flag(payload):
    """A v1 flag read at v2: the person, station and feedback ids dropped, and the flag id (v1's
    `<person>-<period>-<n>`) replaced by a stable opaque one derived from it. The stored v1 event is unchanged."""
    old = payload["flag_id"]
    opaque = old if old.startswith("flag-") else f"flag-{uuid.uuid5(uuid.NAMESPACE_URL, f'watchpost:liaison:{old}')}"
    return {**{k: payload.get(k) for k in FLAG_FIELDS}, "flag_id": opaque}


def _released(payload):
    """A v2 flag read at v3: it was released when flagged, so `released_on` is v2's `flagged_on`."""
    payload = dict(payload)
    payload["released_on"] = payload.pop("flagged_on")
    return payload


def _without_major_problem(payload):
    payload.pop("major_problem", None)
    return payload


UPCASTERS = {
    ("feedback.submitted", 1): _without_major_problem,
    ("feedback.major_problem_flagged", 1): _opaque_flag,
    ("feedback.major_problem_flagged", 2): _released,
}
