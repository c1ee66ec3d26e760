"""The district-year simulation behind `tools/simulate.py` (and `make demo`).

`client`   HTTP calls to the four services with tokens from `watchpost.auth.issue`, retries and a tally
`district` the seed's directory (liaison's sample), the period's dates, the district's calendar day
`workload` the deterministic plan: which commands, with which fields, for a seed, a period and a scale
`results`  waiting for the subscribers to catch up, the scorecards, the audit verification
"""
