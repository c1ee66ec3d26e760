"""Write deploy/rabbitmq/definitions.json with each user's password hashed in, for a broker that loads it at boot.

    python tools/broker_definitions.py --passwords DIR > definitions.json

DIR holds one file per user, named as the user (`watchpost-intake`, ..., `watchpost-subscriber`), holding its
password (compose and Kubernetes secrets). The hash is RabbitMQ's own `rabbit_password_hashing_sha256`:
base64(salt + sha256(salt + password)) with a random 4-byte salt. A user without a file keeps no password (it cannot
log in until `rabbitmqctl change_password`). See docs/operations.md, "RabbitMQ users".
"""
import argparse
import base64
import hashlib
import json
import os
import pathlib
import sys

DEFINITIONS = pathlib.Path(__file__).parents[1] / "deploy" / "rabbitmq" / "definitions.json"


def password_hash(password, salt=None):
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode("ascii")


def with_passwords(definitions, passwords):
    """`definitions` with each user named in `passwords` {user: password} given its hash."""
    users = [{**u, "password_hash": password_hash(passwords[u["name"]])} if u["name"] in passwords else u
             for u in definitions["users"]]
    return {**definitions, "users": users}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passwords", required=True, type=pathlib.Path, help="a directory: one file per user")
    args = parser.parse_args(argv)
    definitions = json.loads(DEFINITIONS.read_text())
    passwords = {u["name"]: (args.passwords / u["name"]).read_text().strip()
                 for u in definitions["users"] if (args.passwords / u["name"]).is_file()}
    json.dump(with_passwords(definitions, passwords), sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
