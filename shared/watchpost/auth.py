"""Who is acting: bearer JWTs (HS256, PyJWT) carrying the role and scope of DESIGN.md.

Claims: `sub` (actor id), `role`, optional `street` and `community`, `iat`, `exp`. Keys come from
WATCHPOST_JWT_KEYS (comma-separated): the first signs, every one verifies, so a key can be rotated without
invalidating tokens that are still alive.
"""
import argparse
import time

import jwt

from watchpost import config
from watchpost.domain import ROLES, Actor
from watchpost.errors import Invalid, Unauthenticated

ALGORITHM = "HS256"
EXPIRED = "the bearer token has expired; ask for a new one"


def issue(role, sub, street=None, community=None, ttl=None, keys=None, now=None):
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; roles are: {', '.join(ROLES)}", field="role")
    now = int(now if now is not None else time.time())
    claims = {"sub": sub, "role": role, "iat": now, "exp": now + (ttl or config.jwt_ttl())}
    if street:
        claims["street"] = street
    if community:
        claims["community"] = community
    return jwt.encode(claims, (keys or config.jwt_keys())[0], algorithm=ALGORITHM)


_VERIFIED = {}        # (token, keys) -> (actor, exp): a client sends the same token with every request
_VERIFIED_MAX = 4096


def actor_from_token(token, keys=None):
    """The `Actor` a token names, or `Unauthenticated` saying why not (never echoing the token).

    A token that verified is remembered with its expiry (a signature check and claims parsing per request were
    ~4% of a command's CPU); it is still refused once expired, and a key change starts afresh."""
    keys = tuple(keys or config.jwt_keys())
    known = _VERIFIED.get((token, keys))
    if known is not None:
        if time.time() < known[1]:
            return known[0]
        del _VERIFIED[(token, keys)]
        raise Unauthenticated(EXPIRED)
    actor, exp = _verify(token, keys)
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.pop(next(iter(_VERIFIED)))    # the oldest
    _VERIFIED[(token, keys)] = (actor, exp)
    return actor


def _verify(token, keys):
    last_error = None
    for key in keys:
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["sub", "role", "exp"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated(EXPIRED) from None
        except jwt.InvalidTokenError as exc:
            last_error = exc
            continue
        if claims["role"] not in ROLES:
            raise Unauthenticated(f"the token's role is not one of: {', '.join(ROLES)}")
        return Actor(id=str(claims["sub"]), role=claims["role"], street=claims.get("street"),
                     community=claims.get("community")), claims["exp"]
    reason = "its signature does not verify" if isinstance(last_error, jwt.InvalidSignatureError) else "it is malformed"
    raise Unauthenticated(f"the bearer token is not valid: {reason}")


def actor_from_header(header, keys=None):
    """Parse an `Authorization` header; None when there is none (the caller decides if anonymous is allowed)."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return actor_from_token(token.strip(), keys)


def token_cli(argv=None):
    """`watchpost-token --role ROLE --sub ID [--street S] [--community C] [--ttl SECONDS]`"""
    parser = argparse.ArgumentParser(prog="watchpost-token", description="Print a bearer token for this machine.")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--sub", required=True, help="the actor's id")
    parser.add_argument("--street")
    parser.add_argument("--community")
    parser.add_argument("--ttl", type=int, help="seconds (default WATCHPOST_JWT_TTL or 3600)")
    args = parser.parse_args(argv)
    print(issue(args.role, args.sub, args.street, args.community, args.ttl))
