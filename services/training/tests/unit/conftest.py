"""Training's unit-test fixtures. Every event a test leaves in `store` is checked against the contract at teardown,
and the projections rebuilt from the log must equal the live ones."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from training_support import contract_checked, new_store  # noqa: E402


@pytest.fixture
def store():
    s = new_store()
    yield s
    contract_checked(s)
