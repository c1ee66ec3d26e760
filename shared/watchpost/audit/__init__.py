"""Audit tooling (the `watchpost-audit` CLI): Merkle proofs, signed checkpoints, verification, replay, export.

Modules: `merkle` (RFC 6962 trees and proofs), `checkpoint` (Ed25519 checkpoints, `sign_checkpoint`), `source`
(read-only access as `watchpost_auditor`), `verify`, `export`, `inspect` (history, as-of, proofs), `replay`,
`completeness`, `agreement` (its counts against assessment's facts), `scorecard` (a scorecard as of a time, with
assessment's own code), `cli`; `service` adds the checkpoint routes and timer to every service. Nothing here decrypts
a reporter's identity: the auditor reads the log and projections only, never intake's vault.
"""
