"""Adding an attachment to a clue: checked, stripped of metadata, sealed in the vault, then recorded.

Who: the commissions handling the clue, in their scope; a reporter (citizen, informant, supervisor) only with the
clue's receipt code and before the clue is screened (`domain.evidence`). The reads are `reads.list_attachments`
and `reads.get_attachment`. The file name is kept only in the vault, never in an event or a projection; a reporter
who attaches is recorded, like a submitter, as a sealed vault reference.

The size limit is the setting INTAKE_ATTACHMENT_MAX_BYTES (`intake.settings`, default 5 MiB). The HTTP body limit
(`watchpost.runtime.web.MAX_BODY`, 8 MB) fits the base64 of 5 MiB plus headroom: a limit above about 5.9 MB needs a
larger MAX_BODY.
"""

import uuid
from dataclasses import dataclass

from watchpost.domain import Answer
from watchpost.errors import Forbidden, Invalid
from watchpost.handling import execute

from intake import attachments, knowing, receipts, settings
from intake.commands._common import one_unit, sealed_submitter, stream
from intake.domain import clue as clues
from intake.domain import evidence
from intake.pdf_sandbox import Sandbox


@dataclass
class Attached(Answer):
    """The recorded `clue.attachment_added` event, plus the new attachment's id and what was stored."""

    attachment_id: str | None = None
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None


def file_name(filename):
    """The name as given, without any directory part."""
    name = str(filename).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise Invalid("filename needs a name, not only a directory", field="filename")
    return name


def _checked(ctx, clue_id, receipt_hash, decide):
    """Decide on a clue the caller knows of (知情范围, 回避; a reporter: by its receipt code); any other clue
    answers as a missing one."""

    def decided(clue):
        if ctx.actor.role in evidence.REPORTERS:
            if not receipt_hash:
                raise Forbidden(
                    "a reporter attaches files with the clue's receipt code (field receipt_code)", field="receipt_code"
                )
            known = clue.receipt_hash == receipt_hash
        else:
            known = knowing.knows(ctx.actor, knowing.of_state(clue))
        if clue.status == "new" or not known:
            raise knowing.hidden(clue_id)
        return decide(clue)

    return decided


@one_unit
def add_attachment(store, ctx, *, vault, clue_id, filename, content_type, data, receipt_code=None):
    """Attach an image or a PDF to a clue: its metadata stripped, sealed in the vault, recorded by type, size
    and sha256 (answers with the attachment id)."""
    role = ctx.actor.role
    receipt_hash = receipts.receipt_hash(receipt_code) if receipt_code and role in evidence.REPORTERS else None
    _checked(ctx, clue_id, receipt_hash, lambda c: evidence.check_attach(c, role, receipt_hash))(
        clues.fold(store.load(stream(clue_id)))
    )
    name = file_name(filename)
    limits = settings.of(ctx)
    prepared = attachments.prepare(
        content_type, data, limits.attachment_max_bytes, Sandbox(limits.pdf_seconds, limits.pdf_memory_mib).strip
    )
    attachment_id = str(uuid.uuid4())
    vault.keep_file(
        attachment_id,
        clue_id,
        {"filename": name, "content_type": prepared.content_type, "size": prepared.size, "sha256": prepared.sha256},
        prepared.body,
    )
    recorded_ctx, submitter_ref = sealed_submitter(ctx, vault)
    try:
        events = execute(
            store,
            stream(clue_id),
            clues.fold,
            _checked(
                ctx,
                clue_id,
                receipt_hash,
                lambda c: evidence.attach(
                    c,
                    role,
                    attachment_id=attachment_id,
                    content_type=prepared.content_type,
                    size=prepared.size,
                    sha256=prepared.sha256,
                    receipt_hash=receipt_hash,
                ),
            ),
            recorded_ctx,
        )
    except Exception:
        vault.drop_file(attachment_id)
        vault.erase(submitter_ref)
        raise
    first = events[0].payload if events else {}
    if first.get("attachment_id") != attachment_id:  # a retried command: the first attempt's answer
        vault.drop_file(attachment_id)
        vault.erase(submitter_ref)
    return Attached(events, **{key: first.get(key) for key in ("attachment_id", "content_type", "size", "sha256")})
