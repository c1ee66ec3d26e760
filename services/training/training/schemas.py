"""Request schemas at training's HTTP/RPC boundary (marshmallow 4): one per command and read; unknown fields RAISE.

`SCHEMAS[name]` is the schema of the handler or read `name`; a loaded request is passed as its keyword fields.
"""
from marshmallow import RAISE, Schema, fields, validate

from training.domain.rules import CADRE_ROLES, KINDS, STATUSES

_name = validate.Length(min=1, max=200)
_id = validate.Length(min=1, max=120)


class _Request(Schema):
    class Meta:
        unknown = RAISE


class Audience(_Request):
    roles = fields.List(fields.String(validate=validate.OneOf(CADRE_ROLES)), load_default=list)
    streets = fields.List(fields.String(validate=_id), load_default=list)
    communities = fields.List(fields.String(validate=_id), load_default=list)


def _hours(**kw):
    return fields.Float(validate=validate.Range(min=0, max=24, min_inclusive=False), **kw)


class ScheduleSession(_Request):
    session_id = fields.UUID(load_default=None)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    topic = fields.String(required=True, validate=_name)
    date = fields.Date(required=True)
    hours = _hours(required=True)
    organiser = fields.String(required=True, validate=_name)
    audience = fields.Nested(Audience, load_default=None)


class RescheduleSession(_Request):
    session_id = fields.String(required=True, validate=_id)
    date = fields.Date(required=True)
    reason = fields.String(load_default=None, validate=_name)


class CancelSession(_Request):
    session_id = fields.String(required=True, validate=_id)
    reason = fields.String(required=True, validate=_name)


class HoldSession(_Request):
    session_id = fields.String(required=True, validate=_id)
    held_on = fields.Date(load_default=None)
    hours = _hours(load_default=None)


class RecordAttendance(_Request):
    session_id = fields.String(required=True, validate=_id)
    person_id = fields.String(required=True, validate=_id)
    role = fields.String(required=True, validate=validate.OneOf(CADRE_ROLES))
    street = fields.String(required=True, validate=_id)
    community = fields.String(load_default=None, validate=_id)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class CorrectAttendance(_Request):
    session_id = fields.String(required=True, validate=_id)
    person_id = fields.String(required=True, validate=_id)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = fields.String(required=True, validate=_name)


class EnrolCadre(_Request):
    person_id = fields.String(required=True, validate=_id)
    role = fields.String(required=True, validate=validate.OneOf(CADRE_ROLES))
    street = fields.String(required=True, validate=_id)
    community = fields.String(load_default=None, validate=_id)
    appointed_on = fields.Date(required=True)


class WithdrawCadre(_Request):
    person_id = fields.String(required=True, validate=_id)
    dismissed_on = fields.Date(required=True)


class CloseYear(_Request):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))


class SessionId(_Request):
    session_id = fields.String(required=True, validate=_id)


class SessionsByPeriod(_Request):
    period = fields.String(required=True, validate=validate.Regexp(r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    status = fields.String(load_default=None, validate=validate.OneOf(("scheduled", "cancelled", "held")))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class PersonYear(_Request):
    person_id = fields.String(required=True, validate=_id)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class PersonId(_Request):
    person_id = fields.String(required=True, validate=_id)


class CommunityYear(_Request):
    community = fields.String(required=True, validate=_id)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class StreetYear(_Request):
    street = fields.String(required=True, validate=_id)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


SCHEMAS = {
    "schedule_session": ScheduleSession, "reschedule_session": RescheduleSession, "cancel_session": CancelSession,
    "hold_session": HoldSession, "record_attendance": RecordAttendance, "correct_attendance": CorrectAttendance,
    "enrol_cadre": EnrolCadre, "withdraw_cadre": WithdrawCadre, "close_year": CloseYear,
    "get_session": SessionId, "sessions_by_period": SessionsByPeriod, "person_record": PersonYear,
    "onboarding_status": PersonId, "community_participation": CommunityYear, "street_participation": StreetYear,
}
