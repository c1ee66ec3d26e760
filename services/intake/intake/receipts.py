"""Receipt codes (回执码): how an anonymous reporter follows a report. High entropy (100 bits), typed by hand,
shown once; only its sha256 is stored, in the events and the `receipts` projection.
"""

import hashlib
import secrets

from watchpost.errors import Invalid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
LENGTH = 20  # 20 x 5 bits = 100 bits
_SAME = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code():
    """A fresh code, e.g. `7KQ2-M9XD-...`, in groups of four."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(code):
    """Upper case, no dashes or spaces, O->0 and I/L->1; refuses anything that cannot be a code."""
    text = "".join(str(code or "").split()).replace("-", "").upper().translate(_SAME)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        raise Invalid(f"a receipt code has {LENGTH} letters and digits, in groups of four", field="receipt_code")
    return text


def receipt_hash(code):
    return hashlib.sha256(normalise(code).encode("ascii")).hexdigest()
