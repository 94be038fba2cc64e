"""Domain errors raised by services; their message is shown to the user as is."""


class DomainError(Exception):
    """A business rule refused the action. ``message`` is translated and user-facing."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionRefused(DomainError):
    """A status change that the state machine does not allow from the current status."""
