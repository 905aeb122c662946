"""Domain errors: how a service refuses.

A service raises one of these with a machine-readable ``code`` (the API contract's words:
``room_busy``, ``sold_out`` …) and a translatable message for a person. The API maps
``InvalidInput`` to ``400`` with field errors and ``Conflict`` to ``409``; pages show the
messages next to the fields or above the form.
"""


class DomainError(Exception):
    code = "invalid"

    def __init__(self, message, *, code=None, **extra):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.extra = extra


class InvalidInput(DomainError):
    """The request itself is wrong: one or more fields carry a message each."""

    def __init__(self, errors):
        self.errors = {field: _as_list(messages) for field, messages in errors.items()}
        first = next(iter(self.errors.values()))[0]
        super().__init__(first, code="invalid")


class Conflict(DomainError):
    """The request is well formed but a rule refuses it against the current state."""

    code = "conflict"


def _as_list(messages):
    return list(messages) if isinstance(messages, list | tuple) else [messages]
