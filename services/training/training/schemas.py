"""Request schemas at training's HTTP/RPC boundary (marshmallow 4): one per command and read; unknown fields RAISE.

`SCHEMAS[name]` is the schema of the handler or read `name`; a loaded request is passed as its keyword fields.
"""

from marshmallow import RAISE, Schema, fields, validate

from watchpost.fields import PERIOD, YEARS, Day, Id, Limit, Offset, Whole

from training.domain.rules import CADRE_ROLES, KINDS, STATUSES

_name = validate.Length(min=1, max=200)


class _Request(Schema):
    class Meta:
        unknown = RAISE


class Audience(_Request):
    roles = fields.List(fields.String(validate=validate.OneOf(CADRE_ROLES)), load_default=list)
    streets = fields.List(Id(), load_default=list)
    communities = fields.List(Id(), load_default=list)


def _hours(**kw):
    return fields.Float(validate=validate.Range(min=0, max=24, min_inclusive=False), **kw)


class ScheduleSession(_Request):
    session_id = fields.UUID(load_default=None)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    topic = fields.String(required=True, validate=_name)
    date = Day(required=True)
    hours = _hours(required=True)
    organiser = fields.String(required=True, validate=_name)
    audience = fields.Nested(Audience, load_default=None)


class RescheduleSession(_Request):
    session_id = Id(required=True)
    date = Day(required=True)
    reason = fields.String(load_default=None, validate=_name)


class CancelSession(_Request):
    session_id = Id(required=True)
    reason = fields.String(required=True, validate=_name)


class HoldSession(_Request):
    session_id = Id(required=True)
    held_on = Day(load_default=None)
    hours = _hours(load_default=None)


class RecordAttendance(_Request):
    session_id = Id(required=True)
    person_id = Id(required=True)
    role = fields.String(required=True, validate=validate.OneOf(CADRE_ROLES))
    street = Id(required=True)
    community = Id(load_default=None)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class CorrectAttendance(_Request):
    session_id = Id(required=True)
    person_id = Id(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = fields.String(required=True, validate=_name)


class EnrolCadre(_Request):
    person_id = Id(required=True)
    role = fields.String(required=True, validate=validate.OneOf(CADRE_ROLES))
    street = Id(required=True)
    community = Id(load_default=None)
    appointed_on = Day(required=True)


class WithdrawCadre(_Request):
    person_id = Id(required=True)
    dismissed_on = Day(required=True)


class CloseYear(_Request):
    year = Whole(required=True, validate=YEARS)


class SessionId(_Request):
    session_id = Id(required=True)


class SessionsByPeriod(_Request):
    period = fields.String(required=True, validate=PERIOD)
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    status = fields.String(load_default=None, validate=validate.OneOf(("scheduled", "cancelled", "held")))
    limit, offset = Limit(500, 1000), Offset()


class PersonYear(_Request):
    person_id = Id(required=True)
    year = fields.Integer(required=True, validate=YEARS)


class PersonId(_Request):
    person_id = Id(required=True)


class CommunityYear(_Request):
    community = Id(required=True)
    year = fields.Integer(required=True, validate=YEARS)


class StreetYear(_Request):
    street = Id(required=True)
    year = fields.Integer(required=True, validate=YEARS)


SCHEMAS = {
    "schedule_session": ScheduleSession,
    "reschedule_session": RescheduleSession,
    "cancel_session": CancelSession,
    "hold_session": HoldSession,
    "record_attendance": RecordAttendance,
    "correct_attendance": CorrectAttendance,
    "enrol_cadre": EnrolCadre,
    "withdraw_cadre": WithdrawCadre,
    "close_year": CloseYear,
    "get_session": SessionId,
    "sessions_by_period": SessionsByPeriod,
    "person_record": PersonYear,
    "onboarding_status": PersonId,
    "community_participation": CommunityYear,
    "street_participation": StreetYear,
}
