"""intake's published events (问题线索 and 民情): {type: (schema_version, Schema)}.

No payload carries a reporter's name, phone or contact: `reporter_ref` is an opaque vault reference and
`receipt_hash` is the sha256 of a receipt code. Unknown fields are refused, so a leak fails the contract test.
"""

from marshmallow import RAISE, Schema, fields, validate

CHANNELS = (
    "informant",
    "supervisor",
    "wechat",
    "citizen_platform",
    "visit",
    "letter",
    "phone",
    "meeting",
    "inspection",
    "referral",
    "feedback_escalation",
    "liaison_station",
)
SCREENINGS = ("accepted", "duplicate_retained", "out_of_scope", "forwarded_up")
DISPOSALS = ("talk_inquiry", "preliminary_verification", "suspended", "closed")
OUTCOMES = (
    "closed_cleared",
    "closed_light_handling",
    "case_filed",
    "referred_to_party_org",
    "false_accusation_referred",
)
MEASURES = ("reminder", "criticism_education", "ordered_review", "admonishment")
RANKS = (
    "resident_group_leader",
    "community_staff",
    "community_cadre",
    "community_leader",
    "street_staff",
    "street_committee",
    "district_staff",
    "district_committee",
)
LEVELS = ("street_commission", "district_commission", "upper_level")
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "application/pdf")
CLUE_CLOCKS = ("disposal", "reply", "report", "forwarding", "acceptance_notice", "feedback")


def text(**kw):
    return fields.String(required=True, validate=validate.Length(min=1), **kw)


def maybe(field):
    field.required, field.allow_none = True, True
    return field


def one_of(choices):
    return fields.String(required=True, validate=validate.OneOf(choices))


def day():
    return fields.Date(required=True)


def flag():
    return fields.Boolean(required=True)


def names():
    return fields.List(fields.String(), required=True)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Where(Strict):
    community, street = text(), text()


class ClueWhere(Where):
    clue_id = text()


class Accused(Strict):
    post, rank = text(), one_of(RANKS)


class Source(Strict):
    inspection_id, finding_id = text(), text()


class ClueReceived(ClueWhere):
    channel, category, item, summary = one_of(CHANNELS), text(), maybe(fields.String()), text()
    catalogue_version = fields.Integer(required=True, validate=validate.Range(min=1))
    accused, accused_key = fields.Nested(Accused, required=True), text()
    real_name, reporter_ref, receipt_hash = flag(), maybe(fields.String()), text()
    content_ref, repeat_candidate = maybe(fields.String()), maybe(fields.String())
    received_on, disposal_due_on, forwarding_due_on = day(), day(), day()
    acceptance_notice_due_on, source = maybe(fields.Date()), maybe(fields.Nested(Source))


class ClueScreened(ClueWhere):
    outcome, reason, repeat_of = one_of(SCREENINGS), text(), maybe(fields.String())
    transferred_to, new_substance = maybe(fields.String()), flag()
    screened_on, within_limit, receipt_hash = day(), flag(), text()


class ClueRegistered(ClueWhere):
    ledger_no, registered_on = text(), day()


class ClueReviewed(ClueWhere):
    participants, conclusion, reviewed_on = names(), text(), day()


class DisposalProposed(ClueWhere):
    disposal, reason, proposed_by = one_of(DISPOSALS), text(), text()
    required_level, proposed_on = one_of(LEVELS), day()


class DisposalRejected(ClueWhere):
    disposal, reason, rejected_on = one_of(DISPOSALS), text(), day()


class DisposalApproved(ClueWhere):
    disposal, approver_level, approver_role = one_of(DISPOSALS), one_of(LEVELS), text()
    proposed_by, approved_by, approved_on, within_limit = text(), text(), day(), flag()
    reply_due_on, report_due_on = maybe(fields.Date()), maybe(fields.Date())


class ClueSuspended(ClueWhere):
    reason, suspended_on = text(), day()


class ClueResumed(ClueWhere):
    reason, resumed_on, disposal_due_on = text(), day(), day()


class ReplyReceived(ClueWhere):
    summary, received_on, on_time = text(), day(), flag()


class VerificationPlanned(ClueWhere):
    plan, team, planned_on = text(), names(), day()


class VerificationReported(ClueWhere):
    summary, signed_by, reported_on = text(), names(), day()


class ClueConcluded(ClueWhere):
    outcome, measure = one_of(OUTCOMES), maybe(fields.String(validate=validate.OneOf(MEASURES)))
    within_limit, concluded_on, receipt_hash, feedback_due_on = flag(), day(), text(), maybe(fields.Date())


class AcceptanceNotified(ClueWhere):
    notified_on, on_time = day(), flag()


class ClueFeedbackGiven(ClueWhere):
    feedback, given_on, on_time, receipt_hash = text(), day(), flag(), text()


class ObjectionRaised(ClueWhere):
    reason, raised_on, disposal_due_on, receipt_hash = text(), day(), day(), text()


class ReporterRevealed(ClueWhere):
    reason, revealed_to, revealed_on = text(), text(), day()


class ClueErased(ClueWhere):
    """The clue's reporter identity, submitter and sealed content were crypto-shredded: never who they were."""

    basis = one_of(("retention_expired", "reporter_request"))
    reason, erased_on = text(), day()
    retention_years = fields.Integer(required=True, validate=validate.Range(min=0))


class MasterKeyRotated(Strict):
    """Every live wrapped key in intake's vault now opens only under the key `key_id` names (not the key)."""

    reason, rotated_on, key_id = text(), day(), text()
    records, files = (fields.Integer(required=True, validate=validate.Range(min=0)) for _ in range(2))


class ConflictDeclared(ClueWhere):
    """A handler steps aside from a clue (回避): from now on they can neither read nor act on it."""

    declared_by, reason, declared_on = text(), text(), day()


class AttachmentAdded(ClueWhere):
    """A file attached to a clue, stored stripped of metadata and sealed in intake's vault: never its name."""

    attachment_id, content_type = text(), one_of(ATTACHMENT_TYPES)
    size = fields.Integer(required=True, validate=validate.Range(min=1))
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))


class ClueClock(ClueWhere):
    clock, due_on = one_of(CLUE_CLOCKS), day()


class OpinionWhere(Where):
    opinion_id, kind, receipt_hash = text(), one_of(("opinion", "problem")), text()


class OpinionReceived(OpinionWhere):
    channel, summary, category = one_of(CHANNELS), text(), maybe(fields.String())
    real_name, reporter_ref, received_on = flag(), maybe(fields.String()), day()


class OpinionAssigned(OpinionWhere):
    department, assigned_on = text(), day()


class OpinionResolved(OpinionWhere):
    resolution, resolved_on = text(), day()


class OpinionFeedbackGiven(OpinionWhere):
    feedback, given_on = text(), day()


class OpinionClosed(OpinionWhere):
    closed_on = day()


class InspectionRecorded(Where):
    inspection_id, held_on, subject, scope = text(), day(), text(), text()
    category, inspectors = maybe(fields.String()), names()


class FindingWhere(Where):
    inspection_id, finding_id = text(), text()


class FindingRecorded(FindingWhere):
    summary, category, item, recorded_on = text(), text(), maybe(fields.String()), day()


class RectificationOrdered(FindingWhere):
    deadline, responsible, ordered_on = day(), text(), day()


class RectificationReported(FindingWhere):
    summary, reported_on, on_time = text(), day(), flag()


class RectificationVerified(FindingWhere):
    verified_on, on_time = day(), flag()


class RectificationClock(FindingWhere):
    clock, due_on = one_of(("rectification",)), day()


class FindingEscalated(FindingWhere):
    clue_id = text()


EVENTS = {
    "clue.received": (1, ClueReceived),
    "clue.screened": (1, ClueScreened),
    "clue.registered": (1, ClueRegistered),
    "clue.reviewed": (1, ClueReviewed),
    "clue.disposal_proposed": (1, DisposalProposed),
    "clue.disposal_rejected": (1, DisposalRejected),
    "clue.disposal_approved": (1, DisposalApproved),
    "clue.suspended": (1, ClueSuspended),
    "clue.resumed": (1, ClueResumed),
    "clue.reply_received": (1, ReplyReceived),
    "clue.verification_planned": (1, VerificationPlanned),
    "clue.verification_reported": (1, VerificationReported),
    "clue.concluded": (1, ClueConcluded),
    "clue.acceptance_notified": (1, AcceptanceNotified),
    "clue.feedback_given": (1, ClueFeedbackGiven),
    "clue.objection_raised": (1, ObjectionRaised),
    "clue.reporter_revealed": (1, ReporterRevealed),
    "clue.attachment_added": (1, AttachmentAdded),
    "clue.erased": (1, ClueErased),
    "vault.master_key_rotated": (1, MasterKeyRotated),
    "clue.conflict_declared": (1, ConflictDeclared),
    "clue.due_soon": (1, ClueClock),
    "clue.overdue": (1, ClueClock),
    "opinion.received": (1, OpinionReceived),
    "opinion.assigned": (1, OpinionAssigned),
    "opinion.resolved": (1, OpinionResolved),
    "opinion.feedback_given": (1, OpinionFeedbackGiven),
    "opinion.closed": (1, OpinionClosed),
    "inspection.recorded": (1, InspectionRecorded),
    "inspection.finding_recorded": (1, FindingRecorded),
    "rectification.ordered": (1, RectificationOrdered),
    "rectification.reported": (1, RectificationReported),
    "rectification.verified": (1, RectificationVerified),
    "rectification.due_soon": (1, RectificationClock),
    "rectification.overdue": (1, RectificationClock),
    "finding.escalated": (1, FindingEscalated),
}
