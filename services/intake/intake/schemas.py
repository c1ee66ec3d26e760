"""Request schemas at the HTTP/RPC boundary (marshmallow 4): one per command and read, unknown fields refused.

`SCHEMAS[name]` gives the schema class for the handler or read of the same name. Vault, store and ctx are not
request fields: the entrypoint supplies them.
"""

from marshmallow import RAISE, Schema, fields, post_load, validate

from watchpost.fields import Day, Id, Limit, Offset, refuse_future

from intake.attachments import TYPES as ATTACHMENT_TYPES
from intake.domain.disposal import DISPOSALS, LIGHT_MEASURES, OUTCOMES
from intake.domain.opinion import KINDS
from intake.domain.rules import RANKS
from intake.domain.screening import CHANNELS
from intake.domain.screening import OUTCOMES as SCREENINGS

Code = lambda **kw: Id(length=16, **kw)  # noqa: E731  a catalogue code (category, item)


def text(limit, **kw):
    return fields.String(validate=validate.Length(min=1, max=limit), **kw)


def choice(options, **kw):
    return fields.String(validate=validate.OneOf(options), **kw)


def people(**kw):
    return fields.List(Id(), validate=validate.Length(min=1, max=30), **kw)


def receipt(**kw):
    """A receipt code as typed: 20 letters and digits in groups, with dashes or spaces (intake.receipts)."""
    return fields.String(
        validate=[
            validate.Length(min=20, max=40),
            validate.Regexp(
                r"^[0-9A-Za-z \-]*$", error="must be letters and digits in groups of four, with dashes or spaces"
            ),
        ],
        **kw,
    )


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Reporter(Strict):
    name = text(50, required=True)
    phone = fields.String(
        validate=validate.Regexp(
            r"^(\+?[0-9 \-]{5,20})?$", error="must be 5 to 20 digits, spaces or hyphens, after an optional +; or empty"
        ),
        load_default="",
    )


class Accused(Strict):
    name = text(50, load_default=None)
    post = text(50, required=True)
    rank = choice(RANKS, required=True)


class Where(Strict):
    community, street = Id(required=True), Id(required=True)


class ReceiveClue(Where):
    channel = choice(CHANNELS, required=True)
    summary = text(200, required=True)
    details = fields.String(validate=validate.Length(max=10000), load_default="")
    category, item = Code(required=True), Code(load_default=None)
    accused = fields.Nested(Accused, required=True)
    reporter = fields.Nested(Reporter, load_default=None)


class ClueRef(Strict):
    clue_id = Id(required=True)


class ScreenClue(ClueRef):
    outcome = choice(SCREENINGS, required=True)
    reason = text(1000, required=True)
    repeat_of, transferred_to = Id(load_default=None), text(100, load_default=None)
    new_substance = fields.Boolean(load_default=False)


class RegisterClue(ClueRef):
    ledger_no = text(40, required=True)


class ReviewClue(ClueRef):
    participants, conclusion = people(required=True), text(2000, required=True)


class ProposeDisposal(ClueRef):
    disposal, reason = choice(DISPOSALS, required=True), text(2000, required=True)


class Reasoned(ClueRef):
    reason = text(2000, required=True)


class RecordReply(ClueRef):
    summary = text(4000, required=True)


class PlanVerification(ClueRef):
    plan, team = text(4000, required=True), people(required=True)


class ReportVerification(ClueRef):
    summary, signed_by = text(8000, required=True), people(required=True)


class ConcludeClue(ClueRef):
    outcome, measure = choice(OUTCOMES, required=True), choice(LIGHT_MEASURES, load_default=None)


class GiveFeedback(ClueRef):
    feedback = text(2000, required=True)


class AddAttachment(ClueRef):
    filename = text(255, required=True)
    content_type = choice(ATTACHMENT_TYPES, required=True)
    data = fields.String(required=True, validate=validate.Length(min=1))
    receipt_code = receipt(load_default=None)


class AttachmentRef(ClueRef):
    attachment_id = Id(required=True)


class ReceiveOpinion(Where):
    kind, channel = choice(KINDS, required=True), choice(CHANNELS, required=True)
    summary, category = text(500, required=True), Code(load_default=None)
    reporter = fields.Nested(Reporter, load_default=None)


class OpinionRef(Strict):
    opinion_id = Id(required=True)


class AssignOpinion(OpinionRef):
    department = text(100, required=True)


class ResolveOpinion(OpinionRef):
    resolution = text(2000, required=True)


class OpinionFeedback(OpinionRef):
    feedback = text(2000, required=True)


class RecordInspection(Where):
    held_on, subject, scope = Day(required=True), text(200, required=True), text(200, required=True)
    category, inspectors = Code(load_default=None), people(load_default=list)

    @post_load
    def _held(self, data, **kwargs):
        return refuse_future(data, "held_on")


class InspectionRef(Strict):
    inspection_id = Id(required=True)


class RecordFinding(InspectionRef):
    summary, category, item = text(1000, required=True), Code(required=True), Code(load_default=None)


class FindingRef(InspectionRef):
    finding_id = Id(required=True)


class OrderRectification(FindingRef):
    deadline, responsible = Day(required=True), text(100, required=True)


class ReportRectification(FindingRef):
    summary = text(2000, required=True)


class EscalateFinding(FindingRef):
    accused = fields.Nested(Accused, required=True)
    summary = text(200, load_default=None)


class Page(Strict):
    limit, offset = Limit(50, 200), Offset()
    community, street = Id(load_default=None), Id(load_default=None)


class ListClues(Page):
    status, overdue = text(40, load_default=None), fields.Boolean(load_default=None)


class ListOpinions(Page):
    kind, status = choice(KINDS, load_default=None), text(40, load_default=None)


class Counts(Strict):
    community, street = Id(load_default=None), Id(load_default=None)


class Receipt(Strict):
    receipt_code = receipt(required=True)


class EraseClue(Reasoned):
    basis = choice(("retention_expired", "reporter_request"), required=True)


class RotateMasterKey(Strict):
    reason = text(2000, required=True)


class OldReceiptPath(Strict):
    code = fields.String(required=True)


class Empty(Strict):
    pass


SCHEMAS = {
    "receive_clue": ReceiveClue,
    "screen_clue": ScreenClue,
    "register_clue": RegisterClue,
    "review_clue": ReviewClue,
    "propose_disposal": ProposeDisposal,
    "approve_disposal": ClueRef,
    "reject_disposal": Reasoned,
    "resume_clue": Reasoned,
    "record_reply": RecordReply,
    "plan_verification": PlanVerification,
    "report_verification": ReportVerification,
    "conclude_clue": ConcludeClue,
    "notify_acceptance": ClueRef,
    "give_feedback": GiveFeedback,
    "raise_objection": Reasoned,
    "reveal_reporter": Reasoned,
    "erase_clue": EraseClue,
    "rotate_master_key": RotateMasterKey,
    "add_attachment": AddAttachment,
    "list_attachments": ClueRef,
    "get_attachment": AttachmentRef,
    "receive_opinion": ReceiveOpinion,
    "assign_opinion": AssignOpinion,
    "resolve_opinion": ResolveOpinion,
    "give_opinion_feedback": OpinionFeedback,
    "close_opinion": OpinionRef,
    "record_inspection": RecordInspection,
    "record_finding": RecordFinding,
    "order_rectification": OrderRectification,
    "report_rectification": ReportRectification,
    "verify_rectification": FindingRef,
    "escalate_finding": EscalateFinding,
    "tick": Empty,
    "get_clue": ClueRef,
    "clue_history": ClueRef,
    "list_clues": ListClues,
    "lookup_receipt": Receipt,
    "receipt_moved": OldReceiptPath,
    "declare_conflict": Reasoned,
    "get_opinion": OpinionRef,
    "list_opinions": ListOpinions,
    "get_inspection": InspectionRef,
    "list_inspections": Page,
    "counts": Counts,
}
