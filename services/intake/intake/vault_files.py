"""Attachment files in the vault, sealed like reporter records: each file under an AES-256-GCM key of its own,
kept only wrapped (RFC 3394) by the master key. The file's record (name, type, size, digest) and its bytes are
sealed separately, each bound (associated data) to the attachment id and its clue id, so a row moved to another
clue does not open. Erasing a clue's files deletes their wrapped keys.

Mixins for `MemoryVault` and `PostgresVault` (tables of `migrations/intake_0002_attachments.sql`).
"""

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from watchpost.errors import NotFound


def seal_bytes(key, data, bound):
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, bound.encode())


def open_bytes(key, blob, bound):
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], bound.encode())
    except InvalidTag:
        raise NotFound("the attachment fails its integrity check") from None


def _bound(attachment_id, clue_id, part):
    return f"{attachment_id}\x1f{clue_id}\x1f{part}"


class SealedFiles:
    """What the attachment commands need: keep a file, open it, drop one unused, erase a clue's files."""

    _master: bytes

    def keep_file(self, attachment_id, clue_id, record, body):
        key = AESGCM.generate_key(bit_length=256)
        sealed_record = seal_bytes(
            key, json.dumps(record, ensure_ascii=False).encode(), _bound(attachment_id, clue_id, "record")
        )
        sealed_body = seal_bytes(key, body, _bound(attachment_id, clue_id, "body"))
        self._put_file(attachment_id, clue_id, sealed_record, sealed_body, aes_key_wrap(self._master, key))

    def open_file(self, attachment_id, clue_id):
        """(record, bytes) of a live file of this clue, or NotFound."""
        row = self._get_file(attachment_id, clue_id)
        if row is None:
            raise NotFound("no readable attachment under this id (unknown or erased)", attachment_id=attachment_id)
        wrapped, sealed_record, sealed_body = row
        key = self.unwrap(wrapped)
        record = json.loads(open_bytes(key, sealed_record, _bound(attachment_id, clue_id, "record")))
        return record, open_bytes(key, sealed_body, _bound(attachment_id, clue_id, "body"))


class MemoryFiles(SealedFiles):
    """Rows in `_file_rows` (id -> (clue id, sealed record, sealed bytes)) and `_file_keys` (id -> wrapped key)."""

    _file_rows: dict
    _file_keys: dict

    def _files(self):
        return self._file_rows, self._file_keys

    def _put_file(self, attachment_id, clue_id, sealed_record, sealed_body, wrapped):
        rows, keys = self._files()
        rows[attachment_id] = (clue_id, sealed_record, sealed_body)
        keys[attachment_id] = wrapped

    def _get_file(self, attachment_id, clue_id):
        rows, keys = self._files()
        row = rows.get(attachment_id)
        if row is None or row[0] != clue_id or attachment_id not in keys:
            return None
        return keys[attachment_id], row[1], row[2]

    def file_ciphertext(self, attachment_id):
        return self._files()[0][attachment_id][2]

    def drop_file(self, attachment_id):
        rows, keys = self._files()
        rows.pop(attachment_id, None)
        keys.pop(attachment_id, None)

    def erase_files(self, clue_id):
        rows, keys = self._files()
        for attachment_id in [a for a, row in rows.items() if row[0] == clue_id]:
            keys.pop(attachment_id, None)

    def _rewrap_files(self, new_master):
        rows, keys = self._files()
        for attachment_id, wrapped in keys.items():
            keys[attachment_id] = aes_key_wrap(new_master, self.unwrap(wrapped))
        return len(keys)


class PostgresFiles(SealedFiles):
    _cursor: object

    def _put_file(self, attachment_id, clue_id, sealed_record, sealed_body, wrapped):
        with self._cursor() as cur:
            cur.execute(
                "INSERT INTO attachment_files (attachment_id, clue_id, record, body) VALUES (%s, %s, %s, %s)",
                (attachment_id, clue_id, sealed_record, sealed_body),
            )
            cur.execute(
                "INSERT INTO attachment_keys (attachment_id, wrapped_key) VALUES (%s, %s)", (attachment_id, wrapped)
            )

    def _get_file(self, attachment_id, clue_id):
        with self._cursor() as cur:
            cur.execute(
                "SELECT k.wrapped_key, f.record, f.body FROM attachment_files f JOIN attachment_keys k "
                "USING (attachment_id) WHERE f.attachment_id = %s AND f.clue_id = %s",
                (attachment_id, clue_id),
            )
            row = cur.fetchone()
        return None if row is None else tuple(bytes(v) for v in row)

    def file_ciphertext(self, attachment_id):
        with self._cursor() as cur:
            cur.execute("SELECT body FROM attachment_files WHERE attachment_id = %s", (attachment_id,))
            row = cur.fetchone()
        if row is None:
            raise NotFound("no attachment under this id", attachment_id=attachment_id)
        return bytes(row[0])

    def drop_file(self, attachment_id):
        """Delete a file no event refers to (its command failed or was a repeat)."""
        with self._cursor() as cur:
            cur.execute("DELETE FROM attachment_files WHERE attachment_id = %s", (attachment_id,))

    def erase_files(self, clue_id):
        with self._cursor() as cur:
            cur.execute(
                "DELETE FROM attachment_keys WHERE attachment_id IN "
                "(SELECT attachment_id FROM attachment_files WHERE clue_id = %s)",
                (clue_id,),
            )

    def _rewrap_files(self, cur, new_master):
        cur.execute("SELECT attachment_id, wrapped_key FROM attachment_keys")
        rewrapped = [(a, aes_key_wrap(new_master, self.unwrap(bytes(w)))) for a, w in cur]
        cur.execute("DELETE FROM attachment_keys")
        for attachment_id, wrapped in rewrapped:
            cur.execute(
                "INSERT INTO attachment_keys (attachment_id, wrapped_key) VALUES (%s, %s)", (attachment_id, wrapped)
            )
        return len(rewrapped)
