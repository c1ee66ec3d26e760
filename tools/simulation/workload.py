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

from watchpost.reference import catalogue

from simulation import district as D
from simulation.client import Refused

PER_YEAR = {"clues": 450, "opinions": 550, "inspections": 120}
DISTRICT = ("district_commission", "DC-1", None, None)
DISTRICT_2 = ("district_commission", "DC-2", None, None)
ACCUSED = [("居民小组长", "resident_group_leader"), ("社区会计", "community_staff"), ("网格员", "community_staff"),
           ("社区居委会委员", "community_cadre"), ("社区党委副书记", "community_cadre"),
           ("社区党委书记", "community_leader"), ("街道办事员", "street_staff")]
CITIZEN_CHANNELS = ("wechat", "citizen_platform", "visit", "letter", "phone", "meeting")
DEPARTMENTS = ("街道社会事务办", "社区居委会", "区民政局", "区住建局", "街道综合执法队")
SUBJECTS = ("三务公开栏更新", "集体资金收支台账", "低保评审程序", "小型工程验收资料", "惠农补贴发放", "日常采购记录")
CONTACTS = ("exchange_report", "duty_talk", "heart_to_heart", "guidance")
ITEMS = sorted(code for code, item in catalogue.items().items())


def street_commission(street, n=1):
    return ("street_commission", f"SCM-{street}-{n}", street, None)


def secretary(community, street):
    return ("community_secretary", f"SEC-{community}", street, community)


def watcher(person, street):
    return (person["role"], person["person_id"], street, person["community"])


class Plan:
    def __init__(self, client, district, period, seed, scale, workers=8, say=print):
        self.client, self.district, self.period, self.seed = client, district, period, seed
        self.workers, self.say = workers, say
        self.share = len(district.communities) / 95
        self.months = [ym for ym in D.months(period) if D.begun(ym)]
        self.quarters = [q for q in D.quarters(period) if D.quarter_begun(q)]
        self.sessions = {}            # (street or "district", month label) -> session
        self.clues = []               # (key, plan) of clues accepted here, for repeat reports
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
            pass                                   # counted by the client; the workflow stops there
        except Exception as exc:  # noqa: BLE001 - reported at the end; the other workflows go on
            self.errors.append(f"{type(exc).__name__}: {exc}")

    # -- phase 1: the sessions of the period (scheduled and held before attendance is taken) ------------------
    def schedule_sessions(self):
        plans = []
        for ym in self.months:
            label = D.month_label(ym)
            for street in self.district.streets:
                plans.append(((street, label), "monthly_lecture", f"{label} 月度廉政讲座", 2, {"streets": [street]}, ym))
            middle, unfinished = ym[1] % 3 == 2, ym == self.months[-1] and ym[1] % 3 == 1
            if middle or unfinished:        # a quarter's campaign in its middle month, or now if that is to come
                plans.append((("district", label), "campaign", "小微权力清单 专题培训", 3,
                              {"roles": ["community_secretary", "street_commission_member"]}, ym))
        for where, kind, topic, hours, audience, ym in plans:
            name = f"session-{where[0]}-{where[1]}"
            day = D.day_in(ym, self.rng(name))
            sid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"watchpost-sim:{self.seed}:{name}"))
            self.post("training", "/sessions", DISTRICT, {"session_id": sid, "kind": kind, "topic": topic,
                      "date": day.isoformat(), "hours": hours, "organiser": "区纪委监委" if where[0] == "district"
                      else f"{where[0]} 纪工委", "audience": audience}, name, "schedule_session")
            self.post("training", f"/sessions/{sid}/hold", DISTRICT, {"held_on": day.isoformat()}, name,
                      "hold_session")
            self.sessions[where] = {"session_id": sid, "kind": kind}
        self.say(f"  sessions: {len(plans)} scheduled and held")

    # -- phase 2: everyone's duties, and the clues, opinions and inspections ----------------------------------
    def duties(self):
        people = [lambda p=p: self.person(p) for p in self.district.people]
        pairings = [lambda p=p: self.pairing(p) for p in self.district.pairings]
        reports = [lambda c=c, q=q: self.report(c, q) for c in self.district.communities.values()
                   for q in self.quarters]
        clues = [lambda i=i: self.clue(i) for i in range(self.count("clues"))]
        opinions = [lambda i=i: self.opinion(i) for i in range(self.count("opinions"))]
        inspections = [lambda i=i: self.inspection(i) for i in range(self.count("inspections"))]
        self.concurrently("feedback, reports, contacts, attendance, clues, opinions, inspections",
                          people + pairings + reports + clues + opinions + inspections)

    def person(self, p):
        rng, name, street = self.rng(p["person_id"]), p["person_id"], self.district.street_of(p)
        for ym in self.months:
            label = D.month_label(ym)
            if p["role"] in ("informant", "supervisor") and rng.random() < 0.93:
                body = {"person_id": name, "period": label, "summary": f"{label} 月度监督情况正常"}
                if rng.random() < 0.02:
                    body.update(major_problem=True, problem_summary="发现集体资产出租未经集体研究",
                                category=rng.choice(["C02", "C05", "C01.03"]))
                self.post("liaison", "/feedback", watcher(p, street), body, name, f"feedback-{label}",
                          route="submit_feedback")
            for where in ((street, label), ("district", label)):
                session = self.sessions.get(where)
                invited = where[0] != "district" or p["role"] in ("community_secretary", "street_commission_member")
                if session and invited and rng.random() < (0.6 if where[0] != "district" else 0.9):
                    status = rng.choices(["present", "absent", "excused"], [85, 10, 5])[0]
                    self.post("training", f"/sessions/{session['session_id']}/attendance", DISTRICT, {
                        "person_id": name, "role": p["role"], "street": street, "community": p.get("community"),
                        "status": status}, name, f"attendance-{where[0]}-{label}", route="record_attendance")

    def pairing(self, p):
        pid, community = f"{p['member_id']}-{p['community']}", p["community"]
        street, rng = self.district.communities[community]["street"], self.rng(f"pairing-{p['member_id']}-{community}")
        actor = ("street_commission", p["member_id"], street, None)
        for ym in self.months:
            for n in range(rng.choices([0, 1, 2], [30, 52, 18])[0]):
                day = D.day_in(ym, rng)
                self.post("liaison", f"/pairings/{pid}/contacts", actor, {
                    "kind": rng.choice(CONTACTS), "held_on": day.isoformat(), "participants": [p["member_id"],
                    f"SEC-{community}"], "notes": "听取监察联络站工作汇报"}, pid, f"contact-{D.month_label(ym)}-{n}",
                    route="record_contact")

    def report(self, community, quarter):
        cid = community["community_id"]
        if self.rng(f"report-{cid}-{quarter}").random() < 0.93:
            self.post("liaison", "/reports", secretary(cid, community["street"]), {
                "community": cid, "period": quarter, "summary": f"{quarter} 监察联络站季度工作报告"},
                f"report-{cid}", quarter, route="submit_report")

    # -- a clue's life (问题线索) ---------------------------------------------------------------------------------
    def clue_plan(self, i):
        rng = self.rng(f"clue-{i}")
        community = rng.choice(sorted(self.district.communities))
        street = self.district.communities[community]["street"]
        post, rank = rng.choice(ACCUSED) if rng.random() < 0.96 else ("街道党工委委员", "street_committee")
        if rng.random() < 0.01:
            post, rank = "区委委员", "district_committee"
        item = rng.choice(ITEMS)
        return rng, {"community": community, "street": street, "category": item[:3], "item": item,
                     "accused": {"name": f"示例被反映人{self.seed}-{i:04d}", "post": post, "rank": rank}}

    def clue(self, i):
        rng, plan = self.clue_plan(i)
        name, street, community = f"clue-{i}", plan["street"], plan["community"]
        who = rng.random()
        informants = self.district.in_community(community, "informant" if who < 0.5 else "supervisor")
        if who < 0.75 and informants:
            person = rng.choice(informants)
            actor, channel = watcher(person, street), person["role"]
        else:
            actor, channel = ("citizen", f"citizen-{self.seed}-{i}", None, None), rng.choice(CITIZEN_CHANNELS)
        body = {**plan, "channel": channel, "summary": f"反映{plan['accused']['post']}{catalogue.items()[plan['item']]['name']}问题",
                "details": "示例线索：具体情况见附件（模拟数据）"}
        if rng.random() < 0.4:
            body["reporter"] = {"name": f"示例举报人{i:04d}", "phone": f"138{i:08d}"}
        clue_id = self.post("intake", "/clues", actor, body, name, "receive_clue")["id"]
        self.advance_clue(clue_id, rng, name, street, plan["accused"]["rank"], bool(body.get("reporter")), i)

    def advance_clue(self, clue_id, rng, name, street, rank, real_name, index=None):
        screener, approver = street_commission(street, 1), street_commission(street, 2)
        if rank in ("street_committee", "district_staff"):
            approver = DISTRICT_2
        on = lambda step, body, actor=screener, again="": self.post(  # noqa: E731
            "intake", f"/clues/{clue_id}/{step}", actor, body, name, step + again, route=step)
        if rank == "district_committee":
            on("screen", {"outcome": "forwarded_up", "reason": "被反映人属上级管理", "transferred_to": "市纪委监委"})
            return
        if rng.random() < 0.07:
            on("screen", {"outcome": "out_of_scope", "reason": "不属于纪检监察受理范围", "transferred_to": "区信访局"})
            return
        on("screen", {"outcome": "accepted", "reason": "属于受理范围，予以受理"})
        if index is not None:
            self.clues.append(index)
        if real_name and rng.random() < 0.9:
            on("notify-acceptance", {})
        if rng.random() < 0.05:
            return
        on("register", {"ledger_no": f"WJ-{name}-{self.seed}"[:40]})
        on("review", {"participants": [screener[1], approver[1], "SEC-reviewer"], "conclusion": "集体排查，提出处置意见"})
        if rng.random() < 0.05:
            return
        disposal = rng.choices(["talk_inquiry", "preliminary_verification", "closed", "suspended"], [45, 30, 18, 7])[0]
        if rng.random() < 0.05:
            on("propose-disposal", {"disposal": disposal, "reason": "拟处置"}, again="-first")
            on("reject-disposal", {"reason": "事实不清，重新研判"}, approver)
        on("propose-disposal", {"disposal": disposal, "reason": "根据集体排查意见"})
        on("approve-disposal", {}, approver)
        if disposal == "suspended":
            if rng.random() < 0.3:
                on("resume", {"reason": "发现新的情况"})
            return
        if disposal == "talk_inquiry":
            if rng.random() < 0.15:
                return
            on("record-reply", {"summary": "被反映人已作出书面说明"})
            measure = rng.choice(["reminder", "criticism_education", "ordered_review", "admonishment"])
            outcome = rng.choice([("closed_light_handling", measure), ("closed_cleared", None)])
        elif disposal == "preliminary_verification":
            team = [f"{street}-核查组-1", f"{street}-核查组-2"]
            on("plan-verification", {"plan": "调阅台账、走访群众", "team": team})
            if rng.random() < 0.2:
                return
            on("report-verification", {"summary": "核实情况报告", "signed_by": team})
            outcome = rng.choices([("case_filed", None), ("closed_cleared", None),
                                   ("closed_light_handling", "criticism_education")], [25, 50, 25])[0]
        if disposal != "closed":
            on("conclude", {"outcome": outcome[0], **({"measure": outcome[1]} if outcome[1] else {})})
        if rng.random() < 0.85:
            on("feedback", {"feedback": "办理结果已反馈"})
            if rng.random() < 0.03:
                on("objection", {"reason": "反映人对处理结果有异议"})

    # -- opinions and problems (民情) ----------------------------------------------------------------------------
    def opinion(self, i):
        rng, name = self.rng(f"opinion-{i}"), f"opinion-{i}"
        community = rng.choice(sorted(self.district.communities))
        street = self.district.communities[community]["street"]
        kind = "opinion" if rng.random() < 0.6 else "problem"
        submitter = ("citizen", f"citizen-{self.seed}-o{i}", None, None)
        opinion_id = self.post("intake", "/opinions", submitter, {
            "kind": kind, "channel": rng.choice(CITIZEN_CHANNELS), "community": community, "street": street,
            "summary": "建议增设小区路灯" if kind == "opinion" else "小区排水沟堵塞", "category": "C07"},
            name, "receive_opinion")["id"]
        staff = secretary(community, street)
        for step, body, chance in (("assign", {"department": rng.choice(DEPARTMENTS)}, 0.95),
                                   ("resolve", {"resolution": "已协调相关部门处理完毕"}, 0.8),
                                   ("feedback", {"feedback": "已向反映人反馈"}, 0.9), ("close", {}, 0.9)):
            if rng.random() >= chance:
                return
            self.post("intake", f"/opinions/{opinion_id}/{step}", staff, body, name, f"{step}_opinion")

    # -- inspections (监督检查), findings, rectifications (整改) --------------------------------------------------
    def inspection(self, i):
        rng, name = self.rng(f"inspection-{i}"), f"inspection-{i}"
        community = rng.choice(sorted(self.district.communities))
        street = self.district.communities[community]["street"]
        actor = street_commission(street)
        held_on = D.day_in(rng.choice(self.months), rng)
        done = self.post("intake", "/inspections", actor, {
            "community": community, "street": street, "held_on": held_on.isoformat(),
            "subject": rng.choice(SUBJECTS), "scope": "社区小微权力运行", "inspectors": [actor[1], f"SCM-{street}-3"]},
            name, "record_inspection")
        inspection_id = done["events"][0]["stream_id"].removeprefix("inspection-")
        path = f"/inspections/{inspection_id}/findings"
        summaries = []
        for f in range(rng.choices([0, 1, 2, 3], [15, 40, 33, 12])[0]):
            item = rng.choice(ITEMS)
            summaries.append(f"{name} 问题{f + 1}：{catalogue.items()[item]['name']}不规范")
            self.post("intake", path, actor, {"summary": summaries[-1], "category": item[:3], "item": item},
                      name, f"record_finding-{f}", route="record_finding")
        if not summaries:
            return
        findings = self.client.get("intake", f"/inspections/{inspection_id}", actor)["findings"]
        by_summary = {f["summary"]: fid for fid, f in findings.items()}
        deadline = (D.today() + datetime.timedelta(days=rng.randint(20, 60))).isoformat()
        for f, summary in enumerate(summaries):
            fid, step = by_summary[summary], f"{path}/{by_summary[summary]}"
            if rng.random() < 0.08:
                done = self.post("intake", f"{step}/escalate", actor, {"accused": {
                    "name": f"示例被检查人{self.seed}-{i}-{f}", "post": "社区居委会委员", "rank": "community_cadre"}},
                    name, f"escalate-{f}", route="escalate_finding")
                clue_id = done["events"][-1]["stream_id"].removeprefix("clue-")
                self.advance_clue(clue_id, rng, f"{name}-clue-{f}", street, "community_cadre", False)
                continue
            self.post("intake", f"{step}/rectification", actor, {"deadline": deadline, "responsible": "社区居委会"},
                      name, f"order-{f}", route="order_rectification")
            if rng.random() < 0.7:
                self.post("intake", f"{step}/rectification/report", actor, {"summary": "已完成整改并公示"},
                          name, f"report-{f}", route="report_rectification")
                if rng.random() < 0.85:
                    self.post("intake", f"{step}/rectification/verify", actor, {}, name, f"verify-{f}",
                              route="verify_rectification")

    # -- phase 3: what arrived through the subscribers, repeat reports, personnel changes --------------------
    def flagged_clues(self):
        """Clues intake made from the major problems flagged in feedback (still `received`): screened and handled."""
        found, offset = [], 0
        while True:
            page = self.client.get("intake", "/clues", DISTRICT, status="received", limit=200, offset=offset)
            items = page["items"]
            found += items
            if len(items) < 200:
                break
            offset += 200
        work = [lambda c=c: self.advance_clue(c["clue_id"], self.rng(c["clue_id"]), f"flagged-{c['clue_id']}",
                                              c["street"], c["accused"]["rank"], False) for c in found]
        self.concurrently("clues from flagged major problems", work)

    def repeats(self):
        """About 4% of the accepted clues are reported again by someone else: retained as duplicates."""
        chosen = [i for i in sorted(self.clues) if self.rng(f"repeat-{i}").random() < 0.04]
        work = [lambda i=i: self.repeat(i) for i in chosen]
        self.concurrently("repeat reports", work)

    def repeat(self, i):
        _, plan = self.clue_plan(i)
        name = f"repeat-{i}"
        done = self.post("intake", "/clues", ("citizen", f"citizen-{self.seed}-r{i}", None, None), {
            **plan, "channel": "phone", "summary": "再次反映同一问题"}, name, "receive_clue")
        self.post("intake", f"/clues/{done['id']}/screen", street_commission(plan["street"]), {
            "outcome": "duplicate_retained", "reason": "重复举报，无新的实质性内容"}, name, "screen")

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
        self.post("liaison", f"/people/{p['person_id']}/dismiss", actor, {
            "dismissed_on": left.isoformat(), "reason": "工作调动"}, p["person_id"], "dismiss_person")
        new_id = f"{p['person_id']}-N{self.period}"[:64]
        self.post("liaison", "/people", actor, {
            "person_id": new_id, "name": f"示例廉情监督员 {new_id}", "role": "supervisor",
            "community": p["community"], "groups": p["groups"], "appointed_on": joined.isoformat()},
            new_id, "appoint_person")
