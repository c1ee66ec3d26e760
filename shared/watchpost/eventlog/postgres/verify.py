"""Verifying the whole log in PostgreSQL: positions gap-free, every hash over the stored bytes."""

from watchpost.eventlog.model import verify_rows


class _Verify:
    def verify(self):
        """Walk the whole log: positions gap-free, every hash over the stored canonical bytes. Returns the count;
        raises `ChainBroken` naming the first bad position."""
        pages = self._pages("SELECT position, data, prev_hash, hash FROM events ORDER BY position", (), 5000)
        return verify_rows(row for page in pages for row in page)
