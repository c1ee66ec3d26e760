"""liaison's settings, read from the environment once, when the service starts (`from_mapping`, by the service's
`watchpost.runtime.Settings` provider), and handed to the commands, reads and timers through `ctx.extra["settings"]`
(`of(ctx)`; the defaults when a test gives none).

| variable | default | meaning |
|---|---|---|
| LIAISON_PORT | 8002 | HTTP port (read by `config.yml`) |
| LIAISON_FEEDBACK_DUE_DAY | 5 | a month's feedback is due this day of the next month |
| LIAISON_REPORT_DUE_DAYS | 10 | a quarter's report is due this many days after it ends |
| LIAISON_DUE_SOON_DAYS | 3 | `*.due_soon` from this many days before the due date |
| LIAISON_CONTACT_LAPSE_DAYS | 60 | a pairing with no contact this long has lapsed |
| LIAISON_FLAG_RELEASE_HOUR | 3 | held major-problem flags are released once a day at this district hour |
| LIAISON_FLAG_HOLD_HOURS | 6 | only flags held at least this long before the release hour go in its batch |

Every field of `domain.periods.Settings` is read from `LIAISON_<FIELD>` the same way.
"""

from liaison.domain import periods

PORT_VARIABLE, DEFAULT_PORT = "LIAISON_PORT", 8002


def from_mapping(mapping):
    """The cadence from a mapping such as `os.environ`: `LIAISON_<FIELD>`; absent ones keep their default."""
    return periods.Settings.from_mapping(mapping)


def of(ctx):
    return ctx.extra.get("settings") or periods.DEFAULT


def today_of(ctx):
    """The district's today at `ctx.now`."""
    return periods.today(ctx.now, of(ctx))
