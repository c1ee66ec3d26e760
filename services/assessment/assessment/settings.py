"""assessment's settings. Its rules are data, not settings (the rulebook is published as an event), so the only
one is the HTTP port, read by `config.yml`:

| variable | default | meaning |
|---|---|---|
| ASSESSMENT_PORT | 8004 | HTTP port |
"""

PORT_VARIABLE, DEFAULT_PORT = "ASSESSMENT_PORT", 8004
