"""The relay's lease (one relay per schema, by a session advisory lock) and its recorded progress."""

import psycopg2


class _RelayLog:
    def relay_lease(self):
        """A connection holding this schema's relay lock, or None if another process's relay holds it.

        The lock is a session advisory lock: it goes with the connection, also when the process dies."""
        conn = psycopg2.connect(self.pool.dsn, connect_timeout=5, application_name="watchpost-relay")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(hashtext('watchpost.relay.' || %s))", (self.schema,))
            if cur.fetchone()[0]:
                return conn
        conn.close()
        return None

    def lease_alive(self, lease):
        """Is the connection holding the relay lock still there? After a database restart the lock is gone with
        it and another instance may take it: this relay must then stand by, not publish beside it."""
        if lease.closed:
            return False
        try:
            with lease.cursor() as cur:
                cur.execute("SELECT 1")
            return True
        except psycopg2.Error:
            lease.close()
            return False

    # -- the relay's progress -----------------------------------------------------------------------------
    def relay_position(self, exchange):
        with self._cursor() as cur:
            cur.execute("SELECT position FROM relay_progress WHERE exchange = %s", (exchange,))
            row = cur.fetchone()
            return row[0] if row else 0

    def save_relay_position(self, exchange, position):
        with self._cursor() as cur:
            cur.execute(
                "INSERT INTO relay_progress VALUES (%s, %s) ON CONFLICT (exchange) "
                "DO UPDATE SET position = GREATEST(relay_progress.position, EXCLUDED.position)",
                (exchange, position),
            )
