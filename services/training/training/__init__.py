"""Watchpost training: the education and training system (教育培训制度) of the village-level supervision paradigm.

Sessions — campaigns such as 抓反思查风险严纪律铸铁军, the monthly lecture 每月讲坛, new-cadre forums — their
attendance, each cadre's yearly training record against a required number of hours per role, and the onboarding of
newly appointed cadres (75% of community discipline cadres were new after the election: the seed's 本领恐慌, "panic
of lacking skills"). A cadre appointed in liaison is enrolled into onboarding by event.
"""
