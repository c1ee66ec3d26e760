"""The pure domain of liaison: directory, personnel, pairings (包片联系), cadence, periods and scope.

No I/O, no clock reads (today comes from `ctx.now`), no nameko: fold events into state, decide changes.
"""
