"""The one error type for input the toolkit cannot use, with a stable kind."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be read or is not a report: one clear line for the user.

    ``kind`` is a stable short word (``empty``, ``binary``, ``missing``,
    ``unreadable``, ``too_large``, ``pdf``, ``config``, ``endpoint``) used in
    error records and summaries.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message
