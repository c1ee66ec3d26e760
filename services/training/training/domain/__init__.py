"""The pure core of training (教育培训): sessions, yearly records, onboarding, and the rules as data. No I/O."""

from training.domain import onboarding, record, rules, sessions

__all__ = ["onboarding", "record", "rules", "sessions"]
