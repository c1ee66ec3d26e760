"""training's settings, read from the environment once, when the service starts (`from_mapping`, by the service's
`watchpost.runtime.Settings` provider: a bad value stops the service there), and handed to commands, timers and
consumers through `ctx.extra["settings"]` (`of(ctx)`; the defaults when a test gives none).

- TRAINING_PORT (default 8003): the HTTP port (read by `config.yml`).

- TRAINING_YEARLY_HOURS (default `rules.DEFAULT_YEARLY_HOURS`): `{"informant": 8, "community_secretary": 24}`,
  the hours each role owes a year (pro rata in the year of appointment); a role left out is not assessed.
- TRAINING_PROGRAMME (default `rules.DEFAULT_PROGRAMME`): the onboarding items per role, each matching sessions
  by kind and/or topic: `{"informant": [{"item": "forum", "kind": "new_cadre_forum", "topic": null}]}`.
"""

import json
from dataclasses import dataclass
from functools import lru_cache

from watchpost.errors import Invalid

from training.domain.rules import CADRE_ROLES, DEFAULT_PROGRAMME, DEFAULT_YEARLY_HOURS, KINDS

HOURS_VAR, PROGRAMME_VAR = "TRAINING_YEARLY_HOURS", "TRAINING_PROGRAMME"
PORT_VARIABLE, DEFAULT_PORT = "TRAINING_PORT", 8003


@dataclass(frozen=True)
class TrainingSettings:
    yearly_hours: dict
    programme: dict


def _json(name, raw):
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise Invalid(f"{name} must be JSON: {exc}", field=name) from None


def _roles(name, value):
    if not isinstance(value, dict):
        raise Invalid(f"{name} must be a JSON object keyed by role", field=name)
    unknown = sorted(set(value) - set(CADRE_ROLES))
    if unknown:
        raise Invalid(f"{name} names unknown roles {unknown}; allowed: {', '.join(CADRE_ROLES)}", field=name)
    return value


def yearly_hours(raw):
    table = _roles(HOURS_VAR, _json(HOURS_VAR, raw))
    for role, hours in table.items():
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or hours < 0:
            raise Invalid(f"{HOURS_VAR}[{role}] must be a number of hours, 0 or more, not {hours!r}", field=HOURS_VAR)
    return table


def programme(raw):
    table = _roles(PROGRAMME_VAR, _json(PROGRAMME_VAR, raw))
    out = {}
    for role, items in table.items():
        if not isinstance(items, list):
            raise Invalid(f"{PROGRAMME_VAR}[{role}] must be a list of items", field=PROGRAMME_VAR)
        out[role] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("item"), str) or not item["item"]:
                raise Invalid(
                    f"{PROGRAMME_VAR}[{role}]: every entry is {{item, kind?, topic?}} with a non-empty "
                    f"item name, not {item!r}",
                    field=PROGRAMME_VAR,
                )
            if set(item) - {"item", "kind", "topic"}:
                raise Invalid(
                    f"{PROGRAMME_VAR}[{role}] entry {item['item']!r} takes item, kind and topic only",
                    field=PROGRAMME_VAR,
                )
            kind, topic = item.get("kind"), item.get("topic")
            if kind is not None and kind not in KINDS:
                raise Invalid(
                    f"{PROGRAMME_VAR}[{role}] entry {item['item']!r}: kind {kind!r} is unknown; allowed: "
                    f"{', '.join(KINDS)}",
                    field=PROGRAMME_VAR,
                )
            if not kind and not topic:
                raise Invalid(
                    f"{PROGRAMME_VAR}[{role}] entry {item['item']!r} needs a kind or a topic to match sessions by",
                    field=PROGRAMME_VAR,
                )
            out[role].append({"item": item["item"], "kind": kind, "topic": topic})
    return out


@lru_cache(maxsize=8)
def _parse(hours_raw, programme_raw):
    return TrainingSettings(
        DEFAULT_YEARLY_HOURS if hours_raw is None else yearly_hours(hours_raw),
        DEFAULT_PROGRAMME if programme_raw is None else programme(programme_raw),
    )


def from_mapping(mapping):
    """Settings from a mapping such as `os.environ`; blank or absent variables keep the defaults."""
    return _parse(mapping.get(HOURS_VAR) or None, mapping.get(PROGRAMME_VAR) or None)


DEFAULT = TrainingSettings(DEFAULT_YEARLY_HOURS, DEFAULT_PROGRAMME)


def of(ctx):
    return ctx.extra.get("settings") or DEFAULT
