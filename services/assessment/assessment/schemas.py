"""Request schemas of assessment (考评办法) at the HTTP/RPC boundary (marshmallow 4; unknown fields are refused).

They check shape; the domain (`assessment.domain.rulebook.validate`) checks meaning and names every problem.
"""

from marshmallow import RAISE, Schema, fields, validate

from watchpost.fields import MONTH, PERIOD, Id, Whole

from assessment.domain.rulebook import VERSION_PATTERN


def Version(**kw):
    return fields.String(
        validate=validate.Regexp(
            VERSION_PATTERN,
            error=("must be 1 to 40 letters, digits, dots, underscores or hyphens, starting with a letter or digit"),
        ),
        **kw,
    )


class Strict(Schema):
    class Meta:
        unknown = RAISE


class IndicatorRule(Strict):
    indicator = fields.String(required=True)
    metric = fields.String(required=True)
    baseline = fields.Float(required=True, validate=validate.Range(min=0))
    points_above = fields.Float(required=True, validate=validate.Range(min=0))
    points_below = fields.Float(required=True, validate=validate.Range(min=0))
    cap = fields.Float(required=True, validate=validate.Range(min=0))
    weight = fields.Float(required=True, validate=validate.Range(min=0))
    warn_below = fields.Float(allow_none=True, load_default=None)
    units = fields.Dict(keys=fields.String(), values=Whole(), load_default=dict)


class CadreRule(Strict):
    """A cadre indicator: numbers left out are the community rule's (baseline: 0, warn_below: none)."""

    indicator = fields.String(required=True)
    baseline = fields.Float(validate=validate.Range(min=0))
    points_above = fields.Float(validate=validate.Range(min=0))
    points_below = fields.Float(validate=validate.Range(min=0))
    cap = fields.Float(validate=validate.Range(min=0))
    weight = fields.Float(validate=validate.Range(min=0))
    warn_below = fields.Float(allow_none=True)
    units = fields.Dict(keys=fields.String(), values=Whole())


class CadreSection(Strict):
    base = fields.Float(allow_none=True, validate=validate.Range(min=0))
    warning_threshold = fields.Float(allow_none=True, validate=validate.Range(min=0))
    indicators = fields.List(fields.Nested(CadreRule), required=True, validate=validate.Length(min=1, max=7))


class PublishRulebook(Strict):
    version = Version(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    effective_from = fields.String(required=True, validate=MONTH)
    effective_until = fields.String(allow_none=True, load_default=None, validate=MONTH)
    base = fields.Float(required=True, validate=validate.Range(min=0))
    warning_threshold = fields.Float(required=True, validate=validate.Range(min=0))
    indicators = fields.List(fields.Nested(IndicatorRule), required=True, validate=validate.Length(equal=7))
    cadres = fields.Nested(CadreSection, allow_none=True, load_default=None)


class PeriodCommand(Strict):
    """close_period, record_adjustments, raise_warnings."""

    period = fields.String(required=True, validate=PERIOD)


class RescorePeriod(PeriodCommand):
    version = Version(required=True)


class Scorecard(PeriodCommand):
    community = Id(required=True)


class Explain(Scorecard):
    indicator = fields.String(
        required=True,
        validate=validate.OneOf(
            [
                "petition_handling",
                "case_management",
                "case_review",
                "supervision_inspection",
                "publicity_education",
                "information_reporting",
                "team_building",
            ]
        ),
    )


class CadreScorecard(PeriodCommand):
    person_id = Id(required=True)


class CadreRanking(Scorecard):
    """The cadres of a community."""


class Ranking(PeriodCommand):
    scope = fields.String(load_default="district", validate=validate.OneOf(["district", "street"]))
    street = Id(load_default=None, allow_none=True)


class Rulebook(Strict):
    version = Version(load_default=None, allow_none=True)
    period = fields.String(load_default=None, allow_none=True, validate=PERIOD)


class Empty(Strict):
    """rulebooks, publish_default_rulebook, check_rebuild: no fields."""


SCHEMAS = {
    "publish_rulebook": PublishRulebook,
    "close_period": PeriodCommand,
    "record_adjustments": PeriodCommand,
    "raise_warnings": PeriodCommand,
    "rescore_period": RescorePeriod,
    "scorecard": Scorecard,
    "explain": Explain,
    "ranking": Ranking,
    "rulebook": Rulebook,
    "rulebooks": Empty,
    "publish_default_rulebook": Empty,
    "check_rebuild": Empty,
    "cadre_scorecard": CadreScorecard,
    "cadre_ranking": CadreRanking,
}
