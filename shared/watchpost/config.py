"""Settings from environment variables, with defaults that work on a development machine.

| variable | default | meaning |
|---|---|---|
| WATCHPOST_AMQP_URI | amqp://guest:guest@127.0.0.1:5672// | RabbitMQ |
| WATCHPOST_DATABASE_URL | postgresql://postgres@127.0.0.1:5432/watchpost | PostgreSQL (created if missing) |
| WATCHPOST_DB_POOL | 12 | connections per service process (>= nameko max_workers) |
| WATCHPOST_JWT_KEYS | a development key | comma-separated HS256 keys; the first signs, all verify (rotation) |
| WATCHPOST_JWT_TTL | 3600 | seconds a token from `watchpost-token` lives |
| WATCHPOST_MASTER_KEY | a development key | base64 32-byte key wrapping reporters' keys (intake) |
| WATCHPOST_ANON_RATE | 30 | requests a minute one address may make without a token, per route (anonymous submission, receipt lookup) |
| WATCHPOST_ANON_BURST | 10 | requests one address may make at once without a token, per route, before WATCHPOST_ANON_RATE applies |
| WATCHPOST_TIMER_SECONDS | 60 | how often statutory clocks and cadences are checked |
| WATCHPOST_CHECKPOINT_SECONDS | 3600 | how often each service signs a checkpoint of its log (skipped when nothing new) |
| WATCHPOST_CHECKPOINT_KEY | a development key | base64 raw 32-byte Ed25519 private key signing checkpoints |
| WATCHPOST_CONSUMER_MAX_BEHIND | 1000 | events a consumer may lag its source before /health calls it behind |
| WATCHPOST_CONSUMER_WATCH_SECONDS | 5 | how often (and at start) consumers catch up with their sources; 0: never |
| WATCHPOST_LOG_LEVEL | INFO | log level |
| <SERVICE>_PORT | intake 8001, liaison 8002, training 8003, assessment 8004 | HTTP port |
"""
import os

PORTS = {"intake": 8001, "liaison": 8002, "training": 8003, "assessment": 8004}
DEV_JWT_KEY = "watchpost-development-key-not-for-production-use!"
DEV_MASTER_KEY = "d2F0Y2hwb3N0LWRldmVsb3BtZW50LW1hc3Rlci1rZXk="  # 32 bytes, development only


def env(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def amqp_uri():
    return env("WATCHPOST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672//")


def database_url():
    return env("WATCHPOST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/watchpost")


def db_pool_size():
    return int(env("WATCHPOST_DB_POOL", "12"))


def jwt_keys():
    return [k for k in env("WATCHPOST_JWT_KEYS", DEV_JWT_KEY).split(",") if k]


def jwt_ttl():
    return int(env("WATCHPOST_JWT_TTL", "3600"))


def master_key():
    return env("WATCHPOST_MASTER_KEY", DEV_MASTER_KEY)


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


def port(service):
    return int(env(f"{service.upper()}_PORT", str(PORTS[service])))
