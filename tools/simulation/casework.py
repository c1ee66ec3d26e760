"""The casework of the plan (mixed into `workload.Plan`): clues (问题线索) through their workflow, opinions and
problems (民情), inspections (监督检查) with findings and rectifications (整改), the clues intake made from flagged
major problems, and repeat reports. Each draws from its own seeded `random.Random`, as the rest of the plan.
"""

import datetime

from intake.reference import catalogue
from simulation import district as D

DISTRICT = ("district_commission", "DC-1", None, None)
DISTRICT_2 = ("district_commission", "DC-2", None, None)
ACCUSED = [
    ("居民小组长", "resident_group_leader"),
    ("社区会计", "community_staff"),
    ("网格员", "community_staff"),
    ("社区居委会委员", "community_cadre"),
    ("社区党委副书记", "community_cadre"),
    ("社区党委书记", "community_leader"),
    ("街道办事员", "street_staff"),
]
CITIZEN_CHANNELS = ("wechat", "citizen_platform", "visit", "letter", "phone", "meeting")
DEPARTMENTS = ("街道社会事务办", "社区居委会", "区民政局", "区住建局", "街道综合执法队")
SUBJECTS = ("三务公开栏更新", "集体资金收支台账", "低保评审程序", "小型工程验收资料", "惠农补贴发放", "日常采购记录")
ITEMS = sorted(catalogue.items())


def street_commission(street, n=1):
    return ("street_commission", f"SCM-{street}-{n}", street, None)


def secretary(community, street):
    return ("community_secretary", f"SEC-{community}", street, community)


def watcher(person, street):
    return (person["role"], person["person_id"], street, person["community"])


class Casework:
    # -- a clue's life (问题线索) ---------------------------------------------------------------------------------
    def clue_plan(self, i):
        rng = self.rng(f"clue-{i}")
        community = rng.choice(sorted(self.district.communities))
        street = self.district.communities[community]["street"]
        post, rank = rng.choice(ACCUSED) if rng.random() < 0.96 else ("街道党工委委员", "street_committee")
        if rng.random() < 0.01:
            post, rank = "区委委员", "district_committee"
        item = rng.choice(ITEMS)
        return rng, {
            "community": community,
            "street": street,
            "category": item[:3],
            "item": item,
            "accused": {"name": f"示例被反映人{self.seed}-{i:04d}", "post": post, "rank": rank},
        }

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
        matter = catalogue.items()[plan["item"]]["name"]
        body = {
            **plan,
            "channel": channel,
            "summary": f"反映{plan['accused']['post']}{matter}问题",
            "details": "示例线索：具体情况见附件（模拟数据）",
        }
        if rng.random() < 0.4:
            body["reporter"] = {"name": f"示例举报人{i:04d}", "phone": f"138{i:08d}"}
        clue_id = self.post("intake", "/clues", actor, body, name, "receive_clue")["id"]
        self.advance_clue(clue_id, rng, name, street, plan["accused"]["rank"], bool(body.get("reporter")), i)

    def advance_clue(self, clue_id, rng, name, street, rank, real_name, index=None):
        screener, approver = street_commission(street, 1), street_commission(street, 2)
        if rank in ("street_committee", "district_staff"):
            approver = DISTRICT_2
        on = lambda step, body, actor=screener, again="": self.post(  # noqa: E731
            "intake", f"/clues/{clue_id}/{step}", actor, body, name, step + again, route=step
        )
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
        on(
            "review",
            {"participants": [screener[1], approver[1], "SEC-reviewer"], "conclusion": "集体排查，提出处置意见"},
        )
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
            team = [f"{street}-verification-1", f"{street}-verification-2"]  # 核查组: ids, as the directory has them
            on("plan-verification", {"plan": "调阅台账、走访群众", "team": team})
            if rng.random() < 0.2:
                return
            on("report-verification", {"summary": "核实情况报告", "signed_by": team})
            outcome = rng.choices(
                [("case_filed", None), ("closed_cleared", None), ("closed_light_handling", "criticism_education")],
                [25, 50, 25],
            )[0]
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
        opinion_id = self.post(
            "intake",
            "/opinions",
            submitter,
            {
                "kind": kind,
                "channel": rng.choice(CITIZEN_CHANNELS),
                "community": community,
                "street": street,
                "summary": "建议增设小区路灯" if kind == "opinion" else "小区排水沟堵塞",
                "category": "C07",
            },
            name,
            "receive_opinion",
        )["id"]
        staff = secretary(community, street)
        for step, body, chance in (
            ("assign", {"department": rng.choice(DEPARTMENTS)}, 0.95),
            ("resolve", {"resolution": "已协调相关部门处理完毕"}, 0.8),
            ("feedback", {"feedback": "已向反映人反馈"}, 0.9),
            ("close", {}, 0.9),
        ):
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
        done = self.post(
            "intake",
            "/inspections",
            actor,
            {
                "community": community,
                "street": street,
                "held_on": held_on.isoformat(),
                "subject": rng.choice(SUBJECTS),
                "scope": "社区小微权力运行",
                "inspectors": [actor[1], f"SCM-{street}-3"],
            },
            name,
            "record_inspection",
        )
        inspection_id = done["events"][0]["stream_id"].removeprefix("inspection-")
        path = f"/inspections/{inspection_id}/findings"
        summaries = []
        for f in range(rng.choices([0, 1, 2, 3], [15, 40, 33, 12])[0]):
            item = rng.choice(ITEMS)
            summaries.append(f"{name} 问题{f + 1}：{catalogue.items()[item]['name']}不规范")
            self.post(
                "intake",
                path,
                actor,
                {"summary": summaries[-1], "category": item[:3], "item": item},
                name,
                f"record_finding-{f}",
                route="record_finding",
            )
        if not summaries:
            return
        findings = self.client.get("intake", f"/inspections/{inspection_id}", actor)["findings"]
        by_summary = {f["summary"]: fid for fid, f in findings.items()}
        deadline = (D.today() + datetime.timedelta(days=rng.randint(20, 60))).isoformat()
        for f, summary in enumerate(summaries):
            step = f"{path}/{by_summary[summary]}"
            if rng.random() < 0.08:
                done = self.post(
                    "intake",
                    f"{step}/escalate",
                    actor,
                    {
                        "accused": {
                            "name": f"示例被检查人{self.seed}-{i}-{f}",
                            "post": "社区居委会委员",
                            "rank": "community_cadre",
                        }
                    },
                    name,
                    f"escalate-{f}",
                    route="escalate_finding",
                )
                clue_id = done["events"][-1]["stream_id"].removeprefix("clue-")
                self.advance_clue(clue_id, rng, f"{name}-clue-{f}", street, "community_cadre", False)
                continue
            self.post(
                "intake",
                f"{step}/rectification",
                actor,
                {"deadline": deadline, "responsible": "社区居委会"},
                name,
                f"order-{f}",
                route="order_rectification",
            )
            if rng.random() < 0.7:
                self.post(
                    "intake",
                    f"{step}/rectification/report",
                    actor,
                    {"summary": "已完成整改并公示"},
                    name,
                    f"report-{f}",
                    route="report_rectification",
                )
                if rng.random() < 0.85:
                    self.post(
                        "intake",
                        f"{step}/rectification/verify",
                        actor,
                        {},
                        name,
                        f"verify-{f}",
                        route="verify_rectification",
                    )

    # -- what arrived through the subscribers, and repeat reports ---------------------------------------------
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
        work = [
            lambda c=c: self.advance_clue(
                c["clue_id"],
                self.rng(c["clue_id"]),
                f"flagged-{c['clue_id']}",
                c["street"],
                c["accused"]["rank"],
                False,
            )
            for c in found
        ]
        self.concurrently("clues from flagged major problems", work)

    def repeats(self):
        """About 4% of the accepted clues are reported again by someone else: retained as duplicates."""
        chosen = [i for i in sorted(self.clues) if self.rng(f"repeat-{i}").random() < 0.04]
        work = [lambda i=i: self.repeat(i) for i in chosen]
        self.concurrently("repeat reports", work)

    def repeat(self, i):
        _, plan = self.clue_plan(i)
        name = f"repeat-{i}"
        done = self.post(
            "intake",
            "/clues",
            ("citizen", f"citizen-{self.seed}-r{i}", None, None),
            {**plan, "channel": "phone", "summary": "再次反映同一问题"},
            name,
            "receive_clue",
        )
        self.post(
            "intake",
            f"/clues/{done['id']}/screen",
            street_commission(plan["street"]),
            {"outcome": "duplicate_retained", "reason": "重复举报，无新的实质性内容"},
            name,
            "screen",
        )
