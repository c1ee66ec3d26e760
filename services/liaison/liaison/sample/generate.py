"""Generate the SAMPLE directory: `python -m liaison.sample.generate` rewrites directory.json (deterministic).

Sized like the seed: 9 streets/towns, 95 communities each with a liaison station, 12 neighbourhood centres,
16 consultation platforms, 178 informants, 1,070 integrity supervisors (one per residential group), plus 95
community secretaries and 27 street commission members paired with the communities. Street names are the
district's; every community, group, venue and person is invented.
"""

import json
import sys

from liaison.sample import PATH

STREETS = [
    ("柳城街道", "street"),
    ("公平街道", "street"),
    ("涌泉街道", "street"),
    ("天府街道", "street"),
    ("金马街道", "street"),
    ("永宁街道", "street"),
    ("万春镇", "town"),
    ("和盛镇", "town"),
    ("寿安镇", "town"),
]
COMMUNITIES, CENTRES, PLATFORMS, INFORMANTS, SUPERVISORS, MEMBERS_PER_STREET = 95, 12, 16, 178, 1070, 3
NOTICE = "SAMPLE DATA (示例数据): invented communities, groups, venues and people for tests and demos; not real."


def build():
    streets = [{"street_id": f"S{i:02d}", "name": name, "kind": kind} for i, (name, kind) in enumerate(STREETS, 1)]
    per_street = [COMMUNITIES // len(STREETS) + (i < COMMUNITIES % len(STREETS)) for i in range(len(STREETS))]
    extra_supervised = SUPERVISORS - COMMUNITIES * (SUPERVISORS // COMMUNITIES)
    single_informant = 2 * COMMUNITIES - INFORMANTS
    communities, people, pairings, n = [], [], [], 0
    for s, street in enumerate(streets):
        sid = street["street_id"]
        members = [f"SCM-{sid}-{k}" for k in range(1, MEMBERS_PER_STREET + 1)]
        people += [person(m, f"示例街道纪工委成员 {m}", "street_commission_member", street=sid) for m in members]
        for j in range(per_street[s]):
            n += 1
            cid = f"C{n:03d}"
            kind = "village" if street["kind"] == "town" and j % 2 else "community"
            size = SUPERVISORS // COMMUNITIES + (n <= extra_supervised)
            groups = [
                {
                    "group_id": f"{cid}-G{g:02d}",
                    "name": f"第{g}居民小组" if g % 4 else f"{g}号小区院落",
                    "kind": "residential_group" if g % 4 else "compound",
                }
                for g in range(1, size + 1)
            ]
            label = "村" if kind == "village" else "社区"
            communities.append(
                {
                    "community_id": cid,
                    "street": sid,
                    "name": f"示例{label}{n:03d}",
                    "kind": kind,
                    "station": {
                        "station_id": f"STN-{cid}",
                        "name": f"示例{n:03d}监察联络站",
                        "opened_on": "2022-01-01",
                    },
                    "groups": groups,
                }
            )
            ids = [g["group_id"] for g in groups]
            people.append(person(f"SEC-{cid}", f"示例社区纪委书记 {cid}", "community_secretary", community=cid))
            people += [
                person(f"SUP-{cid}-{g:02d}", f"示例廉情监督员 {cid}-{g:02d}", "supervisor", community=cid, groups=[gid])
                for g, gid in enumerate(ids, 1)
            ]
            halves = [ids] if n > COMMUNITIES - single_informant else [ids[: len(ids) // 2], ids[len(ids) // 2 :]]
            people += [
                person(f"INF-{cid}-{k}", f"示例信息员 {cid}-{k}", "informant", community=cid, groups=half)
                for k, half in enumerate(halves, 1)
            ]
            pairings.append(
                {"member_id": members[j % MEMBERS_PER_STREET], "community": cid, "established_on": "2022-03-01"}
            )
    return {
        "directory_id": "wenjiang-sample",
        "sample": True,
        "notice": NOTICE,
        "streets": streets,
        "communities": communities,
        "centres": venues("centre", "NC", "示例邻里中心", CENTRES, communities),
        "platforms": venues("platform", "CP", "示例邻里协商平台", PLATFORMS, communities),
        "people": people,
        "pairings": pairings,
    }


def person(pid, name, role, street=None, community=None, groups=()):
    return {
        "person_id": pid,
        "name": name,
        "role": role,
        "street": street,
        "community": community,
        "groups": list(groups),
        "appointed_on": "2022-03-01",
    }


def venues(what, prefix, label, count, communities):
    found = []
    for i in range(count):
        c = communities[(i * 8) % len(communities)]
        found.append(
            {
                f"{what}_id": f"{prefix}{i + 1:02d}",
                "street": c["street"],
                "name": f"{label}{i + 1:02d}",
                "community": c["community_id"],
            }
        )
    return found


def main(path=PATH):
    text = json.dumps(build(), ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(text)} characters)", file=sys.stderr)


if __name__ == "__main__":
    main()
