"""intake: the front door of Watchpost (监督哨) — 问题线索 (discipline clues) and 民情 (residents' opinions and
problems) from every channel, and inspection findings (监督检查) with their rectifications.

Clues follow the CCDI handling rules as a state machine with statutory clocks; opinions and problems follow
received -> assigned -> resolved -> feedback -> closed. Reporters are protected: their identity lives only,
encrypted, in the vault (`intake.vault`); events carry an opaque `reporter_ref`, and every report gets a
receipt code of which only the sha256 is kept (`intake.receipts`).

Layout: `domain/` (pure), `handlers.py` (commands), `reads.py` (scoped reads), `timers.py` (clock alerts),
`projections.py`, `schemas.py`, `access.py`, `vault.py` (and `pgvault.py`, its PostgreSQL form), `receipts.py`;
at the edge: `service.py` (routes), `submissions.py` (retry-safe receipt codes), `consumers.py` (liaison's
escalations), `dependencies.py` (the vault provider), `migrations/`.
"""
