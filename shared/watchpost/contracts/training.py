"""Events the training service (教育培训) publishes: sessions, attendance, onboarding, the year-end verdict.

Streams: `session-<uuid>` (session.*), `record-<person>-<year>` (attendance.*, requirement.*),
`onboarding-<person>` (onboarding.*). Dates are ISO strings; hours are numbers (two decimals at most);
`community` is null for a street-level cadre.
"""

from marshmallow import RAISE, Schema, fields, validate

KINDS = ("campaign", "monthly_lecture", "new_cadre_forum", "other")
ROLES = ("informant", "supervisor", "community_secretary", "street_commission_member")
STATUSES = ("present", "absent", "excused")


def _str(**kw):
    return fields.String(required=True, **kw)


def _hours(minimum=0.0):
    return fields.Float(required=True, validate=validate.Range(min=minimum, max=24))


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class Audience(_Strict):
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True)
    streets = fields.List(fields.String(), required=True)
    communities = fields.List(fields.String(), required=True)


class SessionScheduled(_Strict):
    session_id, topic, organiser = _str(), _str(), _str()
    kind = _str(validate=validate.OneOf(KINDS))
    date = fields.Date(required=True)
    hours = _hours()
    audience = fields.Nested(Audience, required=True)


class SessionRescheduled(_Strict):
    session_id = _str()
    date = fields.Date(required=True)
    previous_date = fields.Date(required=True)
    reason = _str(allow_none=True)


class SessionCancelled(_Strict):
    session_id, reason = _str(), _str()
    date = fields.Date(required=True)


class SessionHeld(_Strict):
    session_id, topic = _str(), _str()
    kind = _str(validate=validate.OneOf(KINDS))
    held_on = fields.Date(required=True)
    hours = _hours()


class _Where(_Strict):
    person_id, street = _str(), _str()
    community = _str(allow_none=True)


class AttendanceRecorded(_Where):
    session_id, topic = _str(), _str()
    role = _str(validate=validate.OneOf(ROLES))
    status = _str(validate=validate.OneOf(STATUSES))
    kind = _str(validate=validate.OneOf(KINDS))
    hours = _hours()
    held_on = fields.Date(required=True)


class AttendanceCorrected(AttendanceRecorded):
    previous_status = _str(validate=validate.OneOf(STATUSES))
    previous_hours = _hours()
    reason = _str()


class Item(_Strict):
    item = _str()
    kind = _str(allow_none=True, validate=validate.OneOf(KINDS))
    topic = _str(allow_none=True)


class OnboardingEnrolled(_Where):
    role = _str(validate=validate.OneOf(ROLES))
    appointed_on = fields.Date(required=True)
    required = fields.List(fields.Nested(Item), required=True)


class OnboardingProgressed(_Where):
    session_id = _str()
    items = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    held_on = fields.Date(required=True)
    remaining = fields.List(fields.String(), required=True)


class OnboardingProgressRevoked(_Where):
    session_id = _str()
    items = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    remaining = fields.List(fields.String(), required=True)
    reopened = fields.Boolean(required=True)


class OnboardingCompleted(_Where):
    completed_on = fields.Date(required=True)


class OnboardingWithdrawn(_Where):
    dismissed_on = fields.Date(required=True)
    completed = fields.Boolean(required=True)


class RequirementSettled(_Where):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    hours = fields.Float(required=True, validate=validate.Range(min=0))
    required = fields.Float(required=True, validate=validate.Range(min=0))
    role = _str(validate=validate.OneOf(ROLES))
    sessions = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


EVENTS = {
    "session.scheduled": (1, SessionScheduled),
    "session.rescheduled": (1, SessionRescheduled),
    "session.cancelled": (1, SessionCancelled),
    "session.held": (1, SessionHeld),
    "attendance.recorded": (1, AttendanceRecorded),
    "attendance.corrected": (1, AttendanceCorrected),
    "onboarding.enrolled": (1, OnboardingEnrolled),
    "onboarding.progressed": (1, OnboardingProgressed),
    "onboarding.progress_revoked": (1, OnboardingProgressRevoked),
    "onboarding.completed": (1, OnboardingCompleted),
    "onboarding.withdrawn": (1, OnboardingWithdrawn),
    "requirement.met": (1, RequirementSettled),
    "requirement.shortfall": (1, RequirementSettled),
}
