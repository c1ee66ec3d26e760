"""intake's own dependency provider: the reporter vault in the service's schema (nameko stays at this edge)."""
from nameko.extensions import DependencyProvider

from watchpost import config
from watchpost.eventlog.pool import Pool

from intake.pgvault import PostgresVault, master_key, next_master_key, pooled


class Vault(DependencyProvider):
    """A small pool of its own (VAULT_POOL, default 4; it waits when all are busy), acting as the service's role.
    Connects lazily: the EventLog provider migrates the schema before the first request arrives."""

    def setup(self):
        cfg = self.container.config
        url = cfg.get("DATABASE_URL") or config.database_url()
        schema = cfg.get("DB_SCHEMA") or self.container.service_name
        self.pool = Pool(url, int(cfg.get("VAULT_POOL") or 4),
                         [f'SET search_path TO "{schema}"', f'SET ROLE "watchpost_{schema}"'])
        self.vault = PostgresVault(pooled(self.pool), master_key(), next_master_key())

    def stop(self):
        self.pool.close()

    def kill(self):
        self.pool.close()

    def get_dependency(self, worker_ctx):
        return self.vault
