"""A small connection pool that waits for a free connection instead of failing (psycopg2's pool never waits).

Green under eventlet (its primitives are monkey-patched), plain threads elsewhere. A connection that broke is closed
and replaced on next use.
"""

import contextlib
import queue
import threading

import orjson
import psycopg2
import psycopg2.extensions
import psycopg2.extras


class Pool:
    def __init__(self, dsn, size, setup_sql=(), timeout=30.0, autocommit=False):
        """`autocommit`: connections run each statement on its own unless the user sends BEGIN itself (the
        event store does: one round trip per read instead of BEGIN, SELECT, COMMIT)."""
        self.dsn, self.size, self.setup_sql, self.timeout = dsn, size, tuple(setup_sql), timeout
        self.autocommit = autocommit
        self._idle = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self.closed = False

    def _connect(self):
        conn = psycopg2.connect(self.dsn, connect_timeout=5, application_name="watchpost")
        psycopg2.extras.register_default_jsonb(conn, loads=orjson.loads)  # projection documents, ~5x json.loads
        with conn.cursor() as cur:
            for sql in self.setup_sql:
                cur.execute(sql)
        conn.commit()
        conn.autocommit = self.autocommit
        return conn

    @contextlib.contextmanager
    def connection(self):
        if not self._slots.acquire(timeout=self.timeout):
            raise psycopg2.OperationalError(f"no database connection free within {self.timeout}s (pool of {self.size})")
        conn = None
        try:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                conn = self._connect()
            yield conn
            _end_transaction(conn)
            if self.closed:
                _discard(conn)
            else:
                self._idle.put(conn)
        except BaseException as exc:
            if conn is not None:
                _release_after(conn, exc, self._idle)
            raise
        finally:
            self._slots.release()

    def close(self):
        """Close idle connections now and those in use when they come back."""
        self.closed = True
        while True:
            try:
                _discard(self._idle.get_nowait())
            except queue.Empty:
                return


def _release_after(conn, exc, idle):
    """Keep a healthy connection after a refusal; drop one whose link to the server is in doubt."""
    if conn.closed or isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError, GeneratorExit)):
        _discard(conn)
        return
    try:
        _end_transaction(conn)
        idle.put(conn)
    except psycopg2.Error:
        _discard(conn)


def _end_transaction(conn):
    """Leave no transaction open on a pooled connection, also one begun by hand in autocommit mode."""
    if conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
        if conn.autocommit:
            with conn.cursor() as cur:
                cur.execute("ROLLBACK")
        else:
            conn.rollback()


def _discard(conn):
    try:
        if not conn.closed:
            conn.rollback()
            conn.close()
    except psycopg2.Error:
        pass
