"""The four served OpenAPI documents: valid for the reference validator (`openapi-spec-validator`), and true to
the API — schemathesis generates requests from each document against the running service (real RabbitMQ and
PostgreSQL) and checks that none gets a 5xx, that every answer is one the document lists, and that no request the
document calls valid is refused by the request schema (a document looser than the API's validation).

Examples per operation and generation mode: SCHEMATHESIS_EXAMPLES (default 3; `make fuzz` runs many).
"""

import os

import pytest
import requests
import schemathesis
from hardening_support import SERVICES, acting_role, headers_for, routes
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate as validate_spec
from schemathesis import GenerationMode, checks
from schemathesis.core.failures import Failure, FailureGroup

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
PHASES = [Phase.explicit, Phase.generate]  # a failure is reported as found, not shrunk
SCHEMA_REFUSAL = "the request has invalid fields"  # watchpost.runtime.web.load_fields


def document_agrees(ctx, response, case):
    """A positive case (valid by the document) must pass the request schema: a 422 from the schema means the
    document promises more than the API accepts. The domain's own refusals (state, references) are not this."""
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code != 422:
        return None
    body = response.json()
    if body.get("message", "").startswith(SCHEMA_REFUSAL):
        raise Failure(
            operation=case.operation.label,
            title="The document is looser than the API's validation",
            message=body["message"],
        )
    return None


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    document_agrees,
]


def served_document(running):
    answer = requests.get(running.base_url + "/openapi.json", timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_served_document_is_valid_openapi(start, service):
    validate_spec(served_document(start(service)))


def role_of(service):
    """The role each operation is called as: the most privileged one its route allows (as the other hardening
    tests do); the catch-up as an auditor."""
    table = {route.name: acting_role(service, route) for route in routes(service)}
    table["events"] = "auditor"
    return lambda operation_id: table[operation_id]


def fuzz(service, running, examples):
    schema = schemathesis.openapi.from_dict(served_document(running))
    # every call carries its role's token (so no security parameters generated); NUL cannot be stated for the keys
    # of a free-form object in OpenAPI 3.0 (no propertyNames), and the hardening tests send it everywhere
    schema.config.generation.update(with_security_parameters=False, allow_x00=False)
    role = role_of(service)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = headers_for(role(operation.definition.raw.get("operationId")))
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                phases=PHASES,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                response = case.call(base_url=running.base_url, headers=headers, timeout=30)  # noqa: B023
                case.validate_response(response, checks=CHECKS, headers=headers)  # noqa: B023 - run in this iteration

            try:
                check()
            except Unsatisfiable:
                pass  # no negative example exists (e.g. an operation without parameters)
            except (Failure, FailureGroup, AssertionError) as failed:
                failures.append(f"{operation.label} [{mode.value}]: {failed}")
    assert not failures, f"{len(failures)} operations of {service} failed:\n" + "\n\n".join(failures)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_schemathesis_over_served_document(start, service):
    fuzz(service, start(service), EXAMPLES)
