"""Request schemas (marshmallow 4) of every liaison command, for the HTTP/RPC boundary. Unknown fields are refused."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from watchpost.errors import BadRequest, Invalid
from watchpost.fields import MONTH, MONTH_OR_QUARTER, QUARTER, Day, Limit, Offset
from watchpost.fields import Id as _Id

from liaison.domain.directory import COMMUNITY_KINDS, GROUP_KINDS, STREET_KINDS
from liaison.domain.pairing import CONTACT_KINDS
from liaison.domain.personnel import ROLES

Text = fields.Str


class Strict(Schema):
    class Meta:
        unknown = RAISE


def _id(**kw):
    return _Id(**kw)


def _pairing_id(**kw):
    """`<member>-<community>` (liaison.domain.pairing.pairing_id): two identifiers and a hyphen."""
    return _Id(length=140, **kw)


def _label(**kw):
    """A category as people name it (三资管理), not an identifier."""
    return Text(validate=validate.Length(1, 64), **kw)


def _name(**kw):
    return Text(validate=validate.Length(1, 200), **kw)


def _note(**kw):
    return Text(validate=validate.Length(0, 4000), load_default="", **kw)


class RegisterStreet(Strict):
    street_id, name = _id(required=True), _name(required=True)
    kind = fields.Str(validate=validate.OneOf(sorted(STREET_KINDS)), load_default="street")


class RegisterCommunity(Strict):
    community_id, street, name = _id(required=True), _id(required=True), _name(required=True)
    kind = fields.Str(validate=validate.OneOf(sorted(COMMUNITY_KINDS)), load_default="community")


class RegisterStation(Strict):
    community, station_id, name = _id(required=True), _id(required=True), _name(required=True)
    opened_on = Day(load_default=None)


class RegisterGroup(Strict):
    community, group_id, name = _id(required=True), _id(required=True), _name(required=True)
    kind = fields.Str(validate=validate.OneOf(sorted(GROUP_KINDS)), load_default="residential_group")


class RegisterCentre(Strict):
    centre_id, street, name = _id(required=True), _id(required=True), _name(required=True)
    community = _id(load_default=None, allow_none=True)


class RegisterPlatform(Strict):
    platform_id, street, name = _id(required=True), _id(required=True), _name(required=True)
    community = _id(load_default=None, allow_none=True)


class AppointPerson(Strict):
    person_id, name = _id(required=True), _name(required=True)
    role = fields.Str(required=True, validate=validate.OneOf(sorted(ROLES)))
    street = _id(load_default=None, allow_none=True)
    community = _id(load_default=None, allow_none=True)
    groups = fields.List(_id(), load_default=list)
    appointed_on = Day(load_default=None)


class ReassignPerson(Strict):
    person_id = _id(required=True)
    groups = fields.List(_id(), required=True, validate=validate.Length(min=1))
    community = _id(load_default=None, allow_none=True)
    reassigned_on = Day(load_default=None)


class DismissPerson(Strict):
    person_id, reason = _id(required=True), _note()
    dismissed_on = Day(load_default=None)


class EstablishPairing(Strict):
    member_id, community = _id(required=True), _id(required=True)
    established_on = Day(load_default=None)


class EndPairing(Strict):
    pairing_id, reason = _pairing_id(required=True), _note()
    ended_on = Day(load_default=None)


class RecordContact(Strict):
    pairing_id = _pairing_id(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(sorted(CONTACT_KINDS)))
    held_on = Day(required=True)
    participants, notes = fields.List(_id(), load_default=list), _note()


class SubmitFeedback(Strict):
    person_id, summary = _id(required=True), _note()
    period = fields.Str(required=True, validate=MONTH)
    major_problem = fields.Bool(load_default=False)
    problem_summary = Text(load_default=None, allow_none=True, validate=validate.Length(1, 4000))
    category = _label(load_default=None, allow_none=True)


class ReportMajorProblem(Strict):
    person_id = _id(required=True)
    summary = Text(required=True, validate=validate.Length(1, 4000))
    category = _label(load_default=None, allow_none=True)


class SubmitReport(Strict):
    community, summary = _id(required=True), _note()
    period = fields.Str(required=True, validate=QUARTER)


class Tick(Strict):
    pass


# -- reads: query strings and path arguments (all strings on the wire) ---------------------------------------------
MAX_PAGE = 500


class _Page(Strict):
    limit, offset = Limit(100, MAX_PAGE), Offset()


class GetDirectory(Strict):
    street = _id(load_default=None)


class GetPerson(Strict):
    person_id = _id(required=True)


class ListPeople(_Page):
    street, community = _id(load_default=None), _id(load_default=None)
    role = fields.Str(load_default=None, validate=validate.OneOf(sorted(ROLES)))
    status = fields.Str(load_default=None, validate=validate.OneOf(["active", "dismissed"]))


class WhoCovers(Strict):
    group_id = _id(required=True)


class ListPairings(_Page):
    street, community = _id(load_default=None), _id(load_default=None)
    status = fields.Str(load_default=None, validate=validate.OneOf(["active", "ended"]))


class GetPairing(Strict):
    pairing_id = _pairing_id(required=True)


class GetCompliance(Strict):
    community = _id(required=True)
    period = fields.Str(required=True, validate=MONTH_OR_QUARTER)


class ListCompliance(_Page):
    period = fields.Str(required=True, validate=MONTH_OR_QUARTER)
    street, community = _id(load_default=None), _id(load_default=None)


READS = {
    "get_directory": GetDirectory,
    "get_person": GetPerson,
    "list_people": ListPeople,
    "who_covers": WhoCovers,
    "list_pairings": ListPairings,
    "get_pairing": GetPairing,
    "get_compliance": GetCompliance,
    "list_compliance": ListCompliance,
}


# -- the directory file ----------------------------------------------------------------------------------------
class _Station(Strict):
    station_id, name, opened_on = _id(required=True), _name(required=True), Day(load_default=None)


class _Group(RegisterGroup):
    community = _id(load_default=None)


class _Community(RegisterCommunity):
    station = fields.Nested(_Station, required=True)
    groups = fields.List(fields.Nested(_Group), load_default=list)


class DirectorySchema(Strict):
    directory_id = _id(required=True)
    sample = fields.Bool(load_default=False)
    notice = Text(load_default="")
    streets = fields.List(fields.Nested(RegisterStreet), load_default=list)
    communities = fields.List(fields.Nested(_Community), load_default=list)
    centres = fields.List(fields.Nested(RegisterCentre), load_default=list)
    platforms = fields.List(fields.Nested(RegisterPlatform), load_default=list)
    people = fields.List(fields.Nested(AppointPerson), load_default=list)
    pairings = fields.List(fields.Nested(EstablishPairing), load_default=list)


REQUESTS = {
    "register_street": RegisterStreet,
    "register_community": RegisterCommunity,
    "register_station": RegisterStation,
    "register_group": RegisterGroup,
    "register_centre": RegisterCentre,
    "register_platform": RegisterPlatform,
    "load_directory": DirectorySchema,
    "appoint_person": AppointPerson,
    "reassign_person": ReassignPerson,
    "dismiss_person": DismissPerson,
    "establish_pairing": EstablishPairing,
    "end_pairing": EndPairing,
    "record_contact": RecordContact,
    "submit_feedback": SubmitFeedback,
    "report_major_problem": ReportMajorProblem,
    "submit_report": SubmitReport,
    "tick": Tick,
}


def load(schema, data):
    """Parse a request body with `schema`; an unreadable body is BadRequest, a wrong field Invalid (422)."""
    if not isinstance(data, dict):
        raise BadRequest(f"the request body must be a JSON object, not {type(data).__name__}")
    try:
        return schema().load(data)
    except ValidationError as exc:
        raise Invalid(f"fields are wrong: {', '.join(sorted(map(str, exc.messages)))}", fields=exc.messages) from None
