"""The reporter vault (举报人保护): identity and contact, encrypted with a key of their own, erasable.

Each record is sealed with its own AES-256-GCM key; that key is kept only wrapped (RFC 3394) by the master key.
Erasure destroys the wrapped key: the ciphertext may stay (in backups too) and is unreadable for ever.
Events carry only the opaque `ref` a record was sealed under. No method ever logs or raises with the plaintext.
"""
import json
import os
import secrets
from abc import ABC, abstractmethod

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

from watchpost.errors import Invalid, NotFound


class ReporterVault(ABC):
    """What the handlers need: seal a record, open it (with a recorded reason, by the caller), erase it."""

    @abstractmethod
    def seal(self, record: dict, kind: str = "reporter") -> str: ...

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


class MemoryVault(ReporterVault):
    """In-memory vault (tests, and the shape a database-backed vault follows: rows of ref, wrapped key, blob)."""

    def __init__(self, master_key=None):
        self._master = master_key or AESGCM.generate_key(bit_length=256)
        if len(self._master) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._wrapped = {}     # ref -> wrapped record key
        self._blobs = {}       # ref -> (kind, nonce + ciphertext)

    def seal(self, record, kind="reporter"):
        ref = f"{kind[:3]}_{secrets.token_urlsafe(18)}"
        key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        blob = nonce + AESGCM(key).encrypt(nonce, json.dumps(record, ensure_ascii=False).encode(), ref.encode())
        self._wrapped[ref] = aes_key_wrap(self._master, key)
        self._blobs[ref] = (kind, blob)
        return ref

    def open(self, ref):
        if ref not in self._wrapped:
            raise NotFound("no readable record under this reference (unknown or erased)", ref=ref)
        key = aes_key_unwrap(self._master, self._wrapped[ref])
        _, blob = self._blobs[ref]
        try:
            return json.loads(AESGCM(key).decrypt(blob[:12], blob[12:], ref.encode()))
        except InvalidTag:
            raise NotFound("the record under this reference fails its integrity check", ref=ref) from None

    def erase(self, ref):
        self._wrapped.pop(ref, None)

    def is_erased(self, ref):
        return ref in self._blobs and ref not in self._wrapped

    def ciphertext(self, ref):
        """The stored blob (for tests and backups): ciphertext only."""
        return self._blobs[ref][1]

    def rotate_master(self, new_master):
        """Re-wrap every live record key under a new master key; the records themselves are untouched."""
        self._wrapped = {ref: aes_key_wrap(new_master, aes_key_unwrap(self._master, w))
                         for ref, w in self._wrapped.items()}
        self._master = new_master
