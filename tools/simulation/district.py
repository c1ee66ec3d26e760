"""The district the simulation runs in: the seed's directory (liaison's bundled SAMPLE, which `POST /directory`
loads), the communities a scale selects, and the calendar of the simulated period.

The services take "now" from the wall clock (Chengdu time, UTC+8). A simulated date can only be given where a
command accepts one (held_on, appointed_on, dismissed_on, a feedback's or report's period, a session's date); a
date after today is refused by the services, so only the part of the period that has begun is simulated.
"""

import calendar
import datetime
import json
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "services" / "liaison" / "liaison" / "sample" / "directory.json"
CHENGDU = datetime.timezone(datetime.timedelta(hours=8))


def today():
    return datetime.datetime.now(CHENGDU).date()


def months(period):
    """[(year, month)] of a quarter `2026-Q1`, a year `2026` or a month `2026-03`."""
    year = int(period[:4])
    if len(period) == 4:
        return [(year, m) for m in range(1, 13)]
    if period[5] == "Q":
        q = int(period[6])
        return [(year, m) for m in range(3 * q - 2, 3 * q + 1)]
    return [(year, int(period[5:7]))]


def quarters(period):
    return sorted({f"{y}-Q{(m - 1) // 3 + 1}" for y, m in months(period)})


def month_label(ym):
    return f"{ym[0]}-{ym[1]:02d}"


def begun(ym, on=None):
    return datetime.date(ym[0], ym[1], 1) <= (on or today())


def quarter_begun(quarter, on=None):
    year, q = int(quarter[:4]), int(quarter[-1])
    return begun((year, 3 * q - 2), on)


def day_in(ym, rng, on=None):
    """A random day of the month, never after today."""
    last = calendar.monthrange(*ym)[1]
    if (on or today()) < datetime.date(ym[0], ym[1], last):
        last = max(1, (on or today()).day)
    return datetime.date(ym[0], ym[1], rng.randint(1, last))


def load_sample():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def select(directory, scale, seed):
    """The part of the district a scale simulates: round(95 × scale) communities (at least one), chosen by the
    seed, with their streets, stations, groups, people, venues and pairings. Scale 1 is the whole sample."""
    communities = directory["communities"]
    n = max(1, min(len(communities), round(len(communities) * scale)))
    if n == len(communities):
        return directory
    chosen = {c["community_id"] for c in random.Random(f"{seed}:communities").sample(communities, n)}
    pairings = [p for p in directory["pairings"] if p["community"] in chosen]
    streets = {c["street"] for c in communities if c["community_id"] in chosen}
    members = {p["member_id"] for p in pairings}
    return {
        **directory,
        "directory_id": f"{directory['directory_id']}-{n}of{len(communities)}-seed{seed}",
        "streets": [s for s in directory["streets"] if s["street_id"] in streets],
        "communities": [c for c in communities if c["community_id"] in chosen],
        "centres": [v for v in directory["centres"] if v.get("community") in chosen],
        "platforms": [v for v in directory["platforms"] if v.get("community") in chosen],
        "people": [p for p in directory["people"] if p.get("community") in chosen or p["person_id"] in members],
        "pairings": pairings,
    }


class District:
    """What the plan needs to know about the selected directory."""

    def __init__(self, directory):
        self.directory = directory
        self.communities = {c["community_id"]: c for c in directory["communities"]}
        self.people = [p for p in directory["people"]]
        self.watchers = [p for p in self.people if p["role"] in ("informant", "supervisor")]
        self.streets = sorted({c["street"] for c in directory["communities"]})
        self.pairings = directory["pairings"]

    def street_of(self, person):
        return person.get("street") or self.communities[person["community"]]["street"]

    def in_community(self, community, role):
        return [p for p in self.people if p.get("community") == community and p["role"] == role]
