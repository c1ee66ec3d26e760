"""Signed checkpoints: {service, size, root, signed_at, key_id, signature} over events 1..size, Ed25519.

`sign_checkpoint(store, ctx, signing_key)` is handler-shaped (any store: memory or PostgreSQL) and appends the
checkpoint as `checkpoint.signed` on stream `checkpoint-log`, so every subscriber holds a copy. The checkpoint
event itself lands at a later position (size + 1 when nothing else was appended meanwhile).
"""

import base64
import hashlib
import itertools

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from watchpost import config
from watchpost.audit.merkle import Frontier, leaf_hash
from watchpost.domain import Change
from watchpost.errors import WatchpostError
from watchpost.eventlog.model import GENESIS, ChainBroken, canonical, iso, verify_chain
from watchpost.keys import KeysRefused

TYPE, STREAM = "checkpoint.signed", "checkpoint-log"
SIGNED_FIELDS = ("service", "size", "root", "signed_at", "key_id")
DOMAIN = b"watchpost-checkpoint/v1\n"
# DEVELOPMENT ONLY: derived from a public string, so anyone can sign with it. Set <SERVICE>_CHECKPOINT_KEY.
DEV_SEED = config.DEV_CHECKPOINT_SEED


class LogDamaged(WatchpostError):
    """The log failed its own chain check: nothing is signed over a damaged log."""

    status, code = 409, "log_damaged"


def load_signing_key(value=None, service=None):
    """The key from `value`, else the service's own <SERVICE>_CHECKPOINT_KEY (base64 raw 32 bytes); in development
    WATCHPOST_CHECKPOINT_KEY, else the marked development key. Outside development a missing key is refused."""
    value = value if value is not None else config.service_checkpoint_key(service)
    variable = config.checkpoint_key_variable(service) if service else "<SERVICE>_CHECKPOINT_KEY"
    if not value and not config.development():
        raise KeysRefused(
            f"{variable} is missing: each service signs its checkpoints with its own key; make one "
            "with `watchpost-keys` (the development key signs only when WATCHPOST_ENV=development)"
        )
    seed = base64.b64decode(value, validate=True) if value else DEV_SEED
    if len(seed) != 32:
        raise ValueError(f"{variable} must be base64 of a raw 32-byte Ed25519 private key")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_bytes(key):
    key = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_raw):
    """sha256 of the public key, 16 hex digits; `dev-` in front when it is the development key."""
    dev = public_raw == public_bytes(Ed25519PrivateKey.from_private_bytes(DEV_SEED))
    return ("dev-" if dev else "") + hashlib.sha256(public_raw).hexdigest()[:16]


def published_key(signing_key):
    raw = public_bytes(signing_key)
    return {"key_id": key_id(raw), "public_key": base64.b64encode(raw).decode(), "algorithm": "Ed25519"}


def message(checkpoint):
    return DOMAIN + canonical({k: checkpoint[k] for k in SIGNED_FIELDS})


def make_checkpoint(signing_key, service, frontier, signed_at):
    body = {
        "service": service,
        "size": frontier.size,
        "root": frontier.root().hex(),
        "frontier": [h.hex() for h in frontier.hashes],
        "signed_at": iso(signed_at),
    }
    pub = published_key(signing_key)
    body.update(key_id=pub["key_id"], public_key=pub["public_key"])
    body["signature"] = base64.b64encode(signing_key.sign(message(body))).decode()
    return body


def read_trusted_keys(path):
    """An auditor's file of trusted public keys: one a line, `KEY` or `SERVICE KEY` (as `watchpost-keys` writes
    it); `#` starts a comment. Returns {base64 key: service or None (any service)}."""
    trusted = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            words = line.split("#", 1)[0].split()
            if words:
                trusted[words[-1]] = words[0] if len(words) > 1 else None
    return trusted


def untrusted(checkpoint, trusted_keys, development=False):
    """Why the key that signed `checkpoint` is not to be believed, or None. The key inside a checkpoint proves
    nothing by itself: only keys the auditor trusts count, and the development key (key_id `dev-`), which anyone
    can sign with, only when the auditor says this is a development machine."""
    if checkpoint["key_id"].startswith("dev-"):
        if development:
            return None
        return (
            f"signed with the development key {checkpoint['key_id']}, which anyone can sign with: untrusted "
            "(on a development machine pass --development)"
        )
    trusted = trusted_keys if isinstance(trusted_keys, dict) else dict.fromkeys(trusted_keys or ())
    if not trusted:
        return (
            f"signed by key {checkpoint['key_id']}, but no key is trusted: pass the services' public keys "
            "with --trusted-key or --trusted-keys FILE (from `watchpost-keys` or GET /checkpoints/key)"
        )
    if checkpoint["public_key"] not in trusted:
        return f"signed by key {checkpoint['key_id']}, which is not among the trusted keys"
    if trusted[checkpoint["public_key"]] not in (None, checkpoint.get("service")):
        return (
            f"signed by key {checkpoint['key_id']}, which is trusted for {trusted[checkpoint['public_key']]}, "
            f"not for {checkpoint.get('service')}"
        )
    return None


SELF_CHECK = object()  # as trusted_keys: check a checkpoint against its own key only (choosing one, exporting)


def well_signed(checkpoint):
    """The signature holds for the key the checkpoint carries: enough to pick a checkpoint to work with, never to
    believe it (that is `check_signature` with the auditor's trusted keys)."""
    return check_signature(checkpoint, SELF_CHECK) is None


def check_signature(checkpoint, trusted_keys=None, development=False):
    """Return None when the signature is good and by a trusted key, else what is wrong. `trusted_keys`: base64
    public keys ({key: service or None} or a list); `development`: accept the development key too."""
    try:
        raw = base64.b64decode(checkpoint["public_key"], validate=True)
        if checkpoint["key_id"] != key_id(raw):
            return f"key_id {checkpoint['key_id']} does not name the public key it carries"
        if trusted_keys is not SELF_CHECK and (wrong := untrusted(checkpoint, trusted_keys, development)) is not None:
            return wrong
        Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(checkpoint["signature"]), message(checkpoint))
    except InvalidSignature:
        return "the Ed25519 signature does not verify"
    except (KeyError, ValueError, TypeError) as exc:
        return f"the checkpoint is malformed: {exc}"
    return None


def _start(store, upto):
    """Resume from the newest earlier checkpoint's frontier (kept in the log), or from the start."""
    for event in reversed(store.load(STREAM)):
        size = event.payload.get("size", 0)
        if event.type == TYPE and 0 < size <= upto:
            last = store.read_after(size - 1, 1)
            if last:
                return Frontier(size, [bytes.fromhex(h) for h in event.payload["frontier"]]), last[0].hash
    return Frontier(), GENESIS


def sign_checkpoint(store, ctx, signing_key=None, service=None, only_if_new=False):
    """Sign a checkpoint over the whole log as it stands and append it. `only_if_new` (the timer) skips when
    nothing but checkpoints happened since the last one. Returns the recorded events ([] when skipped)."""
    signing_key = signing_key or load_signing_key()
    service = service or ctx.extra.get("service") or getattr(store, "schema", "watchpost")
    size, _ = store.head()
    if only_if_new and (size == 0 or store.read_after(size - 1, 1)[0].type == TYPE):
        return []
    frontier, prev = _start(store, size)
    events = store.replay(after=frontier.size)
    try:
        verify_chain(
            _leaves(itertools.takewhile(lambda e: e.position <= size, events), frontier),
            prev_hash=prev,
            start=frontier.size + 1,
        )
    except ChainBroken as exc:
        raise LogDamaged(f"the log is damaged, no checkpoint signed: {exc}", position=exc.position) from None
    finally:
        getattr(events, "close", lambda: None)()
    if frontier.size != size:
        raise LogDamaged(f"the log head says {size} events but only {frontier.size} were read", position=size)
    checkpoint = make_checkpoint(signing_key, service, frontier, ctx.now)
    version = len(store.load(STREAM))
    return store.append(
        STREAM,
        version,
        [Change(TYPE, checkpoint)],
        actor=ctx.actor.as_event_field(),
        correlation_id=ctx.correlation_id,
        causation_id=ctx.causation_id,
        command_id=ctx.command_id,
        occurred_at=ctx.now,
    )


def _leaves(events, frontier):
    for event in events:
        frontier.append(leaf_hash(event.hash))
        yield event
