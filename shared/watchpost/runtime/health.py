"""`GET /health`: 200 when the database and the broker are reachable, 503 naming what is down."""
import amqp

from watchpost import config
from watchpost.eventlog.relay import _connection_params
from watchpost.runtime.web import json_response


def _database(store):
    position, _ = store.head()
    return position


def _broker(amqp_uri):
    conn = amqp.Connection(**_connection_params(amqp_uri), connect_timeout=2)
    conn.connect()
    conn.close()


def respond(service):
    checks, body = {}, {"service": service.name, "mode": config.mode()}
    try:
        body["log_head"] = _database(service.store)
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        checks["database"] = f"down: {type(exc).__name__}"
    try:
        _broker(service.config["AMQP_URI"])
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"down: {type(exc).__name__}"
    down = [name for name, state in checks.items() if state != "ok"]
    body.update(status="ok" if not down else "unavailable", checks=checks, down=down)
    return json_response(200 if not down else 503, body)
