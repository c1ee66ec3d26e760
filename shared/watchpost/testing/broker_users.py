"""The users, permissions and exchanges of deploy/rabbitmq/definitions.json, made in a test's throwaway vhost through
the management API (user names suffixed for the run), as a broker loading the file at boot has them. Used by
tests/integration/test_broker_users.py and tests/deploy/test_compose_run.py."""

import contextlib
import uuid


@contextlib.contextmanager
def users_from(definitions, rabbit_manager, vhost):
    """Yields {user name in `definitions`: its name in the broker}; `definitions` carry the password hashes
    (tools/broker_definitions.py). The users are deleted after (the vhost is the caller's)."""
    suffix = uuid.uuid4().hex[:8]
    names = {user["name"]: f"{user['name']}-{suffix}" for user in definitions["users"]}
    for exchange in definitions["exchanges"]:
        rabbit_manager._put(
            "exchanges",
            vhost,
            exchange["name"],
            json={k: exchange[k] for k in ("type", "durable", "auto_delete", "internal", "arguments")},
        )
    try:
        for user in definitions["users"]:
            rabbit_manager._put(
                "users",
                names[user["name"]],
                json={k: user[k] for k in ("password_hash", "hashing_algorithm")} | {"tags": ",".join(user["tags"])},
            )
        for grant in definitions["permissions"]:
            rabbit_manager._put(
                "permissions", vhost, names[grant["user"]], json={k: grant[k] for k in ("configure", "write", "read")}
            )
        for grant in definitions["topic_permissions"]:
            rabbit_manager._put(
                "topic-permissions",
                vhost,
                names[grant["user"]],
                json={k: grant[k] for k in ("exchange", "write", "read")},
            )
        yield names
    finally:
        for name in names.values():
            rabbit_manager._delete("users", name)
