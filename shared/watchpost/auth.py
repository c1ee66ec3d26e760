"""Who is acting: bearer JWTs carrying the role and scope of DESIGN.md.

Claims: `sub` (actor id), `role`, optional `street` and `community`, `iss`, `aud` (the services the token is for),
`iat`, `exp`, `jti`. A service accepts a token only when `iss` is WATCHPOST_JWT_ISSUER, its own name is in `aud`,
it lives no longer than WATCHPOST_JWT_MAX_TTL, and its role is not `system` (timers and consumers act as the
service itself; no token can).

Signing: EdDSA (Ed25519). The issuer alone holds WATCHPOST_JWT_PRIVATE_KEY; services verify with
WATCHPOST_JWT_PUBLIC_KEYS and cannot mint. HS256 with WATCHPOST_JWT_KEYS (comma-separated: the first signs, all
verify) is for development only. A consumer filling a gap reads another service's catch-up with a short
`subscriber` token signed with WATCHPOST_CATCHUP_KEY (HS256), which verifies as nothing but a subscriber.
Revocation is by short lifetimes (WATCHPOST_JWT_TTL, at most WATCHPOST_JWT_MAX_TTL) and by rotating the key pair.
"""

import argparse
import functools
import sys
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from watchpost import config
from watchpost.domain import ROLES, Actor
from watchpost.errors import Invalid, Unauthenticated
from watchpost.keys import KeysRefused, decode

ALGORITHM = "HS256"  # development, and catch-up tokens
ASYMMETRIC = "EdDSA"
ASSIGNABLE = tuple(r for r in ROLES if r != "system")
CATCHUP_ROLE = "subscriber"
CATCHUP_TTL = 300
LEEWAY = 30  # seconds of clock skew allowed on iat/exp
EXPIRED = "the bearer token has expired; ask for a new one"


class Keyring:
    """The keys a service verifies with, from one reading of the environment: [(alg, key, only_role)]."""

    def __init__(self, hs_keys, public_keys, catchup_keys, issuer, max_ttl):
        self.keys = (
            [(ASYMMETRIC, Ed25519PublicKey.from_public_bytes(decode(k)), None) for k in public_keys]
            + [(ALGORITHM, k, None) for k in hs_keys]
            + [(ALGORITHM, k, CATCHUP_ROLE) for k in catchup_keys]
        )
        self.issuer, self.max_ttl = issuer, max_ttl

    def algorithms(self):
        return sorted({alg for alg, _, _ in self.keys})


def _settings(keys=None):
    """The environment a keyring is built from, hashable: HS256 keys only in development (or given explicitly)."""
    hs = tuple(keys) if keys else (tuple(config.jwt_keys()) if config.development() else ())
    return hs, tuple(config.jwt_public_keys()), tuple(config.catchup_keys()), config.jwt_issuer(), config.jwt_max_ttl()


@functools.lru_cache(maxsize=16)
def _keyring(settings):
    return Keyring(*settings)


def _signing_key():
    """(algorithm, key) the issuer signs with: the Ed25519 private key; HS256 only in development."""
    private = config.jwt_private_key()
    if private:
        try:
            return ASYMMETRIC, Ed25519PrivateKey.from_private_bytes(decode(private))
        except ValueError:
            raise KeysRefused(
                "WATCHPOST_JWT_PRIVATE_KEY must be base64 of a raw 32-byte Ed25519 private key; "
                "make one with `watchpost-keys`"
            ) from None
    if config.development():
        return ALGORITHM, config.jwt_keys()[0]
    raise KeysRefused(
        "no key to sign tokens with: set WATCHPOST_JWT_PRIVATE_KEY (make one with `watchpost-keys`); "
        "HS256 development keys sign only when WATCHPOST_ENV=development"
    )


def issue(role, sub, street=None, community=None, ttl=None, keys=None, now=None, audience=None):
    """A signed token. `keys`: HS256 secrets to sign with instead of the configured key (tests, development)."""
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; roles are: {', '.join(ROLES)}", field="role")
    ttl, max_ttl = ttl or config.jwt_ttl(), config.jwt_max_ttl()
    if ttl > max_ttl:
        raise Invalid(f"a token may live at most {max_ttl} s (WATCHPOST_JWT_MAX_TTL); asked for {ttl}", field="ttl")
    now = int(now if now is not None else time.time())
    claims = {
        "sub": sub,
        "role": role,
        "iss": config.jwt_issuer(),
        "aud": list(audience) if audience else config.jwt_audience(),
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    if street:
        claims["street"] = street
    if community:
        claims["community"] = community
    algorithm, key = (ALGORITHM, keys[0]) if keys else _signing_key()
    return jwt.encode(claims, key, algorithm=algorithm)


def catchup_token(source):
    """The short `subscriber` token a consumer reads `source`'s catch-up with (WATCHPOST_CATCHUP_KEY; in
    development without one, an ordinary token)."""
    keys = config.catchup_keys()
    if not keys:
        return issue(CATCHUP_ROLE, "watchpost-consumer", ttl=CATCHUP_TTL, audience=[source])
    now = int(time.time())
    claims = {
        "sub": "watchpost-consumer",
        "role": CATCHUP_ROLE,
        "iss": config.jwt_issuer(),
        "aud": [source],
        "iat": now,
        "exp": now + CATCHUP_TTL,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, keys[0], algorithm=ALGORITHM)


_VERIFIED = {}  # (token, settings, audience) -> (actor, exp): a client sends the same token with every request
_VERIFIED_MAX = 4096


def actor_from_token(token, keys=None, audience=None):
    """The `Actor` a token names for the service `audience`, or `Unauthenticated` saying why not (never echoing
    the token). A token whose `aud` names other services only is refused; so is one when `audience` is None.

    A token that verified is remembered with its expiry (a signature check and claims parsing per request were
    ~4% of a command's CPU); it is still refused once expired, and a key or mode change starts afresh."""
    settings = _settings(keys)
    cache_key = (token, settings, audience)
    known = _VERIFIED.get(cache_key)
    if known is not None:
        if time.time() < known[1]:
            return known[0]
        del _VERIFIED[cache_key]
        raise Unauthenticated(EXPIRED)
    actor, exp = _verify(token, _keyring(settings), audience)
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.pop(next(iter(_VERIFIED)))  # the oldest
    _VERIFIED[cache_key] = (actor, exp)
    return actor


def _verify(token, keyring, audience):
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.InvalidTokenError:
        raise Unauthenticated("the bearer token is not valid: it is malformed") from None
    candidates = [(key, only) for alg, key, only in keyring.keys if alg == algorithm]
    if not candidates:
        accepted = ", ".join(keyring.algorithms()) or "none (no verification key is configured)"
        raise Unauthenticated(
            f"the bearer token is not valid: it is signed with {algorithm}; this service accepts "
            f"{accepted}" + ("" if config.development() else " in production mode")
        )
    last_error = None
    for key, only in candidates:
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=audience,
                issuer=keyring.issuer,
                leeway=LEEWAY,
                options={"require": ["sub", "role", "iss", "aud", "iat", "exp"]},
            )
        except jwt.InvalidSignatureError as exc:
            last_error = exc
            continue
        except jwt.ExpiredSignatureError:
            raise Unauthenticated(EXPIRED) from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated(
                f"the bearer token is not for this service ({audience}): its aud names others"
            ) from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated(f"the bearer token was not issued by {keyring.issuer!r} (its iss differs)") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthenticated(f"the bearer token lacks the claim {exc.claim!r}") from None
        except jwt.ImmatureSignatureError:
            raise Unauthenticated("the bearer token is issued in the future (iat); check the issuer's clock") from None
        except jwt.InvalidTokenError as exc:
            last_error = exc
            continue
        return _actor(claims, keyring, only)
    reason = "its signature does not verify" if isinstance(last_error, jwt.InvalidSignatureError) else "it is malformed"
    raise Unauthenticated(f"the bearer token is not valid: {reason}")


def _actor(claims, keyring, only):
    role = claims["role"]
    if role not in ASSIGNABLE:
        raise Unauthenticated(
            f"the token's role is not one of: {', '.join(ASSIGNABLE)}"
            + (" (system is the service's own; no token carries it)" if role == "system" else "")
        )
    if only is not None and role != only:
        raise Unauthenticated(f"a catch-up token acts only as {only}, not as {role}")
    try:
        lifetime = int(claims["exp"]) - int(claims["iat"])
    except (TypeError, ValueError):
        raise Unauthenticated("the bearer token's iat and exp must be whole numbers") from None
    if lifetime > keyring.max_ttl:
        raise Unauthenticated(
            f"the bearer token lives {lifetime} s; at most {keyring.max_ttl} s (WATCHPOST_JWT_MAX_TTL) are accepted"
        )
    return Actor(
        id=str(claims["sub"]), role=role, street=claims.get("street"), community=claims.get("community")
    ), claims["exp"]


def actor_from_header(header, keys=None, audience=None):
    """Parse an `Authorization` header; None when there is none (the caller decides if anonymous is allowed)."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return actor_from_token(token.strip(), keys, audience)


def token_cli(argv=None):
    """`watchpost-token --role ROLE --sub ID [--street S] [--community C] [--ttl SECONDS] [--aud SERVICE ...]`"""
    parser = argparse.ArgumentParser(prog="watchpost-token", description="Print a bearer token (the issuer's key).")
    parser.add_argument("--role", required=True, choices=ASSIGNABLE)
    parser.add_argument("--sub", required=True, help="the actor's id")
    parser.add_argument("--street")
    parser.add_argument("--community")
    parser.add_argument(
        "--ttl", type=int, help="seconds (default WATCHPOST_JWT_TTL or 3600; at most WATCHPOST_JWT_MAX_TTL)"
    )
    parser.add_argument(
        "--aud",
        action="append",
        choices=config.SERVICES,
        help="a service the token is for; repeatable (default WATCHPOST_JWT_AUDIENCE: all four)",
    )
    args = parser.parse_args(argv)
    try:
        print(issue(args.role, args.sub, args.street, args.community, args.ttl, audience=args.aud))
    except (Invalid, KeysRefused) as exc:
        sys.exit(f"watchpost-token: {getattr(exc, 'message', exc)}")
