"""Loading a district's directory (streets, communities with stations and groups, venues, people, pairings) from a
dict parsed from JSON (`load_directory`) or from CSV tables (`from_tables`). Loading the same data again writes
nothing: every registration, appointment and pairing that already stands is skipped.
"""

import hashlib
import json
import threading
from dataclasses import replace

from watchpost.domain import Change
from watchpost.errors import Invalid
from watchpost.handling import execute

from liaison import access, settings
from liaison.commands import directory, pairings
from liaison.commands import personnel as people
from liaison.commands._common import person_of, state_of
from liaison.domain import pairing, personnel
from liaison.schemas import DirectorySchema, load

SECTIONS = ("streets", "communities", "centres", "platforms", "people", "pairings")


def load_directory(store, ctx, data=None, **loaded):
    """Load `data` (a raw dict, see `DirectorySchema`), or the fields the HTTP/RPC boundary already loaded with
    that schema; returns every event written, ending with `directory.loaded`."""
    access.require("load_directory", ctx.actor)
    data = load(DirectorySchema, data) if data is not None or not loaded else loaded
    _check_references(data)
    sub = replace(ctx, command_id=None)  # each part is idempotent by itself; the command id marks the whole
    written = []

    def community(c):
        done = directory.register_community(store, sub, c["community_id"], c["street"], c["name"], c["kind"])
        st = c["station"]
        done += directory.register_station(
            store, sub, c["community_id"], st["station_id"], st["name"], st.get("opened_on")
        )
        for g in c["groups"]:
            done += directory.register_group(store, sub, c["community_id"], g["group_id"], g["name"], g["kind"])
        return done

    def person(p):
        if person_of(store, p["person_id"])["status"] == "dismissed":
            return []
        return people.appoint_person(
            store,
            sub,
            p["person_id"],
            p["name"],
            p["role"],
            p.get("street"),
            p.get("community"),
            p.get("groups", []),
            p.get("appointed_on"),
        )

    def paired(p):
        stream = f"pairing-{pairing.pairing_id(p['member_id'], p['community'])}"
        if state_of(store, stream, pairing.fold_pairing)["status"] is not None:
            return []
        return pairings.establish_pairing(store, sub, p["member_id"], p["community"], p.get("established_on"))

    for s in data["streets"]:
        written += directory.register_street(store, sub, s["street_id"], s["name"], s["kind"])
    written += in_parallel(community, data["communities"])  # each community is its own stream
    for what in ("centre", "platform"):
        for v in data[what + "s"]:
            written += getattr(directory, f"register_{what}")(
                store, sub, v[f"{what}_id"], v["street"], v["name"], v.get("community")
            )
    written += in_parallel(person, data["people"])
    written += in_parallel(paired, data["pairings"])
    if not written:
        return []
    summary = {
        "directory_id": data["directory_id"],
        "digest": digest(data),
        "sample": data["sample"],
        "counts": counts(data),
        "written": len(written),
        "loaded_on": settings.today_of(ctx).isoformat(),
    }
    return written + execute(
        store,
        f"directory-{data['directory_id']}",
        lambda events: None,
        lambda _: [Change("directory.loaded", summary)],
        ctx,
    )


def in_parallel(fn, items, width=8):
    """Run `fn` over independent items `width` at a time, so the log's group commit shares their transactions
    (green threads in the service, plain threads in unit tests). Results keep the items' order."""
    items, results, errors = list(items), [None] * len(items), []
    cursor = iter(range(len(items)))
    lock = threading.Lock()

    def work():
        while not errors:
            with lock:
                i = next(cursor, None)
            if i is None:
                return
            try:
                results[i] = fn(items[i])
            except Exception as exc:  # noqa: BLE001 - raised below, after the others stop
                errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(min(width, len(items)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return [event for done in results if done for event in done]


def digest(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def counts(data):
    found = {name: len(data[name]) for name in SECTIONS}
    found["stations"] = len(data["communities"])
    found["groups"] = sum(len(c["groups"]) for c in data["communities"])
    plural = {
        "informant": "informants",
        "supervisor": "supervisors",
        "community_secretary": "community_secretaries",
        "street_commission_member": "street_commission_members",
    }
    for role in sorted(personnel.ROLES):
        found[plural[role]] = sum(1 for p in data["people"] if p["role"] == role)
    return found


def _check_references(data):
    """Every street, community, group and member the data names is in the data itself."""
    streets = {s["street_id"] for s in data["streets"]}
    groups = {c["community_id"]: {g["group_id"] for g in c["groups"]} for c in data["communities"]}
    members = {p["person_id"] for p in data["people"] if p["role"] == "street_commission_member"}
    problems = [
        f"community {c['community_id']}: street {c['street']} is not in the data"
        for c in data["communities"]
        if c["street"] not in streets
    ]
    for what in ("centres", "platforms"):
        problems += [
            f"{what[:-1]} {v[what[:-1] + '_id']}: street {v['street']} or community {v.get('community')} "
            f"is not in the data"
            for v in data[what]
            if v["street"] not in streets or v.get("community") not in {None, *groups}
        ]
    for p in data["people"]:
        if p.get("community") is not None and p["community"] not in groups:
            problems.append(f"person {p['person_id']}: community {p['community']} is not in the data")
        elif set(p.get("groups", [])) - groups.get(p.get("community"), set()):
            problems.append(
                f"person {p['person_id']}: groups "
                f"{sorted(set(p['groups']) - groups.get(p.get('community'), set()))} "
                f"are not groups of community {p['community']}"
            )
        elif p.get("community") is None and p.get("street") not in streets:
            problems.append(f"person {p['person_id']}: street {p.get('street')} is not in the data")
    problems += [
        f"pairing {p['member_id']}/{p['community']}: member or community is not in the data"
        for p in data["pairings"]
        if p["member_id"] not in members or p["community"] not in groups
    ]
    if problems:
        raise Invalid(
            f"the directory names things it does not contain ({len(problems)} problems; first: "
            f"{problems[0]}); nothing was loaded",
            problems=problems[:50],
        )


def from_tables(tables, directory_id, sample=False):
    """Build the `load_directory` dict from CSV rows (lists of dicts, e.g. from `csv.DictReader`).

    Tables: streets(street_id,name,kind) communities(community_id,street,name,kind,station_id,station_name,
    opened_on) groups(group_id,community,name,kind) centres/platforms(<x>_id,street,name,community)
    people(person_id,name,role,street,community,groups `;`-separated,appointed_on) pairings(member_id,community,
    established_on). Empty cells are absent values.
    """

    def clean(row):
        return {k: v for k, v in row.items() if v not in ("", None)}

    groups = {}
    for g in map(clean, tables.get("groups", [])):
        groups.setdefault(g.pop("community"), []).append(g)
    communities = []
    for c in map(clean, tables.get("communities", [])):
        station = {"station_id": c.pop("station_id", None), "name": c.pop("station_name", None)}
        if "opened_on" in c:
            station["opened_on"] = c.pop("opened_on")
        communities.append({**c, "station": station, "groups": groups.get(c["community_id"], [])})
    people = [
        {**p, "groups": [g for g in p.get("groups", "").split(";") if g]} for p in map(clean, tables.get("people", []))
    ]
    return {
        "directory_id": directory_id,
        "sample": sample,
        "streets": [clean(r) for r in tables.get("streets", [])],
        "communities": communities,
        "centres": [clean(r) for r in tables.get("centres", [])],
        "platforms": [clean(r) for r in tables.get("platforms", [])],
        "people": people,
        "pairings": [clean(r) for r in tables.get("pairings", [])],
    }
