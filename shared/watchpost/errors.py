"""Errors a command or a read can end in, each with the HTTP status an entrypoint maps it to.

Pure: the domain raises these; entrypoints turn them into `{"error", "message", "details"}` bodies.
A message never carries a reporter's identity.
"""


class WatchpostError(Exception):
    status = 500
    code = "internal"

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self):
        return {"error": self.code, "message": self.message, "details": self.details}


class BadRequest(WatchpostError):
    """The request could not be read at all (not JSON, not an object)."""

    status, code = 400, "bad_request"


class Invalid(WatchpostError):
    """The request was read but a field is wrong; `details.fields` names each one."""

    status, code = 422, "invalid"


class Unauthenticated(WatchpostError):
    status, code = 401, "unauthenticated"


class Forbidden(WatchpostError):
    status, code = 403, "forbidden"


class NotFound(WatchpostError):
    status, code = 404, "not_found"


class Conflict(WatchpostError):
    """A stream moved on since it was read: the caller's expected version is stale."""

    status, code = 409, "conflict"


class IdempotencyKeyReused(Conflict):
    """An Idempotency-Key already names another command (another caller, command, target or fields): nothing was
    written; a new command needs a new key."""

    code = "idempotency_key_reused"


class IllegalTransition(WatchpostError):
    """The aggregate's state does not allow the command; details name the state and what is allowed."""

    status, code = 409, "illegal_transition"

    def __init__(self, command, state, allowed):
        super().__init__(
            f"{command} is not allowed while the state is {state!r}; allowed: {', '.join(sorted(allowed)) or 'none'}",
            command=command,
            state=state,
            allowed=sorted(allowed),
        )


class RateLimited(WatchpostError):
    """Too many requests without a token from one address; `details.retry_after` (and the `Retry-After` header)
    say how many seconds to wait."""

    status, code = 429, "rate_limited"


class Unavailable(WatchpostError):
    """A dependency (database or broker) is down; nothing was written."""

    status, code = 503, "unavailable"
