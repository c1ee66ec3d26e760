"""The checkpoint every service signs and appends to its own log (stream `checkpoint-log`): {type: (version, Schema)}.

A checkpoint at position p covers events 1..size (size < p): `root` is the RFC 6962 Merkle root over their hashes,
`frontier` the compact range at `size` (hex subtree hashes, lets the next checkpoint continue from here).
`signature` is Ed25519 over `watchpost.audit.checkpoint.message(...)`; `public_key` the raw 32-byte key, base64.
A `key_id` starting with `dev-` is the development key: such a checkpoint proves nothing outside a test machine.
"""

from marshmallow import RAISE, Schema, fields, validate

HEX64 = validate.Regexp(r"^[0-9a-f]{64}$")


class CheckpointSigned(Schema):
    class Meta:
        unknown = RAISE

    service = fields.String(required=True, validate=validate.Length(min=1))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    root = fields.String(required=True, validate=HEX64)
    frontier = fields.List(fields.String(validate=HEX64), required=True)
    signed_at = fields.String(required=True)
    key_id = fields.String(required=True, validate=validate.Length(min=1))
    public_key = fields.String(required=True)
    signature = fields.String(required=True)


EVENTS = {"checkpoint.signed": (1, CheckpointSigned)}
