"""The intake service's nameko entrypoints: routes to commands and reads, nothing else (see watchpost.runtime)."""

import pathlib

from watchpost.runtime import EventLog, Route, Settings, WatchpostService, expose, route_makers

from intake import reads, timers
from intake.access import ALLOWED
from intake.commands import attachments, clues, inspections, opinions, submissions
from intake.commands import vault as vault_commands
from intake.consumers import CONSUMERS
from intake.dependencies import Vault
from intake.projections import PROJECTIONS
from intake.schemas import SCHEMAS
from intake.settings import from_mapping as read_settings

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
    post("/receipts/lookup", reads.lookup_receipt),
    Route("GET", "/receipts/<code>", reads.receipt_moved, SCHEMAS["receipt_moved"], 410),  # documented as 410
    on_clue("screen", clues.screen_clue, VAULT),
    on_clue("register", clues.register_clue),
    on_clue("review", clues.review_clue),
    on_clue("propose-disposal", clues.propose_disposal),
    on_clue("approve-disposal", clues.approve_disposal),
    on_clue("reject-disposal", clues.reject_disposal),
    on_clue("resume", clues.resume_clue),
    on_clue("record-reply", clues.record_reply),
    on_clue("plan-verification", clues.plan_verification),
    on_clue("report-verification", clues.report_verification),
    on_clue("conclude", clues.conclude_clue),
    on_clue("notify-acceptance", clues.notify_acceptance),
    on_clue("feedback", clues.give_feedback),
    on_clue("objection", clues.raise_objection),
    on_clue("reveal-reporter", clues.reveal_reporter, VAULT),
    on_clue("erase", vault_commands.erase_clue, VAULT),
    post("/vault/rotate-master-key", vault_commands.rotate_master_key, 200, VAULT),
    on_clue("declare-conflict", clues.declare_conflict),
    # attachments (证据材料): stripped of metadata, sealed in the vault
    post("/clues/<clue_id>/attachments", attachments.add_attachment, 201, VAULT),
    get("/clues/<clue_id>/attachments", reads.list_attachments),
    get("/clues/<clue_id>/attachments/<attachment_id>", reads.get_attachment, VAULT),
    # opinions and problems (民情)
    post("/opinions", submissions.receive_opinion, 201, VAULT),
    get("/opinions", reads.list_opinions),
    get("/opinions/<opinion_id>", reads.get_opinion),
    post("/opinions/<opinion_id>/assign", opinions.assign_opinion),
    post("/opinions/<opinion_id>/resolve", opinions.resolve_opinion),
    post("/opinions/<opinion_id>/feedback", opinions.give_opinion_feedback),
    post("/opinions/<opinion_id>/close", opinions.close_opinion),
    # inspections (监督检查), findings, rectifications (整改)
    post("/inspections", inspections.record_inspection, 201),
    get("/inspections", reads.list_inspections),
    get("/inspections/<inspection_id>", reads.get_inspection),
    post("/inspections/<inspection_id>/findings", inspections.record_finding, 201),
    on_finding("rectification", inspections.order_rectification),
    on_finding("rectification/report", inspections.report_rectification),
    on_finding("rectification/verify", inspections.verify_rectification),
    on_finding("escalate", inspections.escalate_finding, 201, VAULT),
    # the seed's figures
    get("/counts", reads.counts),
]


@expose(ROUTES, ALLOWED, ticks=[timers.tick], consumes=CONSUMERS)
class IntakeService(WatchpostService):
    """问题线索 and 民情 intake: clues, opinions and problems, inspections; reporters protected."""

    name = "intake"
    store = EventLog(projections=PROJECTIONS, migrations=[MIGRATIONS])
    vault = Vault()
    settings = Settings(read_settings)
