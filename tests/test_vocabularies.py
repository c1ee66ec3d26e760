"""Every vocabulary that is both in a service's domain (or consuming code) and in a published contract is the same
set of words: a channel, outcome, rank, role, kind or status accepted on one side is accepted on the other.

A contract's choices are read from its marshmallow schemas (`validate.OneOf`), so words written inline in a schema
are checked as well as the named tuples.
"""

import pytest
from marshmallow import validate

from watchpost.contracts import assessment as assessment_contract
from watchpost.contracts import intake as intake_contract
from watchpost.contracts import liaison as liaison_contract
from watchpost.contracts import training as training_contract

from assessment import consumers as assessment_consumers
from assessment.domain import metrics
from intake import attachments
from intake import consumers as intake_consumers
from intake.domain import clocks, disposal, opinion, screening
from intake.domain import rules as intake_rules
from liaison.domain import directory, pairing, personnel
from training.domain import rules as training_rules


def choices(schema, name):
    """The words a contract schema's field accepts (of a list field: of its items)."""
    field = schema().fields[name]
    field = getattr(field, "inner", field)
    [one_of] = [v for v in field.validators if isinstance(v, validate.OneOf)]
    return set(one_of.choices)


SAME = {
    # intake
    "clue channels": (screening.CHANNELS, intake_contract.CHANNELS),
    "clue channels (schema)": (screening.CHANNELS, choices(intake_contract.ClueReceived, "channel")),
    "screening outcomes": (screening.OUTCOMES, intake_contract.SCREENINGS),
    "screening outcomes (schema)": (screening.OUTCOMES, choices(intake_contract.ClueScreened, "outcome")),
    "disposals": (disposal.DISPOSALS, intake_contract.DISPOSALS),
    "conclusion outcomes": (disposal.OUTCOMES, intake_contract.OUTCOMES),
    "light measures": (disposal.LIGHT_MEASURES, intake_contract.MEASURES),
    "ranks of the accused": (intake_rules.RANKS, intake_contract.RANKS),
    "approval levels": (intake_rules.LEVELS, intake_contract.LEVELS),
    "clue clocks": ({c for opened in clocks._OPENS.values() for c in opened}, intake_contract.CLUE_CLOCKS),
    "opinion kinds": (opinion.KINDS, choices(intake_contract.OpinionReceived, "kind")),
    "attachment types": (attachments.TYPES, intake_contract.ATTACHMENT_TYPES),
    # liaison
    "roles of people": (personnel.ROLES, liaison_contract.ROLES),
    "watchers": (personnel.WATCHERS, liaison_contract.WATCHERS),
    "street kinds": (directory.STREET_KINDS, choices(liaison_contract.StreetRegistered, "kind")),
    "community kinds": (directory.COMMUNITY_KINDS, choices(liaison_contract.CommunityRegistered, "kind")),
    "group kinds": (directory.GROUP_KINDS, choices(liaison_contract.GroupRegistered, "kind")),
    "contact kinds": (pairing.CONTACT_KINDS, choices(liaison_contract.ContactRecorded, "kind")),
    # training
    "session kinds": (training_rules.KINDS, training_contract.KINDS),
    "cadre roles": (training_rules.CADRE_ROLES, training_contract.ROLES),
    "attendance statuses": (training_rules.STATUSES, training_contract.STATUSES),
    # across services: what a consumer expects of the events it consumes
    "training's cadres are liaison's roles": (training_rules.CADRE_ROLES, liaison_contract.ROLES),
    "intake's flagger channels are liaison's watchers": (intake_consumers.CHANNELS, liaison_contract.WATCHERS),
    "assessment's sources": (assessment_consumers.SOURCES, set(metrics.SOURCES.values())),
    "assessment's sources (schema)": (assessment_consumers.SOURCES, assessment_contract.SOURCES.choices),
}


@pytest.mark.parametrize("name", sorted(SAME))
def test_the_domain_and_the_contract_name_the_same_words(name):
    ours, published = SAME[name]
    assert set(ours) == set(published), (
        f"{name}: only in the domain {set(ours) - set(published)}, only in the contract {set(published) - set(ours)}"
    )


def test_flaggers_are_clue_channels():
    assert set(intake_consumers.CHANNELS) <= set(intake_contract.CHANNELS)
