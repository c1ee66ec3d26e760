"""Keys and modes: what a service needs before it may start, and `watchpost-keys`, which makes a full set.

WATCHPOST_ENV=development (`make up`, the tests, the demo) allows the built-in development keys, which are public.
Any other value, or none, is production: a service refuses to start when a key it needs is missing, is a development
key or is too short, naming the variable. Who holds what (docs/operations.md, "Keys"):

- the token issuer (where `watchpost-token` runs): WATCHPOST_JWT_PRIVATE_KEY, and nobody else;
- every service: WATCHPOST_JWT_PUBLIC_KEYS (verify tokens, cannot mint them), WATCHPOST_CATCHUP_KEY (the short
  `subscriber` tokens consumers read each other's catch-up with) and its own <SERVICE>_CHECKPOINT_KEY;
- intake alone: WATCHPOST_MASTER_KEY (the reporter vault) and INTAKE_ACCUSED_KEY (HMAC of accused persons' keys);
- auditors: the checkpoint public keys (`trusted-checkpoint-keys`) for `watchpost-audit verify --trusted-keys`.
"""

import argparse
import base64
import binascii
import datetime
import os
import pathlib
import sys
import urllib.parse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from watchpost import config

KEY_BYTES = 32
HOW = (
    'make a full set with `watchpost-keys` (docs/operations.md, "Keys"), or on a development machine set '
    "WATCHPOST_ENV=development"
)
TRUSTED_FILE = "trusted-checkpoint-keys"


class KeysRefused(Exception):
    """A service (or the token issuer) may not run with the keys it was given."""


def b64(raw):
    return base64.b64encode(raw).decode()


def decode(value):
    """Base64 text to bytes, or ValueError saying it is not base64."""
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not base64") from None


def _development_values():
    return {config.DEV_JWT_KEY.encode(), decode(config.DEV_MASTER_KEY), config.DEV_CHECKPOINT_SEED}


def is_development_key(raw):
    return raw in _development_values() or b"development" in raw.lower()


def secret_problem(value, exact=False):
    """What is wrong with a base64 secret of KEY_BYTES (exactly, or at least), or None."""
    try:
        raw = decode(value)
    except ValueError as exc:
        return str(exc)
    if is_development_key(raw) or b"development" in value.lower().encode():
        return "is a development key, public in the source code"
    if len(raw) < KEY_BYTES or (exact and len(raw) != KEY_BYTES):
        return f"is too short: {len(raw)} bytes, it needs {'exactly ' if exact else ''}{KEY_BYTES}"
    return None


def public_keys_problem(value):
    for part in (p for p in value.split(",") if p.strip()):
        try:
            Ed25519PublicKey.from_public_bytes(decode(part))
        except ValueError:
            return f"holds {part.strip()[:12]}..., which is not base64 of a raw 32-byte Ed25519 public key"
    return None


def needs(service):
    """[(variable, checker)] a service needs in production."""
    found = [
        ("WATCHPOST_JWT_PUBLIC_KEYS", public_keys_problem),
        ("WATCHPOST_CATCHUP_KEY", lambda v: next(filter(None, map(secret_problem, v.split(","))), None)),
        (config.checkpoint_key_variable(service), lambda v: secret_problem(v, exact=True)),
    ]
    if service == "intake":
        found += [
            ("WATCHPOST_MASTER_KEY", lambda v: secret_problem(v, exact=True)),
            ("INTAKE_ACCUSED_KEY", secret_problem),
        ]
    return found


def problems(service, amqp_uri=None):
    """Every reason `service` may not start in production, naming the variable; [] when none. `amqp_uri`: the
    broker login the service was given (its container's), which must not be RabbitMQ's well-known guest."""
    found = []
    if amqp_uri is not None and urllib.parse.urlsplit(amqp_uri).username in (None, "", "guest"):
        found.append(
            "WATCHPOST_AMQP_URI logs in to RabbitMQ as guest, whose password everyone knows: give the service its "
            "own broker user (deploy/rabbitmq/definitions.json; docs/operations.md, RabbitMQ users)"
        )
    for variable, problem in needs(service):
        value = config.env(variable, None)
        if value is None:
            found.append(f"{variable} is missing")
        elif (wrong := problem(value)) is not None:
            found.append(f"{variable} {wrong}")
    if os.environ.get("WATCHPOST_JWT_KEYS"):
        found.append(
            "WATCHPOST_JWT_KEYS is set: HS256 secrets let every service that holds them mint any token, "
            "so they are for development only; unset it (services verify with WATCHPOST_JWT_PUBLIC_KEYS)"
        )
    if config.jwt_private_key():
        found.append(
            "WATCHPOST_JWT_PRIVATE_KEY is set: a service verifies tokens and must not be able to mint "
            "them; give the private key to the token issuer alone"
        )
    return found


def check(service, log=None, amqp_uri=None):
    """At start-up: say which mode the service runs in; in production raise KeysRefused naming every problem."""
    if config.development():
        if log is not None:
            log.warning(
                "development mode: the built-in development keys are allowed; never use this mode in a deployment",
                service=service,
                mode=config.DEVELOPMENT,
            )
        return config.DEVELOPMENT
    found = problems(service, amqp_uri)
    if found:
        said = (
            f"WATCHPOST_ENV={os.environ['WATCHPOST_ENV']!r}"
            if os.environ.get("WATCHPOST_ENV")
            else "WATCHPOST_ENV unset"
        )
        message = f"{service} refuses to start in production mode ({said}): " + "; ".join(found) + f". To fix: {HOW}."
        if log is not None:
            log.error("refusing to start: keys", service=service, mode=config.mode(), problems=found)
        raise KeysRefused(message)
    if log is not None:
        log.info("production mode: every key checked", service=service, mode=config.mode())
    return config.mode()


# -- watchpost-keys ----------------------------------------------------------------------------------------------


def _ed25519_raw(private):
    return (private.private_bytes_raw(), private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def generate(services=config.SERVICES):
    """A full set: {variable: value}, and the auditor's {service: checkpoint public key}."""
    jwt_private, jwt_public = _ed25519_raw(Ed25519PrivateKey.generate())
    keys = {
        "WATCHPOST_JWT_PRIVATE_KEY": b64(jwt_private),
        "WATCHPOST_JWT_PUBLIC_KEYS": b64(jwt_public),
        "WATCHPOST_CATCHUP_KEY": b64(os.urandom(KEY_BYTES)),
        "WATCHPOST_MASTER_KEY": b64(os.urandom(KEY_BYTES)),
        "INTAKE_ACCUSED_KEY": b64(os.urandom(KEY_BYTES)),
    }
    trusted = {}
    for service in services:
        seed = os.urandom(KEY_BYTES)
        keys[config.checkpoint_key_variable(service)] = b64(seed)
        trusted[service] = b64(_ed25519_raw(Ed25519PrivateKey.from_private_bytes(seed))[1])
    return keys, trusted


def holders(variable):
    if variable == "WATCHPOST_JWT_PRIVATE_KEY":
        return "the token issuer alone (watchpost-token); never a service"
    if variable in ("WATCHPOST_MASTER_KEY", "INTAKE_ACCUSED_KEY"):
        return "intake alone"
    if variable.endswith("_CHECKPOINT_KEY"):
        return f"{variable.split('_')[0].lower()} alone"
    return "every service"


def main(argv=None, out=sys.stdout):
    """`watchpost-keys [--dir DIR] [--service NAME ...]`: print a full set as environment lines, or write one file
    per variable (mode 0600, for compose or Kubernetes secrets: set NAME_FILE=path) plus the auditor's
    trusted-checkpoint-keys."""
    parser = argparse.ArgumentParser(prog="watchpost-keys", description=main.__doc__.split(":")[0])
    parser.add_argument("--dir", help="write one file per key here instead of printing environment lines")
    parser.add_argument(
        "--service",
        action="append",
        choices=config.SERVICES,
        help="checkpoint keys for these services only (default: all four); repeatable",
    )
    args = parser.parse_args(argv)
    keys, trusted = generate(tuple(args.service or config.SERVICES))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    trusted_text = "".join(f"{service} {key}\n" for service, key in trusted.items())
    if args.dir:
        folder = pathlib.Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
        for variable, value in keys.items():
            path = folder / variable.lower()
            path.touch(mode=0o600)
            path.chmod(0o600)
            path.write_text(value + "\n")
            out.write(f"{path}  ->  {variable}_FILE for {holders(variable)}\n")
        (folder / TRUSTED_FILE).write_text(f"# checkpoint public keys, made {stamp}: service key\n" + trusted_text)
        out.write(f"{folder / TRUSTED_FILE}  ->  auditors: watchpost-audit verify --trusted-keys FILE\n")
        return 0
    out.write(
        f"# Watchpost keys made {stamp} by watchpost-keys. Give each line only to whom it names.\n"
        "WATCHPOST_ENV=production\n"
    )
    for variable, value in keys.items():
        out.write(f"# {holders(variable)}\n{variable}={value}\n")
    out.write("# auditors: the checkpoint public keys, to save as a file for watchpost-audit verify --trusted-keys\n")
    out.write("".join(f"# {line}\n" for line in trusted_text.splitlines()))
    return 0
