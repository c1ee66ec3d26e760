"""The pure core of assessment (考评办法): periods, metrics, facts, the rulebook, scoring and the period aggregate.

No I/O, no clock: time is handed in as `now`.
"""
