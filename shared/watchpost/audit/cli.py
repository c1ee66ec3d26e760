"""`watchpost-audit`: the auditors' command line (see docs/audit.md). Read-only: it connects with
WATCHPOST_AUDIT_DATABASE_URL (its own read-only login; else WATCHPOST_DATABASE_URL, or --database-url), takes the
role `watchpost_auditor`, and never decrypts reporter data.

Exit status: 0 intact / identical / verified; 1 a finding (tampering, a difference, a proof that fails);
2 the tool could not do its job (bad arguments, no such schema or event, database unreachable).
"""

import argparse
import sys

from watchpost import config
from watchpost.audit import commands, plugins
from watchpost.audit.source import AuditError


def _service(p, required=False):
    p.add_argument("--service", required=required, help="which service's log (default: every service installed)")
    p.add_argument("--schema", help="the schema holding that log (default: the service's name)")


def _trust(p):
    p.add_argument(
        "--trusted-key",
        action="append",
        default=[],
        metavar="BASE64",
        help="a checkpoint public key you trust (GET /checkpoints/key); repeatable",
    )
    p.add_argument(
        "--trusted-keys",
        metavar="FILE",
        help="a file of trusted public keys, `SERVICE KEY` or `KEY` a line (watchpost-keys writes one)",
    )
    p.add_argument(
        "--development",
        action="store_true",
        help="also accept the development key (key_id dev-...), which anyone can sign with",
    )


def parser():
    top = argparse.ArgumentParser(prog="watchpost-audit", description=__doc__.split("\n\n")[0])
    top.add_argument(
        "--database-url", default=None, help="default: WATCHPOST_AUDIT_DATABASE_URL, else WATCHPOST_DATABASE_URL"
    )
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("verify", help="positions, hashes, checkpoints of each log (or an export, offline)")
    _service(p)
    p.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="a checkpoint kept outside the database (JSON); repeatable",
    )
    p.add_argument("--export", metavar="DIR", help="verify an export directory instead, with no database")
    _trust(p)
    p = sub.add_parser("checkpoint", help="save the latest signed checkpoint in the log, to keep outside it")
    _service(p, required=True)
    p.add_argument("--out", metavar="FILE", help="write it here (default: print)")
    p = sub.add_parser("prove", help="inclusion proof of an event against the latest checkpoint (JSON)")
    p.add_argument("event_id")
    _service(p)
    _trust(p)
    p = sub.add_parser("consistency", help="consistency proof between the trees of two sizes (JSON)")
    _service(p, required=True)
    p.add_argument("--from", dest="old", type=int, required=True)
    p.add_argument("--to", dest="new", type=int, required=True)
    p = sub.add_parser("history", help="every event of one stream, with actors and times")
    p.add_argument("stream_id")
    _service(p)
    p = sub.add_parser("as-of", help="a stream's state, or a community's scorecard, as the logs knew them at a time")
    p.add_argument("time", help="ISO date (end of that day, UTC) or date-time")
    _service(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--stream", help="a stream of the --service's log, folded generically")
    what.add_argument(
        "--scorecard",
        nargs=2,
        metavar=("COMMUNITY", "PERIOD"),
        help="assessment's scorecard, from its log and its sources' logs (--schema: assessment's)",
    )
    p.add_argument("--source-schema", action="append", default=[], metavar="SOURCE=SCHEMA")
    p = sub.add_parser("export", help="events as JSON Lines with hashes, plus manifest.json")
    _service(p, required=True)
    p.add_argument("--from", dest="first", type=int, default=1)
    p.add_argument("--to", dest="last", type=int, default=None)
    p.add_argument("--out", required=True, metavar="DIR")
    p = sub.add_parser("replay", help="rebuild the projections from the log and compare with the live ones")
    _service(p, required=True)
    p.add_argument(
        "--projections",
        metavar="MODULE",
        help="ALL or PROJECTIONS of this module (default: those "
        "the service declares under the entry point group watchpost.audit)",
    )
    p.add_argument(
        "--with-sources",
        action="store_true",
        default=None,
        help="fold the consumed sources' events first (default: as the service declares)",
    )
    p.add_argument("--source-schema", action="append", default=[], metavar="SOURCE=SCHEMA")
    p = sub.add_parser("refused", help="other services' events a consumer refused, and whether re-applied since")
    _service(p)
    p = sub.add_parser("completeness", help="clues received in a period: terminal, or open with their age")
    p.add_argument("--period", required=True, help="YYYY-MM or YYYY-Qn")
    p.add_argument("--schema", help="the schema of the service declaring COMPLETENESS (intake; default: its name)")
    p.add_argument(
        "--assessment-schema",
        default=None,
        help="the schema of the service whose facts the counts are "
        "compared with (the one declaring AGREEMENT: assessment; default: its name)",
    )
    p.add_argument("--intake-only", action="store_true", help="do not compare the counts with assessment's")
    p.add_argument("--today", help="age open clues up to this date (default: today, UTC)")
    p.add_argument("--json", action="store_true")
    return top


def main(argv=None):
    top = parser()
    args = top.parse_args(argv)
    if args.command == "as-of" and args.stream and not args.service:
        top.error("as-of --stream needs --service (which service's log holds the stream)")
    if (
        args.command == "as-of"
        and args.scorecard
        and args.service is not None
        and not hasattr(plugins.of(args.service), "SCORECARDS")
    ):
        scorers = [name for name, module in plugins.declared().items() if hasattr(module, "SCORECARDS")]
        top.error(
            f"as-of --scorecard reads the log of the service declaring SCORECARDS ({', '.join(scorers)}); "
            "--service, if given, must be it"
        )
    args.database_url = args.database_url or config.audit_database_url() or config.database_url()
    try:
        if args.command == "as-of" and args.scorecard:
            args.service = args.service or plugins.providing("SCORECARDS")[0]
        return getattr(commands, args.command.replace("-", "_"))(args, sys.stdout)
    except AuditError as exc:
        print(f"watchpost-audit: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
