"""liaison: the organisation of village-level supervision — 监察联络站, 包片联系, 月反馈季报告.

The directory (streets, communities, each community's liaison station headed by its discipline secretary,
residential groups, neighbourhood centres, consultation platforms), the people who watch (station informants
reporting to the street commission, integrity supervisors reporting to the community secretary), the pairings
of street commission members with community commissions and their contacts, and the cadence of monthly
feedback and quarterly reports, with the clocks that say what is due, late or missing.
"""
