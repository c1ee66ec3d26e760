"""The request fields every service shares, and the bounds of what Watchpost accepts, in one place (marshmallow 4).

A request is refused at the door (422 naming the field) when an identifier has a character outside `ID_CHARS` or
is longer than `ID_LENGTH`, when a date or a period lies before the district's records begin (`RECORDS_BEGIN`) or
after `LAST_YEAR`, or when a page goes beyond `MAX_OFFSET`. Every bound is a validator that apispec writes into the
published OpenAPI documents (pattern, minLength/maxLength, minimum/maximum, enum), so a client can read them there.
"""

from datetime import date, datetime, timedelta, timezone

from marshmallow import fields, validate

from watchpost.errors import Invalid

RECORDS_BEGIN = date(2020, 1, 1)  # the earliest date the district's records hold (the seed reports 2021's work)
LAST_YEAR = 2099  # the last year a date or a period may name
FIRST_YEAR = RECORDS_BEGIN.year
LAST_DAY = date(LAST_YEAR, 12, 31)
DISTRICT_TZ = timezone(timedelta(hours=8))  # Chengdu: "today" and "the future" are the district's
ID_CHARS = "A-Za-z0-9._:-"  # letters, digits, dot, underscore, colon, hyphen
ID_LENGTH = 64
MAX_OFFSET = 1_000_000
MAX_POSITION = 2**63 - 1  # a log position is a PostgreSQL bigint
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot store U+0000 (refused by watchpost.runtime.web)


def _years(first, last):
    """A regular expression matching the years first..last (four digits): whole decades of a century together
    (2020-2099 is `20[2-9][0-9]`), a part of a decade by its last digit."""
    parts, year = [], first
    while year <= last:
        if year % 10 == 0 and year + 9 <= last:
            decades = (min(last + 1, year // 100 * 100 + 100) - year) // 10
            low, high = year // 10 % 10, year // 10 % 10 + decades - 1
            parts.append(f"{year // 100}{low if low == high else f'[{low}-{high}]'}[0-9]")
            year += decades * 10
        else:
            end = min(last, year + 9 - year % 10)
            parts.append(f"{year // 10}[{year % 10}-{end % 10}]")
            year = end + 1
    return "(?:" + "|".join(parts) + ")"


YEAR = _years(FIRST_YEAR, LAST_YEAR)
MONTH_RE, QUARTER_RE = rf"{YEAR}-(?:0[1-9]|1[0-2])", rf"{YEAR}-Q[1-4]"
DATE_RE = rf"^{YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
ID_RE = rf"^[A-Za-z0-9][{ID_CHARS}]*$"
_RANGE = f"{FIRST_YEAR} to {LAST_YEAR}"


def _period(pattern, what):
    return validate.Regexp(rf"^(?:{pattern})$", error=f"must be {what}, in the years {_RANGE}")


MONTH = _period(MONTH_RE, "a month like 2026-03")
QUARTER = _period(QUARTER_RE, "a quarter like 2026-Q1")
MONTH_OR_QUARTER = _period(f"{MONTH_RE}|{QUARTER_RE}", "a month like 2026-03 or a quarter like 2026-Q1")
PERIOD = _period(f"{MONTH_RE}|{QUARTER_RE}|{YEAR}", "a month like 2026-03, a quarter like 2026-Q1 or a year like 2026")
YEARS = validate.Range(min=FIRST_YEAR, max=LAST_YEAR, error=f"must be a year from {_RANGE}")


def Id(length=ID_LENGTH, **kw):
    """An identifier (of a street, a community, a person, a session ...): `ID_CHARS`, starting with a letter or
    digit, at most `length` characters."""
    return fields.String(
        validate=[
            validate.Length(min=1, max=length),
            validate.Regexp(ID_RE, error="must be letters, digits and . _ : - (starting with a letter or digit)"),
        ],
        **kw,
    )


def Day(**kw):
    """A date (ISO, 2026-03-02) from RECORDS_BEGIN to the end of LAST_YEAR."""
    metadata = {"pattern": DATE_RE, **kw.pop("metadata", {})}
    return fields.Date(
        validate=validate.Range(
            min=RECORDS_BEGIN,
            max=LAST_DAY,
            error=(f"must be a date from {RECORDS_BEGIN.isoformat()} to {LAST_DAY.isoformat()}"),
        ),
        metadata=metadata,
        **kw,
    )


class Whole(fields.Integer):
    """A whole number in a JSON body, as JSON Schema's `integer` has it: 3 or 3.0, never "3", 3.5 or true."""

    def __init__(self, **kw):
        super().__init__(strict=True, **kw)

    def _validated(self, value):
        return super()._validated(int(value) if isinstance(value, float) and value.is_integer() else value)


def Year(**kw):
    return fields.Integer(validate=YEARS, **kw)


def Offset(**kw):
    return fields.Integer(validate=validate.Range(min=0, max=MAX_OFFSET), load_default=0, **kw)


def Limit(default, most, **kw):
    return fields.Integer(validate=validate.Range(min=1, max=most), load_default=default, **kw)


def district_today(now=None):
    return (now or datetime.now(timezone.utc)).astimezone(DISTRICT_TZ).date()


def refuse_future(data, *names):
    """For a loaded request (a schema's post_load): each date named must not be after the district's today.
    A rule about the clock, not the request's shape, so the document cannot state it: a 422 naming the field."""
    today = district_today()
    for name in names:
        if data.get(name) is not None and data[name] > today:
            raise Invalid(
                f"{name} {data[name].isoformat()} is in the future; it must be {today.isoformat()} or earlier",
                field=name,
            )
    return data
