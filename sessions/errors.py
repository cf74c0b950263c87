"""The domain's error tree.

Every refusal of the domain is a :class:`DomainError` with a stable ``code`` (for programs and
tests) and a sentence for people (``message``). The edge (``server/ws.py``) turns them into
``error`` messages and keeps the connection open; anything else is a bug.

::

    DomainError
    ├── InvalidCommand      the command is malformed or out of bounds (code: invalid)
    │   └── LimitReached    a size limit of the workshop would be exceeded (code: limit)
    ├── NotFound            a stage, lane or note named does not exist (code: not_found)
    ├── Forbidden           the sender's role may not do this (code: forbidden)
    ├── Locked              the board is read-only for participants right now (code: locked)
    └── Conflict            the command contradicts the current state (code: conflict)
        └── VoteRefused     a dot cannot be cast or taken back (code: vote_refused)
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal; ``code`` is stable, ``message`` is for people."""

    code = "domain"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCommand(DomainError):
    code = "invalid"


class LimitReached(InvalidCommand):
    code = "limit"


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Locked(DomainError):
    code = "locked"


class Conflict(DomainError):
    code = "conflict"


class VoteRefused(Conflict):
    code = "vote_refused"
