"""Intake's reference data, versioned: the supervision catalogue (三张清单) and the working-day calendar (工作日).

Both were in the shared library; they are intake's alone. The calendar is here because intake is the only service
that counts working days (its statutory clocks). Should another service need it, the functions move into
`watchpost` as a mechanism taking the holiday table as an argument, and each service keeps its own data.
"""
