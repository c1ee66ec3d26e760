"""What a consuming service (intake, training, assessment) records in its own log, stream `consumer-<source>`, about
another service's event it could not apply: {type: (version, Schema)}.

`consumer.event_refused`: the event was refused and the consumer moved on; `consumer.event_reapplied`: an operator
re-applied it after a fix, with the outcome. Both name the foreign event (source, position, id, type) and the reason
(`error`: the domain's error code, or `defect`; `message`: the domain's message, or a defect's exception class and
where it was raised), never the event's data.
"""

from marshmallow import RAISE, Schema, fields, validate

CONSUMING = ("intake", "training", "assessment")


class EventRefused(Schema):
    class Meta:
        unknown = RAISE

    source = fields.String(required=True, validate=validate.Length(min=1))  # the service whose event it was
    event_id = fields.String(required=True, validate=validate.Length(min=1))
    position = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    type = fields.String(required=True, validate=validate.Length(min=1))
    error = fields.String(required=True, validate=validate.Length(min=1))
    message = fields.String(required=True)


class EventReapplied(EventRefused):
    outcome = fields.String(required=True, validate=validate.OneOf(("applied", "refused again")))
    error = fields.String()
    message = fields.String()


EVENTS = {"consumer.event_refused": (1, EventRefused), "consumer.event_reapplied": (1, EventReapplied)}
