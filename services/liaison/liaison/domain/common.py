"""Small rules every aggregate of the liaison domain shares: ids, dates, re-registration."""

import re

from watchpost.errors import Invalid

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


def check_id(value, field):
    if not isinstance(value, str) or not ID.match(value):
        raise Invalid(
            f"{field} {value!r} must be 1 to 64 letters, digits or _.:- (starting with a letter or digit)", field=field
        )
    return value


def check_name(value, field="name"):
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise Invalid(f"{field} must be 1 to 200 characters of text", field=field)
    return value.strip()


def check_choice(value, allowed, field):
    if value not in allowed:
        raise Invalid(f"{field} {value!r} is not allowed; allowed: {', '.join(sorted(allowed))}", field=field)
    return value


def not_after(day, limit, field):
    if day > limit:
        raise Invalid(
            f"{field} {day.isoformat()} is after today ({limit.isoformat()}); a record cannot be dated in the future",
            field=field,
        )
    return day


def same_or_new(existing, payload, what, identity):
    """True if `payload` registers something new; False if it repeats `existing` (nothing to write).

    A registration that repeats an existing id with different identity fields is refused.
    """
    if existing is None:
        return True
    differing = sorted(k for k in identity if existing.get(k) != payload.get(k))
    if not differing:
        return False
    raise Invalid(
        f"{what} is already registered with other {', '.join(differing)} "
        f"({', '.join(f'{k}={existing.get(k)!r}' for k in differing)}); "
        f"registering it again must repeat the same fields",
        fields={k: {"registered": existing.get(k), "given": payload.get(k)} for k in differing},
    )


def require_in_street(community, street):
    """`community` is a registered community's payload."""
    if street is not None and community["street"] != street:
        raise Invalid(
            f"community {community['community_id']} is in street {community['street']}, not {street}", field="street"
        )
    return community
