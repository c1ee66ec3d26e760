"""intake: the front door of Watchpost (监督哨) — 问题线索 (discipline clues) and 民情 (residents' opinions and
problems) from every channel, and inspection findings (监督检查) with their rectifications.

Clues follow the CCDI handling rules as a state machine with statutory clocks; opinions and problems follow
received -> assigned -> resolved -> feedback -> closed. Reporters are protected: their identity lives only,
encrypted, in the vault (`intake.vault`); events carry an opaque `reporter_ref`, and every report gets a
receipt code of which only the sha256 is kept (`intake.receipts`).

Layout (the shape of every service, docs/architecture.md): `domain/` (pure), `commands/` (one module per
aggregate: clues, attachments, opinions, inspections; `submissions` gives retry-safe receipt codes), `reads.py`,
`consumers.py` (liaison's escalations), `timers.py` (clock alerts), `projections.py`, `schemas.py`, `settings.py`,
`access.py`, `service.py` (routes); intake's own: `vault.py` (and `pgvault.py`, its PostgreSQL form, with
`dependencies.py`, the vault provider), `receipts.py`, `attachments.py`, `indexes.py`, `migrations/`.
"""
