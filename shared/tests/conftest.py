"""The shared library's tests use a toy service of their own (toy_service.py), never one of the four: the audit
tool sees only the toy's declaration, as if it were the one service installed."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import toy_service  # noqa: E402


@pytest.fixture(autouse=True)
def only_the_toy_service(monkeypatch):
    from watchpost.audit import plugins

    monkeypatch.setattr(plugins, "declared", lambda: {toy_service.NAME: toy_service.Audit})
