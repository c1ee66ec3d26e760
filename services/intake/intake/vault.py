"""The reporter vault (举报人保护): identity and contact, encrypted with a key of their own, erasable.

Each record is sealed with its own AES-256-GCM key; that key is kept only wrapped (RFC 3394) by the master key.
Erasure destroys the wrapped key: the ciphertext may stay (in backups too) and is unreadable for ever.
Events carry only the opaque `ref` a record was sealed under. No method ever logs or raises with the plaintext.
"""

import hashlib
import hmac
import json
import os
import secrets
from abc import ABC, abstractmethod

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from watchpost.errors import Invalid, NotFound

from intake.vault_files import MemoryFiles


def new_ref(kind):
    return f"{kind[:3]}_{secrets.token_urlsafe(18)}"


def encrypt(record, ref):
    """A fresh record key and `nonce + ciphertext` of the record, bound to its ref (associated data)."""
    key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
    return key, nonce + AESGCM(key).encrypt(nonce, json.dumps(record, ensure_ascii=False).encode(), ref.encode())


def decrypt(key, blob, ref):
    try:
        return json.loads(AESGCM(key).decrypt(blob[:12], blob[12:], ref.encode()))
    except InvalidTag:
        raise NotFound("the record under this reference fails its integrity check", ref=ref) from None


def key_id(master):
    """A name for a master key that does not reveal it (recorded in `vault.master_key_rotated`)."""
    return hashlib.sha256(b"watchpost master key id\x1f" + master).hexdigest()[:16]


class MasterKeys:
    """The master key, and the next one (WATCHPOST_MASTER_KEY_NEXT) during a rotation: a key wrapped under
    either opens, so processes that have not yet switched keep answering while another re-wraps."""

    _master: bytes
    _next: bytes | None = None

    def unwrap(self, wrapped):
        try:
            return aes_key_unwrap(self._master, wrapped)
        except InvalidUnwrap:
            if self._next is None:
                raise
            return aes_key_unwrap(self._next, wrapped)

    def next_master(self):
        if self._next is None or self._next == self._master:
            return None
        return self._next

    def switch_to(self, new_master):
        self._master, self._next = new_master, None


class ReporterVault(MasterKeys, ABC):
    """What the commands need: seal a record, open it (with a recorded reason, by the caller), erase it."""

    @abstractmethod
    def seal(self, record: dict, kind: str = "reporter", ref: str | None = None) -> str:
        """Seal `record` under a new ref (or under `ref`, unless something is sealed there already: first wins)."""

    @abstractmethod
    def open(self, ref: str) -> dict: ...

    @abstractmethod
    def erase(self, ref: str) -> None: ...

    @abstractmethod
    def is_erased(self, ref: str) -> bool: ...

    def protect(self, reporter):
        """Seal a reporter's identity {name, phone}; returns the opaque `reporter_ref`."""
        if not isinstance(reporter, dict) or not str(reporter.get("name") or "").strip():
            raise Invalid("reporter needs a name; leave reporter out for an anonymous report", field="reporter")
        return self.seal({"name": str(reporter["name"]).strip(), "phone": str(reporter.get("phone") or "")})

    def derive(self, *parts):
        """A stable opaque hex digest of `parts`, keyed by the master key (nobody without it can recompute it)."""
        return hmac.new(self._master, "\x1f".join(map(str, parts)).encode(), hashlib.sha256).hexdigest()

    def remember(self, kind, parts, make):
        """The record sealed first under a ref derived from `parts`; `make()` gives it if there is none yet.

        A retried command finds what its first attempt sealed (e.g. its receipt code), even when two attempts
        race: the second seal finds the ref taken and both open the first record.
        """
        ref = f"{kind[:3]}_{self.derive(kind, *parts)[:40]}"
        self.seal(make(), kind=kind, ref=ref)
        return self.open(ref)


class MemoryVault(MemoryFiles, ReporterVault):
    """In-memory vault (tests, and the shape a database-backed vault follows: rows of ref, wrapped key, blob)."""

    def __init__(self, master_key=None, next_master=None):
        self._master, self._next = master_key or AESGCM.generate_key(bit_length=256), next_master
        if len(self._master) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._wrapped = {}  # ref -> wrapped record key
        self._blobs = {}  # ref -> (kind, nonce + ciphertext)
        self._file_rows, self._file_keys = {}, {}  # attachments (vault_files.MemoryFiles)

    def seal(self, record, kind="reporter", ref=None):
        ref = ref or new_ref(kind)
        if ref in self._blobs:
            return ref
        key, blob = encrypt(record, ref)
        self._wrapped[ref] = aes_key_wrap(self._master, key)
        self._blobs[ref] = (kind, blob)
        return ref

    def open(self, ref):
        if ref not in self._wrapped:
            raise NotFound("no readable record under this reference (unknown or erased)", ref=ref)
        return decrypt(self.unwrap(self._wrapped[ref]), self._blobs[ref][1], ref)

    def erase(self, ref):
        self._wrapped.pop(ref, None)

    def is_erased(self, ref):
        return ref in self._blobs and ref not in self._wrapped

    def ciphertext(self, ref):
        """The stored blob (for tests and backups): ciphertext only."""
        return self._blobs[ref][1]

    def rotate_master(self, new_master):
        """Re-wrap every live record key under a new master key; the records themselves are untouched.
        Returns (records, files) re-wrapped."""
        files = self._rewrap_files(new_master)
        self._wrapped = {ref: aes_key_wrap(new_master, self.unwrap(w)) for ref, w in self._wrapped.items()}
        self.switch_to(new_master)
        return len(self._wrapped), files
