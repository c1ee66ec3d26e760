"""intake's settings, read from the environment once, when the service starts (`from_mapping`, by the service's
`watchpost.runtime.Settings` provider), and handed to the commands through `ctx.extra["settings"]` (`of(ctx)`; the
defaults when a test gives none).

| variable | default | meaning |
|---|---|---|
| INTAKE_PORT | 8001 | HTTP port (read by `config.yml`) |
| WATCHPOST_MASTER_KEY | a development key | base64 32-byte key wrapping each reporter's key |
| INTAKE_ATTACHMENT_MAX_BYTES | 5242880 | the largest attachment; a value that is not a positive whole number keeps it |
| INTAKE_ACCUSED_KEY | a development key | base64 HMAC key of `accused_key` (intake alone); refused in production |
"""
from dataclasses import dataclass

import base64

from watchpost.config import DEV_MASTER_KEY, env

from intake.attachments import DEFAULT_MAX_BYTES

PORT_VARIABLE, DEFAULT_PORT = "INTAKE_PORT", 8001
MASTER_KEY_VARIABLE = "WATCHPOST_MASTER_KEY"
MAX_BYTES_VARIABLE = "INTAKE_ATTACHMENT_MAX_BYTES"
ACCUSED_KEY_VARIABLE = "INTAKE_ACCUSED_KEY"
# public, so `watchpost.keys` refuses it outside development (its bytes say "development")
DEV_ACCUSED_KEY = base64.b64encode(b"watchpost-development-accused-key-not-secret").decode()


@dataclass(frozen=True)
class IntakeSettings:
    master_key: str = DEV_MASTER_KEY
    attachment_max_bytes: int = DEFAULT_MAX_BYTES
    accused_key: str = DEV_ACCUSED_KEY

    def accused_hmac_key(self):
        """The raw bytes of INTAKE_ACCUSED_KEY, the key of every new `accused_key`."""
        return base64.b64decode(self.accused_key)


def _positive(text, default):
    try:
        value = int(text)
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def from_mapping(mapping):
    """Settings from a mapping such as `os.environ`; blank or absent variables keep the defaults."""
    return IntakeSettings(master_key=env(MASTER_KEY_VARIABLE, DEV_MASTER_KEY, mapping),
                          attachment_max_bytes=_positive(mapping.get(MAX_BYTES_VARIABLE), DEFAULT_MAX_BYTES),
                          accused_key=env(ACCUSED_KEY_VARIABLE, DEV_ACCUSED_KEY, mapping))


DEFAULT = IntakeSettings()


def of(ctx):
    return ctx.extra.get("settings") or DEFAULT
