"""intake's own dependency provider: the reporter vault in the service's schema (nameko stays at this edge)."""

from nameko.extensions import DependencyProvider

from watchpost.eventlog.pool import Pool
from watchpost.runtime.deps import database_login

from intake.pgvault import PostgresVault, master_key, next_master_key, pooled


class Vault(DependencyProvider):
    """A small pool of its own (VAULT_POOL, default 4; it waits when all are busy), logged in as the service's role.
    Connects lazily: the EventLog provider migrates the schema before the first request arrives."""

    pool = None

    def start(self):
        """After every provider's setup: the keys and the login are checked there first (EventLog)."""
        cfg = self.container.config
        url, schema = database_login(cfg, self.container.service_name)
        self.pool = Pool(url, int(cfg.get("VAULT_POOL") or 4), [f'SET search_path TO "{schema}"'])
        self.vault = PostgresVault(pooled(self.pool), master_key(), next_master_key())

    def stop(self):
        if self.pool is not None:
            self.pool.close()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self.vault
