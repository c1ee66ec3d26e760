"""Settings from environment variables, with defaults that work on a development machine.

| variable | default | meaning |
|---|---|---|
| WATCHPOST_AMQP_URI | amqp://guest:guest@127.0.0.1:5672// | RabbitMQ |
| WATCHPOST_DATABASE_URL | postgresql://postgres@127.0.0.1:5432/watchpost | PostgreSQL as the owner: `watchpost-migrate` (created if missing) |
| INTAKE_DATABASE_URL | WATCHPOST_DATABASE_URL as watchpost_intake, in development only | per service (`<SERVICE>_DATABASE_URL`): its own login, role `watchpost_<service>`; required in production |
| WATCHPOST_AUDIT_DATABASE_URL | WATCHPOST_DATABASE_URL as watchpost_auditor, in development only | the read-only login of `watchpost-audit` (a replica will do) |
| WATCHPOST_DB_POOL | 12 | connections per service process (>= nameko max_workers) |
| WATCHPOST_JWT_KEYS | a development key | comma-separated HS256 keys; the first signs, all verify (rotation) |
| WATCHPOST_JWT_TTL | 3600 | seconds a token from `watchpost-token` lives |
| WATCHPOST_ANON_RATE | 30 | requests a minute one address may make without a token, per route (anonymous submission, receipt lookup) |
| WATCHPOST_ANON_BURST | 10 | requests one address may make at once without a token, per route, before WATCHPOST_ANON_RATE applies |
| WATCHPOST_TIMER_SECONDS | 60 | how often statutory clocks and cadences are checked |
| WATCHPOST_CHECKPOINT_SECONDS | 3600 | how often each service signs a checkpoint of its log (skipped when nothing new) |
| WATCHPOST_CHECKPOINT_KEY | a development key | base64 raw 32-byte Ed25519 private key signing checkpoints |
| WATCHPOST_CONSUMER_MAX_BEHIND | 1000 | events a consumer may lag its source before /health calls it behind |
| WATCHPOST_CONSUMER_WATCH_SECONDS | 5 | how often (and at start) consumers catch up with their sources; 0: never |
| WATCHPOST_LOG_LEVEL | INFO | log level |
| WATCHPOST_ENV | production | `development` allows the built-in development keys; anything else checks every key at start-up |
| WATCHPOST_JWT_PUBLIC_KEYS | none | comma-separated base64 Ed25519 public keys that verify tokens (EdDSA); required in production |
| WATCHPOST_JWT_PRIVATE_KEY | none | base64 Ed25519 private key that signs tokens: the issuer's (`watchpost-token`) alone, never a service's |
| WATCHPOST_JWT_ISSUER | watchpost | the `iss` tokens carry and services require |
| WATCHPOST_JWT_AUDIENCE | the four services | comma-separated `aud` of tokens from `watchpost-token`; a service requires its own name |
| WATCHPOST_JWT_MAX_TTL | 86400 | seconds: a token that lives longer (exp - iat) is refused |
| WATCHPOST_CATCHUP_KEY | none | base64 secret (>= 32 bytes) signing the short `subscriber` tokens consumers read catch-up with |
| INTAKE_CHECKPOINT_KEY | none | per service (`<SERVICE>_CHECKPOINT_KEY`): that service's checkpoint signing key; required in production |
| INTAKE_ACCUSED_KEY | none | base64 HMAC key (>= 32 bytes) for accused persons' keys (intake) |

A service's own settings (its port, intake's master key and attachment limit, liaison's cadence, training's
programme) are read by that service's `settings` module.
"""

import hashlib
import os

DEV_JWT_KEY = "watchpost-development-key-not-for-production-use!"
DEV_CHECKPOINT_SEED = hashlib.sha256(b"watchpost-development-checkpoint-key-NOT-FOR-PRODUCTION").digest()
DEV_MASTER_KEY = "d2F0Y2hwb3N0LWRldmVsb3BtZW50LW1hc3Rlci1rZXk="  # 32 bytes: intake's vault, development only


def env(name, default, mapping=None):
    """The variable's value, else the content of the file `<name>_FILE` names (compose and Kubernetes secrets).
    `mapping` (default `os.environ`) is where a service's `settings.from_mapping` reads its own variables."""
    mapping = os.environ if mapping is None else mapping
    value = mapping.get(name)
    if value in (None, "") and mapping.get(name + "_FILE"):
        with open(mapping[name + "_FILE"], encoding="utf-8") as fh:
            value = fh.read().strip()
    return default if value in (None, "") else value


def amqp_uri():
    return env("WATCHPOST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672//")


def database_url():
    return env("WATCHPOST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/watchpost")


def service_database_url(service):
    """The service's own login (role `watchpost_<service>`), or None."""
    return env(f"{service.upper()}_DATABASE_URL", None)


def audit_database_url():
    """The auditor's read-only login, or None."""
    return env("WATCHPOST_AUDIT_DATABASE_URL", None)


def db_pool_size():
    return int(env("WATCHPOST_DB_POOL", "12"))


def jwt_keys():
    return [k for k in env("WATCHPOST_JWT_KEYS", DEV_JWT_KEY).split(",") if k]


def jwt_ttl():
    return int(env("WATCHPOST_JWT_TTL", "3600"))


def timer_seconds():
    return float(env("WATCHPOST_TIMER_SECONDS", "60"))


def consumer_max_behind():
    return int(env("WATCHPOST_CONSUMER_MAX_BEHIND", "1000"))


def consumer_watch_seconds():
    return float(env("WATCHPOST_CONSUMER_WATCH_SECONDS", "5"))


def checkpoint_seconds():
    return float(env("WATCHPOST_CHECKPOINT_SECONDS", "3600"))


def checkpoint_key():
    """None: use the development key (watchpost.audit.checkpoint marks its key id `dev-`)."""
    return env("WATCHPOST_CHECKPOINT_KEY", None)


def log_level():
    return env("WATCHPOST_LOG_LEVEL", "INFO")


# -- keys and modes (see watchpost.keys) ---------------------------------------------------------------------------
SERVICES = ("intake", "liaison", "training", "assessment")
DEVELOPMENT = "development"


def mode():
    """WATCHPOST_ENV; unset means production: the safe way is the default one."""
    return env("WATCHPOST_ENV", "production")


def development():
    return mode() == DEVELOPMENT


def jwt_public_keys():
    return [k.strip() for k in env("WATCHPOST_JWT_PUBLIC_KEYS", "").split(",") if k.strip()]


def jwt_private_key():
    return env("WATCHPOST_JWT_PRIVATE_KEY", None)


def jwt_issuer():
    return env("WATCHPOST_JWT_ISSUER", "watchpost")


def jwt_audience():
    return [a.strip() for a in env("WATCHPOST_JWT_AUDIENCE", ",".join(SERVICES)).split(",") if a.strip()]


def jwt_max_ttl():
    return int(env("WATCHPOST_JWT_MAX_TTL", "86400"))


def catchup_keys():
    """The first signs consumers' catch-up tokens, every one verifies (rotation)."""
    return [k.strip() for k in env("WATCHPOST_CATCHUP_KEY", "").split(",") if k.strip()]


def checkpoint_key_variable(service):
    return f"{service.upper()}_CHECKPOINT_KEY"


def service_checkpoint_key(service):
    """The service's own signing key; WATCHPOST_CHECKPOINT_KEY stands in for it in development only."""
    own = env(checkpoint_key_variable(service), None) if service else None
    return own or (checkpoint_key() if development() else None)
