"""Events assessment (考评办法) publishes: the rulebook, period close, adjustments, rescoring and warnings.

Totals and scores are JSON numbers, exact to the rulebook's decimals. `through` maps a source service (intake,
liaison, training) to the last position of its log the scores include.
"""

from marshmallow import RAISE, Schema, fields, validate

PERIOD = validate.Regexp(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")
MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$")
SOURCES = validate.OneOf(["intake", "liaison", "training"])


class Strict(Schema):
    class Meta:
        unknown = RAISE


def Through(**kw):
    return fields.Dict(
        keys=fields.String(validate=SOURCES), values=fields.Integer(validate=validate.Range(min=0)), **kw
    )


class IndicatorRule(Strict):
    indicator = fields.String(required=True)
    metric = fields.String(required=True)
    baseline = fields.Float(required=True)
    points_above = fields.Float(required=True)
    points_below = fields.Float(required=True)
    cap = fields.Float(required=True)
    weight = fields.Float(required=True)
    warn_below = fields.Float(required=True, allow_none=True)
    units = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class CadreRule(Strict):
    """How one indicator scores a single cadre (optional section; numbers left out follow the community rule)."""

    indicator = fields.String(required=True)
    baseline = fields.Float()
    points_above = fields.Float()
    points_below = fields.Float()
    cap = fields.Float()
    weight = fields.Float()
    warn_below = fields.Float(allow_none=True)
    units = fields.Dict(keys=fields.String(), values=fields.Integer())


class CadreSection(Strict):
    base = fields.Float(allow_none=True)
    warning_threshold = fields.Float(allow_none=True)
    indicators = fields.List(fields.Nested(CadreRule), required=True)


class RulebookPublished(Strict):
    version = fields.String(required=True)
    title = fields.String(required=True)
    effective_from = fields.String(required=True, validate=MONTH)
    effective_until = fields.String(required=True, allow_none=True, validate=MONTH)
    base = fields.Float(required=True)
    warning_threshold = fields.Float(required=True)
    indicators = fields.List(fields.Nested(IndicatorRule), required=True)
    cadres = fields.Nested(CadreSection)  # optional: per-cadre scoring; absent in v1


class CardSummary(Strict):
    community = fields.String(required=True)
    street = fields.String(required=True, allow_none=True)
    total = fields.Float(required=True)
    below_threshold = fields.Boolean(required=True)


class PeriodClosed(Strict):
    period = fields.String(required=True, validate=PERIOD)
    rulebook_version = fields.String(required=True)
    through = Through(required=True)
    closed_at = fields.String(required=True)
    scorecards = fields.List(fields.Nested(CardSummary), required=True)


class Change(Strict):
    before = fields.Float(required=True)
    after = fields.Float(required=True)


class LateEvent(Strict):
    source = fields.String(required=True, validate=SOURCES)
    event_id = fields.String(required=True)
    position = fields.Integer(required=True)
    type = fields.String(required=True)
    metric = fields.String(required=True)
    rule = fields.String(required=True)


class ScorecardAdjusted(Strict):
    period = fields.String(required=True, validate=PERIOD)
    community = fields.String(required=True)
    street = fields.String(required=True, allow_none=True)
    rulebook_version = fields.String(required=True)
    through_before = Through(required=True)
    through = Through(required=True)
    total_before = fields.Float(required=True)
    total_after = fields.Float(required=True)
    indicators = fields.Dict(keys=fields.String(), values=fields.Nested(Change), required=True)
    events = fields.List(fields.Nested(LateEvent), required=True, validate=validate.Length(min=1))


class Rescored(CardSummary):
    previous_total = fields.Float(required=True, allow_none=True)


class PeriodRescored(Strict):
    period = fields.String(required=True, validate=PERIOD)
    rulebook_version = fields.String(required=True)
    previous_version = fields.String(required=True)
    through = Through(required=True)
    scorecards = fields.List(fields.Nested(Rescored), required=True)


class WeakIndicator(Strict):
    indicator = fields.String(required=True)
    score = fields.Float(required=True)
    warn_below = fields.Float(required=True)


class WarningRaised(Strict):
    period = fields.String(required=True, validate=PERIOD)
    community = fields.String(required=True)
    street = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(["open", "closed"]))
    rulebook_version = fields.String(required=True)
    total = fields.Float(required=True)
    warning_threshold = fields.Float(required=True)
    below_threshold = fields.Boolean(required=True)
    indicators_below = fields.List(fields.Nested(WeakIndicator), required=True)


EVENTS = {
    "rulebook.published": (1, RulebookPublished),
    "period.closed": (1, PeriodClosed),
    "scorecard.adjusted": (1, ScorecardAdjusted),
    "period.rescored": (1, PeriodRescored),
    "score.warning_raised": (1, WarningRaised),
}
