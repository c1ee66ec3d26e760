"""Export a range of a log as JSON Lines with hashes and a manifest; verify an export offline, with no database.

`events.jsonl`: one event per line (`event_to_json`, sorted keys), positions from..to. `manifest.json`: service,
range, count, the hash before the range, first and last hash, the Merkle root over 1..to when the range starts at
1, and the sha256 of events.jsonl. An export is trusted as far as the signed checkpoints in it (or one kept outside)
cover it; the manifest alone can be rewritten by whoever rewrites the lines.
"""

import hashlib
import json
import pathlib

import orjson

from watchpost.audit.checkpoint import SELF_CHECK
from watchpost.audit.source import AuditError, Row
from watchpost.audit.verify import Verifier, _Stop
from watchpost.domain import utcnow
from watchpost.eventlog.model import GENESIS, canonical, event_from_json, event_to_json, hashed_fields, iso

EVENTS, MANIFEST = "events.jsonl", "manifest.json"


def export(source, out, first=1, last=None):
    """Write `source`'s events first..last (default: to the end) into directory `out`; returns the manifest."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if first < 1:
        raise AuditError("--from must be 1 or more")
    prev = GENESIS if first == 1 else (source.hashes(first - 1) or [None])[-1]
    if prev is None:
        raise AuditError(f"{source.service}: there is no event {first - 1} to chain the export from")
    verifier = Verifier(source.service, start=first, prev_hash=prev, trusted_keys=SELF_CHECK)  # trust: at verify
    digest, count, first_hash = hashlib.sha256(), 0, None
    with open(out / EVENTS, "wb") as fh:
        for row in source.rows(after=first - 1, upto=last):
            try:
                verifier.feed(row)  # a damaged range is not exported
            except _Stop:
                raise AuditError(f"not exported: {verifier.report}") from None
            line = orjson.dumps(event_to_json(row.event()), option=orjson.OPT_SORT_KEYS) + b"\n"
            fh.write(line)
            digest.update(line)
            count, first_hash = count + 1, first_hash or row.hash.strip()
    manifest = {
        "service": source.service,
        "schema": source.schema,
        "from": first,
        "to": first + count - 1,
        "count": count,
        "prev_hash": prev,
        "first_hash": first_hash,
        "last_hash": verifier.prev if count else None,
        "root": verifier.root_at(count).hex() if first == 1 else None,
        "checkpoints": [size for _, size in verifier.report.checkpoints],
        "events_sha256": digest.hexdigest(),
        "exported_at": iso(utcnow()),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _rows(path):
    """Rows of an export file; a line that is not an event comes as a string saying so."""
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            try:
                event = event_from_json(orjson.loads(line))
            except Exception as exc:  # noqa: BLE001 - a finding, not a crash
                yield f"line {number} of {EVENTS} is not an event ({type(exc).__name__}: {exc})"
                continue
            yield Row(event.position, {}, canonical(hashed_fields(event)).decode(), event.prev_hash, event.hash)


def verify_export(directory, outside=(), trusted_keys=None, development=False):
    """Check an export offline: the chain from the manifest's prev_hash, counts, hashes, root, checkpoints."""
    directory = pathlib.Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        raw = (directory / EVENTS).read_bytes()
    except (OSError, ValueError) as exc:
        raise AuditError(f"{directory}: not a readable export ({exc})") from None
    verifier = Verifier(
        manifest.get("service", "export"),
        start=manifest.get("from", 1),
        prev_hash=manifest.get("prev_hash", GENESIS),
        trusted_keys=trusted_keys,
        development=development,
    )
    try:
        for row in _rows(directory / EVENTS):
            if isinstance(row, str):
                verifier.fail(verifier.expected, row)
            verifier.feed(row)
        verifier.finish(outside=outside)
    except _Stop:
        pass
    report = verifier.report
    if not report.ok:
        return report
    checks = [
        ("count", report.events, manifest.get("count")),
        ("last_hash", verifier.prev if report.events else None, manifest.get("last_hash")),
        ("to", verifier.expected - 1, manifest.get("to")),
        ("events_sha256", hashlib.sha256(raw).hexdigest(), manifest.get("events_sha256")),
    ]
    if verifier.complete:
        checks.append(("root", verifier.root_at(report.events).hex(), manifest.get("root")))
    for name, actual, claimed in checks:
        if actual != claimed:
            report.position = verifier.expected - 1
            report.problem = f"manifest {name} is {claimed!r}, the events give {actual!r}"
            break
    return report
