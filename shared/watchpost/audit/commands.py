"""The subcommands of `watchpost-audit`: each takes the parsed arguments and an output, returns the exit status."""

import json
import sys
from datetime import datetime, timezone

from watchpost.audit import agreement, inspect, plugins
from watchpost.audit import completeness as completeness_
from watchpost.audit import export as export_
from watchpost.audit import replay as replay_
from watchpost.audit import scorecard as scorecard_
from watchpost.audit.checkpoint import check_signature, read_trusted_keys
from watchpost.audit.plugins import targets
from watchpost.audit.source import AuditError, opened
from watchpost.audit.verify import Verifier


def _print(out, doc):
    out.write(json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def _read_checkpoint(path):
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as exc:
        raise AuditError(f"{path}: not a readable checkpoint ({exc})") from None
    return doc.get("checkpoint", doc)  # a saved checkpoint, or `prove`'s output holding one


def _trusted(args):
    """{public key: service or None}: the keys named with --trusted-key and in the --trusted-keys file."""
    trusted = dict.fromkeys(args.trusted_key or ())
    if args.trusted_keys:
        try:
            trusted.update(read_trusted_keys(args.trusted_keys))
        except OSError as exc:
            raise AuditError(f"{args.trusted_keys}: not a readable file of trusted keys ({exc})") from None
    return trusted


def verify(args, out):
    outside = [(f"checkpoint file {path}", _read_checkpoint(path)) for path in args.checkpoint]
    trusted = _trusted(args)
    if args.export:
        report = export_.verify_export(args.export, outside, trusted, args.development)
        out.write(f"export {args.export}: {report}\n")
        return 0 if report.ok else 1
    failed, verified, chosen = False, 0, targets(args.service, args.schema)
    for service, schema in chosen:
        mine = [(n, cp) for n, cp in outside if args.service or cp.get("service") == service]
        try:
            with opened(args.database_url, service, schema) as source:
                verifier = Verifier(service, trusted_keys=trusted, development=args.development)
                report = verifier.run(source.rows(), head=source.head(), outside=mine)
        except AuditError as exc:
            if args.service:
                raise
            out.write(f"{service}: skipped ({exc})\n")
            continue
        out.write(f"{report}\n")
        failed, verified = failed or not report.ok, verified + 1
    if not verified:
        raise AuditError("no service's log was found in this database (name one with --service and --schema)")
    return 1 if failed else 0


def checkpoint(args, out):
    with opened(args.database_url, args.service, args.schema or args.service) as source:
        latest = inspect.latest_checkpoint(source)
    if latest is None:
        raise AuditError(f"{args.service}: no signed checkpoint in the log yet (POST /checkpoints signs one)")
    text = json.dumps(latest.payload, indent=2, sort_keys=True) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
        out.write(f"{args.service}: checkpoint over 1..{latest.payload['size']} saved to {args.out}\n")
    else:
        out.write(text)
    return 0


def _find(args, fn):
    """Run `fn(source)` on the named service, or on each until one has the thing (history, prove)."""
    last = None
    for service, schema in targets(args.service, args.schema):
        try:
            with opened(args.database_url, service, schema) as source:
                return fn(source)
        except AuditError as exc:
            last = exc
    raise last


def prove(args, out):
    result = _find(args, lambda source: inspect.prove(source, args.event_id))
    _print(out, result)
    wrong = check_signature(result["checkpoint"], _trusted(args), args.development)
    if wrong:
        print(f"watchpost-audit: the proof's checkpoint is not trusted: {wrong}", file=sys.stderr)
    return 0 if result["verified"] and wrong is None else 1


def consistency(args, out):
    with opened(args.database_url, args.service, args.schema or args.service) as source:
        result = inspect.consistency(source, args.old, args.new)
    _print(out, result)
    return 0 if result["verified"] and all(result["signed"].values()) else 1


def history(args, out):
    def look(source):
        events = inspect.history(source, args.stream_id)
        if not events:
            raise AuditError(f"no stream {args.stream_id!r}" + (f" in {source.service}" if args.service else ""))
        return source.service, events

    service, events = _find(args, look)
    out.write(f"{service} / {args.stream_id}: {len(events)} event(s)\n")
    for e in events:
        out.write(
            f"#{e['stream_version']} pos {e['position']}  {e['recorded_at']}  {e['type']}  by "
            f"{e['actor'].get('id')} ({e['actor'].get('role')})  occurred {e['occurred_at']}\n"
            f"    {json.dumps(e['payload'], ensure_ascii=False, sort_keys=True)}\n"
        )
    return 0


def _schemas(pairs):
    bad = [p for p in pairs if "=" not in p]
    if bad:
        raise AuditError(f"--source-schema takes SOURCE=SCHEMA, not {', '.join(bad)}")
    return dict(pair.split("=", 1) for pair in pairs)


def refused(args, out):
    """Every refusal in each consumer's stream `consumer-<source>`; exit 1 while any is not re-applied."""
    waiting = 0
    for service, schema in targets(args.service, args.schema):
        try:
            with opened(args.database_url, service, schema) as source:
                found = inspect.refusals(source)
        except AuditError as exc:
            if args.service:
                raise
            out.write(f"{service}: skipped ({exc})\n")
            continue
        out.write(f"{service}: {len(found)} refused event(s), {sum(r['outstanding'] for r in found)} not re-applied\n")
        for r in found:
            waiting += r["outstanding"]
            out.write(
                f"  {r['source']} pos {r['position']} {r['type']} ({r['event_id']}): {r['error']}: "
                f"{r['message']} [{'refused' if r['outstanding'] else 're-applied'}]\n"
            )
    return 1 if waiting else 0


def as_of(args, out):
    moment = inspect.parse_time(args.time)
    if args.scorecard:
        community, period = args.scorecard
        cards = plugins.of(args.service).SCORECARDS
        with opened(args.database_url, args.service, args.schema or args.service) as source:
            _print(
                out,
                scorecard_.scorecard_as_of(
                    source, args.database_url, community, period, moment, cards, _schemas(args.source_schema)
                ),
            )
        return 0
    with opened(args.database_url, args.service, args.schema or args.service) as source:
        _print(out, inspect.as_of(source, args.stream, moment))
    return 0


def export(args, out):
    with opened(args.database_url, args.service, args.schema or args.service) as source:
        manifest = export_.export(source, args.out, args.first, args.last)
    out.write(
        f"{args.service}: exported {manifest['count']} events ({manifest['from']}..{manifest['to']}) to {args.out}\n"
    )
    return 0


def replay(args, out):
    projections = replay_.load_projections(args.service, args.projections)
    schemas = _schemas(args.source_schema)
    with opened(args.database_url, args.service, args.schema or args.service) as source:
        folded, compared, diffs = replay_.replay(source, projections, args.database_url, args.with_sources, schemas)
    for name, key, what in diffs:
        out.write(f"DIFFERENCE {name} {key}: {what}\n")
    out.write(
        f"{args.service}: replayed {folded} events over {len(projections)} projections; "
        f"{compared} live documents; {len(diffs)} difference(s)\n"
    )
    return 1 if diffs else 0


def completeness(args, out):
    today = inspect.parse_time(args.today).date() if args.today else datetime.now(timezone.utc).date()
    service, rules = plugins.providing("COMPLETENESS")
    with opened(args.database_url, service, args.schema or service) as source:
        report = completeness_.completeness(source, args.period, today, rules)
        if not args.intake_only:
            counter, counting = _counter_of(service)
            with opened(args.database_url, counter, args.assessment_schema or counter) as counted:
                report["scorecards"] = agreement.agreement(source, counted, args.period, counting)
    if args.json:
        _print(out, report)
    else:
        out.write(completeness_.render(report) + "\n")
        if "scorecards" in report:
            out.write(agreement.render(report["scorecards"]) + "\n")
    mismatches = report.get("scorecards", {}).get("mismatches")
    return 1 if report["anomalies"] or mismatches else 0


def _counter_of(service):
    """(name, Agreement) of the service that counts `service`'s events."""
    found = [
        (name, m.AGREEMENT)
        for name, m in plugins.declared().items()
        if getattr(m, "AGREEMENT", None) is not None and m.AGREEMENT.source == service
    ]
    if not found:
        raise AuditError(f"no installed service declares an AGREEMENT counting {service}'s events; pass --intake-only")
    return found[0]
