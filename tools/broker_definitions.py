"""Write deploy/rabbitmq/definitions.json with each user's password hashed in, for a broker that loads it at boot.

    python tools/broker_definitions.py --passwords DIR > definitions.json
    python tools/broker_definitions.py --make-logins SECRETS [--server rabbitmq:5672]

DIR holds one file per user, named as the user (`watchpost-intake`, ..., `watchpost-subscriber`), holding its
password (compose and Kubernetes secrets). `--make-logins SECRETS` makes them in SECRETS/broker (a fresh password for
each user without one), writes SECRETS/definitions.json (hashed) and each service's URI, user and vhost `watchpost`,
as SECRETS/<service>_amqp_uri (read through WATCHPOST_AMQP_URI_FILE), as `watchpost-migrate --make-logins` does for
PostgreSQL. The hash is RabbitMQ's own `rabbit_password_hashing_sha256`:
base64(salt + sha256(salt + password)) with a random 4-byte salt. A user without a file keeps no password (it cannot
log in until `rabbitmqctl change_password`). See docs/operations.md, "RabbitMQ users".
"""

import argparse
import base64
import hashlib
import json
import os
import pathlib
import secrets
import sys

DEFINITIONS = pathlib.Path(__file__).parents[1] / "deploy" / "rabbitmq" / "definitions.json"
SERVICES = ("intake", "liaison", "training", "assessment")
VHOST = "watchpost"


def password_hash(password, salt=None):
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode("ascii")


def with_passwords(definitions, passwords):
    """`definitions` with each user named in `passwords` {user: password} given its hash."""
    users = [
        {**u, "password_hash": password_hash(passwords[u["name"]])} if u["name"] in passwords else u
        for u in definitions["users"]
    ]
    return {**definitions, "users": users}


def read_passwords(folder, definitions):
    return {
        u["name"]: (folder / u["name"]).read_text().strip()
        for u in definitions["users"]
        if (folder / u["name"]).is_file()
    }


def write_secret(path, text):
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
        fh.write(text)


def make_logins(folder, server="rabbitmq:5672"):
    """Passwords (kept when present), the hashed definitions and each service's AMQP URI, as files in `folder`."""
    definitions = json.loads(DEFINITIONS.read_text())
    for user in definitions["users"]:
        if not (folder / "broker" / user["name"]).is_file():
            write_secret(folder / "broker" / user["name"], secrets.token_urlsafe(24))
    passwords = read_passwords(folder / "broker", definitions)
    write_secret(
        folder / "definitions.json",
        json.dumps(with_passwords(definitions, passwords), indent=2, ensure_ascii=False) + "\n",
    )
    for service in SERVICES:
        user = f"watchpost-{service}"
        write_secret(folder / f"{service}_amqp_uri", f"amqp://{user}:{passwords[user]}@{server}/{VHOST}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument("--passwords", type=pathlib.Path, help="a directory: one file per user")
    given.add_argument("--make-logins", type=pathlib.Path, metavar="SECRETS", help="write the broker's secrets here")
    parser.add_argument("--server", default="rabbitmq:5672", help="host:port in the URIs --make-logins writes")
    args = parser.parse_args(argv)
    if args.make_logins:
        make_logins(args.make_logins, args.server)
        return
    definitions = json.loads(DEFINITIONS.read_text())
    json.dump(
        with_passwords(definitions, read_passwords(args.passwords, definitions)),
        sys.stdout,
        indent=2,
        ensure_ascii=False,
    )
    print()


if __name__ == "__main__":
    main()
