"""intake's settings, read from the environment once, when the service starts (`from_mapping`, by the service's
`watchpost.runtime.Settings` provider), and handed to the commands through `ctx.extra["settings"]` (`of(ctx)`; the
defaults when a test gives none).

| variable | default | meaning |
|---|---|---|
| INTAKE_PORT | 8001 | HTTP port (read by `config.yml`) |
| WATCHPOST_MASTER_KEY | a development key | base64 32-byte key wrapping each reporter's key |
| WATCHPOST_MASTER_KEY_NEXT | (none) | base64 32-byte key `POST /vault/rotate-master-key` re-wraps every key under |
| INTAKE_ATTACHMENT_MAX_BYTES | 5242880 | the largest attachment; a value that is not a positive whole number keeps it |
| INTAKE_ACCUSED_KEY | a development key | base64 HMAC key of `accused_key` (intake alone); refused in production |
| INTAKE_PDF_SECONDS | 10 | how long the child process parsing a PDF may take (then 422) |
| INTAKE_PDF_MEMORY_MIB | 512 | the address space the child process parsing a PDF may use (then 422) |
"""

import base64
from dataclasses import dataclass

from watchpost.config import DEV_MASTER_KEY, env

from intake.attachments import DEFAULT_MAX_BYTES
from intake.pdf_sandbox import DEFAULT_MEMORY_MIB, DEFAULT_SECONDS

PORT_VARIABLE, DEFAULT_PORT = "INTAKE_PORT", 8001
MASTER_KEY_VARIABLE = "WATCHPOST_MASTER_KEY"
NEXT_MASTER_KEY_VARIABLE = "WATCHPOST_MASTER_KEY_NEXT"
MAX_BYTES_VARIABLE = "INTAKE_ATTACHMENT_MAX_BYTES"
ACCUSED_KEY_VARIABLE = "INTAKE_ACCUSED_KEY"
# public, so `watchpost.keys` refuses it outside development (its bytes say "development")
DEV_ACCUSED_KEY = base64.b64encode(b"watchpost-development-accused-key-not-secret").decode()
PDF_SECONDS_VARIABLE, PDF_MEMORY_VARIABLE = "INTAKE_PDF_SECONDS", "INTAKE_PDF_MEMORY_MIB"


@dataclass(frozen=True)
class IntakeSettings:
    master_key: str = DEV_MASTER_KEY
    attachment_max_bytes: int = DEFAULT_MAX_BYTES
    accused_key: str = DEV_ACCUSED_KEY
    next_master_key: str = ""
    pdf_seconds: int = DEFAULT_SECONDS
    pdf_memory_mib: int = DEFAULT_MEMORY_MIB

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
    return IntakeSettings(
        master_key=env(MASTER_KEY_VARIABLE, DEV_MASTER_KEY, mapping),
        attachment_max_bytes=_positive(mapping.get(MAX_BYTES_VARIABLE), DEFAULT_MAX_BYTES),
        accused_key=env(ACCUSED_KEY_VARIABLE, DEV_ACCUSED_KEY, mapping),
        next_master_key=env(NEXT_MASTER_KEY_VARIABLE, "", mapping),
        pdf_seconds=_positive(mapping.get(PDF_SECONDS_VARIABLE), DEFAULT_SECONDS),
        pdf_memory_mib=_positive(mapping.get(PDF_MEMORY_VARIABLE), DEFAULT_MEMORY_MIB),
    )


DEFAULT = IntakeSettings()


def of(ctx):
    return ctx.extra.get("settings") or DEFAULT
