"""The intake service's nameko entrypoints: routes to handlers, nothing else (see watchpost.runtime)."""
import pathlib

from watchpost.runtime import EventLog, WatchpostService, expose, route_makers

from intake import consumers, handlers, reads, submissions, timers
from intake.access import ALLOWED
from intake.dependencies import Vault
from intake.projections import ALL
from intake.schemas import SCHEMAS

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"
VAULT = ("vault",)


post, get = route_makers(SCHEMAS)


def on_clue(command, fn, extras=()):
    return post(f"/clues/<clue_id>/{command}", fn, extras=extras)


def on_finding(command, fn, status=200, extras=()):
    return post(f"/inspections/<inspection_id>/findings/<finding_id>/{command}", fn, status, extras)


ROUTES = [
    # clues (问题线索)
    post("/clues", submissions.receive_clue, 201, VAULT),
    get("/clues", reads.list_clues),
    get("/clues/<clue_id>", reads.get_clue),
    get("/clues/<clue_id>/history", reads.clue_history),
    get("/receipts/<code>", reads.lookup_receipt, code="receipt_code"),
    on_clue("screen", handlers.screen_clue, VAULT),
    on_clue("register", handlers.register_clue),
    on_clue("review", handlers.review_clue),
    on_clue("propose-disposal", handlers.propose_disposal),
    on_clue("approve-disposal", handlers.approve_disposal),
    on_clue("reject-disposal", handlers.reject_disposal),
    on_clue("resume", handlers.resume_clue),
    on_clue("record-reply", handlers.record_reply),
    on_clue("plan-verification", handlers.plan_verification),
    on_clue("report-verification", handlers.report_verification),
    on_clue("conclude", handlers.conclude_clue),
    on_clue("notify-acceptance", handlers.notify_acceptance),
    on_clue("feedback", handlers.give_feedback),
    on_clue("objection", handlers.raise_objection),
    on_clue("reveal-reporter", handlers.reveal_reporter, VAULT),
    # attachments (证据材料): stripped of metadata, sealed in the vault
    post("/clues/<clue_id>/attachments", handlers.add_attachment, 201, VAULT),
    get("/clues/<clue_id>/attachments", reads.list_attachments),
    get("/clues/<clue_id>/attachments/<attachment_id>", reads.get_attachment, VAULT),
    # opinions and problems (民情)
    post("/opinions", submissions.receive_opinion, 201, VAULT),
    get("/opinions", reads.list_opinions),
    get("/opinions/<opinion_id>", reads.get_opinion),
    post("/opinions/<opinion_id>/assign", handlers.assign_opinion),
    post("/opinions/<opinion_id>/resolve", handlers.resolve_opinion),
    post("/opinions/<opinion_id>/feedback", handlers.give_opinion_feedback),
    post("/opinions/<opinion_id>/close", handlers.close_opinion),
    # inspections (监督检查), findings, rectifications (整改)
    post("/inspections", handlers.record_inspection, 201),
    get("/inspections", reads.list_inspections),
    get("/inspections/<inspection_id>", reads.get_inspection),
    post("/inspections/<inspection_id>/findings", handlers.record_finding, 201),
    on_finding("rectification", handlers.order_rectification),
    on_finding("rectification/report", handlers.report_rectification),
    on_finding("rectification/verify", handlers.verify_rectification),
    on_finding("escalate", handlers.escalate_finding, 201, VAULT),
    # the seed's figures
    get("/counts", reads.counts),
]


@expose(ROUTES, ALLOWED, ticks=[timers.tick],
        consumes={"liaison": {"feedback.major_problem_flagged": consumers.major_problem_flagged}})
class IntakeService(WatchpostService):
    """问题线索 and 民情 intake: clues, opinions and problems, inspections; reporters protected."""
    name = "intake"
    store = EventLog(projections=ALL, migrations=[MIGRATIONS])
    vault = Vault()
