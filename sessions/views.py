"""What each person may see: the redaction of entries and snapshots before they leave the server.

The server stores and decides on the full workshop; browsers only receive their view of it:

- in a round whose tallies are hidden (``hidden`` and not yet ``revealed``), a voter's dots are
  shown only to that voter (and to whoever cast them by proxy): everyone else, the facilitator
  included, sees how many dots each person spent, never on what;
- in an anonymous round nobody but the voter sees who spent what, even after the reveal: only
  the number of voters and, once revealed, the ranked result.

A redacted entry keeps its seq (its events may be emptied), so every client's sequence stays
contiguous. Both functions are pure and never change their arguments.
"""

from __future__ import annotations

import msgspec

from sessions.model import VoteRound, Workshop
from sessions.protocol import DotsSet, Entry, Event

PUBLIC = ""
"""The viewer id of "anyone who is not named in the entry"."""


def _dots_visible(vote: VoteRound) -> bool:
    return not vote.anonymous and (not vote.hidden or vote.status == "revealed")


def _round(workshop: Workshop, round_id: str) -> VoteRound | None:
    for vote in workshop.rounds:
        if vote.id == round_id:
            return vote
    return None


def insiders(entry: Entry, workshop: Workshop) -> set[str] | None:
    """Viewers who see more of ``entry`` than the public, or None when everyone sees it whole."""
    special: set[str] | None = None
    for event in entry.events:
        if isinstance(event, DotsSet):
            vote = _round(workshop, event.round)
            if vote is None or not _dots_visible(vote):
                special = (special or set()) | {event.voter, entry.actor}
    return special


def redact(entry: Entry, workshop: Workshop, viewer: str) -> Entry:
    """``entry`` as ``viewer`` may see it (``PUBLIC`` for anyone not named in it)."""
    events: list[Event] = []
    changed = False
    for event in entry.events:
        if isinstance(event, DotsSet) and viewer not in (event.voter, entry.actor):
            vote = _round(workshop, event.round)
            if vote is None or not _dots_visible(vote):
                masked = "" if vote is None or vote.anonymous else event.voter
                events.append(msgspec.structs.replace(event, voter=masked, dots={}))
                changed = True
                continue
        events.append(event)
    return msgspec.structs.replace(entry, events=events) if changed else entry


def redact_workshop(workshop: Workshop, viewer: str, facilitator: bool = False) -> Workshop:
    """The snapshot ``viewer`` may see; the same object when nothing is hidden from them.

    A facilitator also sees the dots they cast for proxies (people without a device).
    """
    hidden = [vote for vote in workshop.rounds if not _dots_visible(vote)]
    if not hidden:
        return workshop
    rounds = []
    for vote in workshop.rounds:
        if _dots_visible(vote):
            rounds.append(vote)
            continue
        spent = (
            {v: n for v, n in vote.spent.items() if v == viewer}
            if vote.anonymous
            else dict(vote.spent)
        )
        mine = {viewer} | (
            {p.id for p in workshop.participants.values() if p.proxy} if facilitator else set()
        )
        dots = {v: d for v, d in vote.dots.items() if v in mine}
        rounds.append(msgspec.structs.replace(vote, spent=spent, dots=dots))
    return msgspec.structs.replace(workshop, rounds=rounds)
