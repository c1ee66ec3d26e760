"""The pure core of intake: clue, opinion and inspection aggregates, the handling rules and statutory clocks.

No I/O and no clock reads: time arrives as `today` (see `clocks.local_date(ctx.now)`).
"""
