"""Streaming the log in pages from a server-side cursor, fetched a page ahead by a thread of its own."""

import contextlib
import queue
import threading

import psycopg2
import psycopg2.extensions

from watchpost.eventlog.postgres.rows import EVENT_COLUMNS, events_from_rows


class _Pages:
    @contextlib.contextmanager
    def _streaming(self, sql, args, raw=False):
        """A server-side cursor (it needs a transaction of its own: the connection leaves autocommit meanwhile).
        `raw`: text columns come as bytes, undecoded (orjson reads UTF-8 bytes directly)."""
        with self.pool.connection() as conn:
            conn.autocommit = False
            try:
                with conn.cursor(name="watchpost_stream") as cur:
                    if raw:
                        psycopg2.extensions.register_type(psycopg2.extensions.BYTES, cur)
                    cur.execute(sql, args)
                    yield cur
            finally:
                conn.rollback()
                conn.autocommit = True

    def _pages(self, sql, args, page_size, raw=False):
        """Pages of rows from a server-side cursor, fetched ahead by a thread of their own (a green thread under
        eventlet): the database produces the next page while the caller works through this one. A fetch is
        about half waiting for PostgreSQL, so replay runs at nearly the cost of decoding alone."""
        pages, stop = queue.Queue(maxsize=2), threading.Event()

        def fetch():
            try:
                with self._streaming(sql, args, raw) as cur:
                    while not stop.is_set():
                        page = cur.fetchmany(page_size)
                        pages.put(page)
                        if not page:
                            return
            except BaseException as exc:  # noqa: BLE001 - raised again in the reader
                pages.put(exc)

        fetcher = threading.Thread(target=fetch, name="watchpost-pages", daemon=True)
        fetcher.start()
        try:
            while True:
                page = pages.get()
                if isinstance(page, BaseException):
                    raise page
                if not page:
                    return
                yield page
        finally:  # also when the reader stops early: let the fetcher see `stop`, then wait for it
            stop.set()
            while fetcher.is_alive():
                try:
                    pages.get(timeout=0.05)
                except queue.Empty:
                    pass

    def replay(self, after=0, page_size=1000):
        """Every event after `after`, streamed through a server-side cursor, fetched a page ahead."""
        yield from events_from_rows(
            self._pages(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE position > %s ORDER BY position",
                (after,),
                page_size,
                raw=True,
            )
        )
