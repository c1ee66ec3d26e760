"""Assessment: the district's 考评办法 for community discipline commissions, as a pure function of the log.

The assessment service consumes the events of intake, liaison and training and scores every community
commission per month, quarter and year on seven indicators: 信访办理 (petition handling), 案件管理 (case
management), 案件审理 (case review), 监督检查 (supervision and inspection), 宣传教育 (publicity and education),
信息报送 (information reporting) and 队伍建设 (team building). The rulebook that turns facts into points is data,
published as an event with a version and an effective period. Scorecards rank communities within their street and
the district; a score below the threshold raises a warning (反向倒逼: pressure from below the line). Every point
traces to the source event that earned or lost it; closing a period freezes its scorecards, and events that arrive
for a closed period are recorded as visible adjustments.

Every event its sources' contracts admit is applied: an event dated outside the years assessment scores (2000-2099,
`domain.periods.SCORED_YEARS`; e.g. an inspection held on 0276-07-28) counts for no period and is ignored by rule.
Anything it still cannot apply is refused visibly and the consumer moves on (docs/operations.md).
"""
