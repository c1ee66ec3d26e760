"""The year end (年终考核): each cadre's yearly hours against the requirement of their role, settled once."""
from dataclasses import replace
from datetime import date

from watchpost.errors import Invalid
from watchpost.handling import execute

from training.access import require
from training.domain import onboarding, record, rules


def _derived(ctx, suffix):
    return replace(ctx, command_id=f"{ctx.command_id}:{suffix}" if ctx.command_id else None)


def close_year(store, ctx, year, yearly_hours=None):
    """requirement.met / requirement.shortfall for every cadre in office at the end of `year`, once each.

    Cadres are those training knows (enrolled, not dismissed by Dec 31) and anyone with attendance that year; a
    cadre appointed during the year owes the yearly hours pro rata by month. Running it again emits nothing new.
    """
    require(ctx, "close_year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise Invalid(f"year must be a whole year such as 2026, not {year!r}", fields={"year": year})
    if ctx.now.date() <= date(year, 12, 31):
        raise Invalid(f"year {year} has not ended: close_year({year}) is allowed from {year + 1}-01-01, "
                      f"today is {ctx.now.date()}", fields={"year": year})
    people = {d["person_id"] for d in store.all_docs("training_cadres")}
    people |= {d["person_id"] for d in store.all_docs("training_records", {"year": year})}
    events = []
    for pid in sorted(people):
        ob = onboarding.fold(store.load(f"onboarding-{pid}"))
        if ob.status == "withdrawn" and ob.dismissed_on <= f"{year}-12-31":
            continue
        if ob.status != "none":
            who, appointed = (ob.role, ob.street, ob.community), rules.as_date(ob.appointed_on, "appointed_on")
        else:
            latest = record.fold(store.load(f"record-{pid}-{year}")).latest
            who, appointed = (latest["role"], latest["street"], latest["community"]), None
        required = rules.required_hours(who[0], year, appointed, yearly_hours)
        if required is None:
            continue
        events += execute(store, f"record-{pid}-{year}", record.fold,
                          lambda r: record.close(r, pid, year, *who, required), _derived(ctx, f"close:{pid}"))
    return events
