"""Watchpost (监督哨): the library every Watchpost service stands on.

Event log, messaging, contracts, auth, logging and the test plugin. No domain logic lives here.
"""
