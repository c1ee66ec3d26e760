"""The plan: a district's period of supervision as commands to the real services, deterministic for a seed.

Volumes per year for the whole district (DESIGN.md "Volumes"), scaled by the share of communities simulated:
monthly feedback from every informant and supervisor (~93% file), quarterly reports from every station, ~1,000
pairing contacts, a monthly lecture per street plus a quarterly campaign (~10,000 attendance records), ~450 clues
and ~550 opinions and problems with their workflows, 120 inspections with findings and rectifications.

Each workflow (one person's month-by-month duties, one clue's life, one inspection...) draws from its own
`random.Random(f"{seed}:{workflow}")`, so what is sent does not depend on thread scheduling; only the order in
which independent workflows interleave does. Every command carries an Idempotency-Key built from the seed, the
period and the step, so running the same plan again writes nothing new.
"""

import concurrent.futures
import datetime
import random
import uuid

from simulation import district as D
from simulation.casework import DISTRICT, Casework, secretary, watcher
from simulation.client import Refused

PER_YEAR = {"clues": 450, "opinions": 550, "inspections": 120}
CONTACTS = ("exchange_report", "duty_talk", "heart_to_heart", "guidance")


class Plan(Casework):
    def __init__(self, client, district, period, seed, scale, workers=8, say=print):
        self.client, self.district, self.period, self.seed = client, district, period, seed
        self.workers, self.say = workers, say
        self.share = len(district.communities) / 95
        self.months = [ym for ym in D.months(period) if D.begun(ym)]
        self.quarters = [q for q in D.quarters(period) if D.quarter_begun(q)]
        self.sessions = {}  # (street or "district", month label) -> session
        self.clues = []  # (key, plan) of clues accepted here, for repeat reports
        self.errors = []

    def rng(self, name):
        return random.Random(f"{self.seed}:{self.period}:{name}")

    def key(self, name, step):
        return f"sim:{self.seed}:{self.period}:{name}:{step}"

    def count(self, what):
        per_month = PER_YEAR[what] / 12 * self.share
        return max(1, round(per_month * len(self.months))) if self.months else 0

    def post(self, service, path, actor, body, name, step, **kw):
        return self.client.post(service, path, actor, body, self.key(name, step), route=kw.pop("route", step), **kw)

    # -- running ----------------------------------------------------------------------------------------------
    def concurrently(self, label, workflows):
        workflows = list(workflows)
        random.Random(f"{self.seed}:{label}").shuffle(workflows)
        with concurrent.futures.ThreadPoolExecutor(self.workers) as pool:
            for future in concurrent.futures.as_completed([pool.submit(self._safe, w) for w in workflows]):
                future.result()
        self.say(f"  {label}: {len(workflows)} workflows")

    def _safe(self, workflow):
        try:
            workflow()
        except Refused:
            pass  # counted by the client; the workflow stops there
        except Exception as exc:  # noqa: BLE001 - reported at the end; the other workflows go on
            self.errors.append(f"{type(exc).__name__}: {exc}")

    # -- phase 1: the sessions of the period (scheduled and held before attendance is taken) ------------------
    def schedule_sessions(self):
        plans = []
        for ym in self.months:
            label = D.month_label(ym)
            for street in self.district.streets:
                plans.append(
                    ((street, label), "monthly_lecture", f"{label} 月度廉政讲座", 2, {"streets": [street]}, ym)
                )
            middle, unfinished = ym[1] % 3 == 2, ym == self.months[-1] and ym[1] % 3 == 1
            if middle or unfinished:  # a quarter's campaign in its middle month, or now if that is to come
                plans.append(
                    (
                        ("district", label),
                        "campaign",
                        "小微权力清单 专题培训",
                        3,
                        {"roles": ["community_secretary", "street_commission_member"]},
                        ym,
                    )
                )
        for where, kind, topic, hours, audience, ym in plans:
            name = f"session-{where[0]}-{where[1]}"
            day = D.day_in(ym, self.rng(name))
            sid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"watchpost-sim:{self.seed}:{name}"))
            self.post(
                "training",
                "/sessions",
                DISTRICT,
                {
                    "session_id": sid,
                    "kind": kind,
                    "topic": topic,
                    "date": day.isoformat(),
                    "hours": hours,
                    "organiser": "区纪委监委" if where[0] == "district" else f"{where[0]} 纪工委",
                    "audience": audience,
                },
                name,
                "schedule_session",
            )
            self.post("training", f"/sessions/{sid}/hold", DISTRICT, {"held_on": day.isoformat()}, name, "hold_session")
            self.sessions[where] = {"session_id": sid, "kind": kind}
        self.say(f"  sessions: {len(plans)} scheduled and held")

    # -- phase 2: everyone's duties, and the clues, opinions and inspections ----------------------------------
    def duties(self):
        people = [lambda p=p: self.person(p) for p in self.district.people]
        pairings = [lambda p=p: self.pairing(p) for p in self.district.pairings]
        reports = [
            lambda c=c, q=q: self.report(c, q) for c in self.district.communities.values() for q in self.quarters
        ]
        clues = [lambda i=i: self.clue(i) for i in range(self.count("clues"))]
        opinions = [lambda i=i: self.opinion(i) for i in range(self.count("opinions"))]
        inspections = [lambda i=i: self.inspection(i) for i in range(self.count("inspections"))]
        self.concurrently(
            "feedback, reports, contacts, attendance, clues, opinions, inspections",
            people + pairings + reports + clues + opinions + inspections,
        )

    def person(self, p):
        rng, name, street = self.rng(p["person_id"]), p["person_id"], self.district.street_of(p)
        for ym in self.months:
            label = D.month_label(ym)
            if p["role"] in ("informant", "supervisor") and rng.random() < 0.93:
                body = {"person_id": name, "period": label, "summary": f"{label} 月度监督情况正常"}
                if rng.random() < 0.02:
                    body.update(
                        major_problem=True,
                        problem_summary="发现集体资产出租未经集体研究",
                        category=rng.choice(["C02", "C05", "C01.03"]),
                    )
                self.post(
                    "liaison", "/feedback", watcher(p, street), body, name, f"feedback-{label}", route="submit_feedback"
                )
            for where in ((street, label), ("district", label)):
                session = self.sessions.get(where)
                invited = where[0] != "district" or p["role"] in ("community_secretary", "street_commission_member")
                if session and invited and rng.random() < (0.6 if where[0] != "district" else 0.9):
                    status = rng.choices(["present", "absent", "excused"], [85, 10, 5])[0]
                    self.post(
                        "training",
                        f"/sessions/{session['session_id']}/attendance",
                        DISTRICT,
                        {
                            "person_id": name,
                            "role": p["role"],
                            "street": street,
                            "community": p.get("community"),
                            "status": status,
                        },
                        name,
                        f"attendance-{where[0]}-{label}",
                        route="record_attendance",
                    )

    def pairing(self, p):
        pid, community = f"{p['member_id']}-{p['community']}", p["community"]
        street, rng = self.district.communities[community]["street"], self.rng(f"pairing-{p['member_id']}-{community}")
        actor = ("street_commission", p["member_id"], street, None)
        for ym in self.months:
            for n in range(rng.choices([0, 1, 2], [30, 52, 18])[0]):
                day = D.day_in(ym, rng)
                self.post(
                    "liaison",
                    f"/pairings/{pid}/contacts",
                    actor,
                    {
                        "kind": rng.choice(CONTACTS),
                        "held_on": day.isoformat(),
                        "participants": [p["member_id"], f"SEC-{community}"],
                        "notes": "听取监察联络站工作汇报",
                    },
                    pid,
                    f"contact-{D.month_label(ym)}-{n}",
                    route="record_contact",
                )

    def report(self, community, quarter):
        cid = community["community_id"]
        if self.rng(f"report-{cid}-{quarter}").random() < 0.93:
            self.post(
                "liaison",
                "/reports",
                secretary(cid, community["street"]),
                {"community": cid, "period": quarter, "summary": f"{quarter} 监察联络站季度工作报告"},
                f"report-{cid}",
                quarter,
                route="submit_report",
            )

    # -- phase 3: personnel changes ----------------------------------------------------------------------------
    def personnel(self):
        """About 1% of supervisors a quarter leave; each is replaced in the same groups the next day."""
        supervisors = [p for p in self.district.people if p["role"] == "supervisor"]
        leaving = [p for p in supervisors if self.rng(f"leave-{p['person_id']}").random() < 0.01 * len(self.quarters)]
        work = [lambda p=p: self.replace(p) for p in leaving]
        self.concurrently("supervisors replaced", work)

    def replace(self, p):
        rng, street = self.rng(f"replace-{p['person_id']}"), self.district.street_of(p)
        left = D.day_in(self.months[-1], rng)
        joined = min(left + datetime.timedelta(days=1), D.today())
        actor = secretary(p["community"], street)
        self.post(
            "liaison",
            f"/people/{p['person_id']}/dismiss",
            actor,
            {"dismissed_on": left.isoformat(), "reason": "工作调动"},
            p["person_id"],
            "dismiss_person",
        )
        new_id = f"{p['person_id']}-N{self.period}"[:64]
        self.post(
            "liaison",
            "/people",
            actor,
            {
                "person_id": new_id,
                "name": f"示例廉情监督员 {new_id}",
                "role": "supervisor",
                "community": p["community"],
                "groups": p["groups"],
                "appointed_on": joined.isoformat(),
            },
            new_id,
            "appoint_person",
        )
