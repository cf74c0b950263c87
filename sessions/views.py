"""What each person may see: the redaction of entries and snapshots before they leave the server.

The server stores and decides on the full workshop; browsers only receive their view of it:

- in a round whose tallies are hidden (``hidden``), a voter's dots are shown only to that voter
  (and to whoever cast them by proxy): everyone else, the facilitator included, sees how many
  dots each person spent, never on what, before or after the reveal. The reveal publishes the
  ranked result, not the ballots: with 1,000 voters they would make a frame of over 100 KB for
  every phone, for data no screen shows;
- in an anonymous round nobody but the voter sees who spent what, even after the reveal: only
  the number of voters and, once revealed, the ranked result. The entry's envelope is masked
  too: its ``actor`` and ``op_id`` (a client may make op ids that name it) become ``""`` for
  everyone but the voter and whoever cast by proxy, and exports keep only the round's figures
  (:func:`sealed`);
- a note written in private (``hidden``) is seen by its author and the facilitators only, until
  it is revealed (in the trash too);
- while groups work behind walls (``Workshop.group_walls``), the notes and curve of a persona a
  group works on are seen by that group and the facilitators only (:func:`sessions.groups.walls`);
  when the walls move (they go up or down, a group changes persona, someone changes group) the
  server sends the people whose view changed a fresh snapshot (``sessions.groups.hidden_from``);
- a person's undo history is never sent: their browser gets :class:`HistoryShown` (how deep
  their stacks are, what an undo left alone), nobody else anything; ``history`` and ``writers``
  are emptied in every snapshot.

A redacted entry keeps its seq (its events may be emptied), so every client's sequence stays
contiguous. Both functions are pure and never change their arguments.
"""

from __future__ import annotations

import msgspec

from sessions import groups, summary
from sessions.model import Note, Trashed, VoteRound, Workshop
from sessions.protocol import (
    DotsSet,
    EmotionSaved,
    Entry,
    Event,
    HistoryPushed,
    HistoryRedone,
    HistoryShown,
    HistoryUndone,
    NoteSaved,
    NotesRevealed,
    TrashPut,
)

_HISTORY = (HistoryPushed, HistoryUndone, HistoryRedone)

PUBLIC = ""
"""The viewer id of "anyone who is not named in the entry"."""


def _dots_visible(vote: VoteRound) -> bool:
    return not vote.anonymous and not vote.hidden


def _round(workshop: Workshop, round_id: str) -> VoteRound | None:
    for vote in workshop.rounds:
        if vote.id == round_id:
            return vote
    return None


def _facilitators(workshop: Workshop) -> set[str]:
    return {p.id for p in workshop.participants.values() if p.role == "facilitator"}


def insiders(entry: Entry, workshop: Workshop) -> set[str] | None:
    """Viewers who see more of ``entry`` than the public, or None when everyone sees it whole."""
    return _insiders(entry, workshop, groups.walls(workshop))


def personal(entry: Entry, workshop: Workshop) -> set[str] | None:
    """The insiders who see ``entry`` in a way of their own (its author, a voter, whose history
    it is, the facilitators of a private note); None when there are none. Every other viewer
    sees what anyone with the same walls (:func:`sessions.groups.hidden_from`) sees, so one
    rendering serves each audience."""
    return _insiders(entry, workshop, {})


def _insiders(entry: Entry, workshop: Workshop, walls: dict[str, set[str]]) -> set[str] | None:
    special: set[str] | None = None
    for event in entry.events:
        if walls:
            for persona in _personas(event):
                if persona in walls:
                    special = (special or set()) | walls[persona]
        if isinstance(event, NoteSaved) and event.note.hidden:
            special = (special or set()) | {event.note.author} | _facilitators(workshop)
        if isinstance(event, DotsSet):
            vote = _round(workshop, event.round)
            if vote is None or not _dots_visible(vote):
                special = (special or set()) | {event.voter, entry.actor}
        if isinstance(event, _HISTORY):
            special = (special or set()) | {event.person}
        if isinstance(event, TrashPut) and any(_private(t) for t in event.entries):
            authors = {a for t in event.entries for a in _private(t)}
            special = (special or set()) | authors | _facilitators(workshop)
    return special


def _personas(event: Event) -> set[str]:
    """The personas whose group work ``event`` shows (for the walls between groups)."""
    if isinstance(event, NoteSaved):
        return {event.note.persona}
    if isinstance(event, EmotionSaved):
        return {event.emotion.persona}
    if isinstance(event, NotesRevealed):
        return {n.persona for n in event.notes}
    if isinstance(event, TrashPut):
        return {n.persona for t in event.entries for n in _trashed_notes(t)}
    return set()


def _trashed_notes(entry: Trashed) -> tuple[Note, ...]:
    return (entry.note,) if entry.note is not None else entry.notes


def _behind_walls(event: Event, hidden: frozenset[str]) -> Event | None:
    """``event`` without what a viewer kept out by ``hidden`` may not see (None: nothing left)."""
    if isinstance(event, NoteSaved):
        return None if event.note.persona in hidden else event
    if isinstance(event, EmotionSaved):
        return None if event.emotion.persona in hidden else event
    if isinstance(event, NotesRevealed):
        notes = [n for n in event.notes if n.persona not in hidden]
        return event if len(notes) == len(event.notes) else NotesRevealed(notes=notes)
    if isinstance(event, TrashPut):
        kept = [t for t in (_trash_outside(t, hidden) for t in event.entries) if t is not None]
        return event if kept == event.entries else TrashPut(entries=kept)
    return event


def _trash_outside(entry: Trashed, hidden: frozenset[str]) -> Trashed | None:
    if entry.note is not None:
        return None if entry.note.persona in hidden else entry
    if any(n.persona in hidden for n in entry.notes):
        notes = tuple(n for n in entry.notes if n.persona not in hidden)
        return msgspec.structs.replace(entry, notes=notes)
    return entry


def _private(entry: Trashed) -> set[str]:
    """Authors of the private notes inside a trash entry."""
    return {n.author for n in _trashed_notes(entry) if n.hidden}


def _trash_seen_by(entry: Trashed, viewer: str) -> Trashed | None:
    if entry.note is not None:
        return None if entry.note.hidden and entry.note.author != viewer else entry
    if any(n.hidden and n.author != viewer for n in entry.notes):
        notes = tuple(n for n in entry.notes if not n.hidden or n.author == viewer)
        return msgspec.structs.replace(entry, notes=notes)
    return entry


def shown(event: HistoryPushed | HistoryUndone | HistoryRedone) -> HistoryShown:
    """What the person's own browser is told of a history event."""
    if isinstance(event, HistoryPushed):
        return HistoryShown(undo=event.undo, redo=event.redo, action="push")
    if isinstance(event, HistoryUndone):
        return HistoryShown(undo=event.undo, redo=event.redo, action="undo", skipped=event.skipped)
    return HistoryShown(undo=event.undo, redo=event.redo, action="redo", skipped=event.skipped)


def redact(entry: Entry, workshop: Workshop, viewer: str) -> Entry:
    """``entry`` as ``viewer`` may see it (``PUBLIC`` for anyone not named in it)."""
    events: list[Event] = []
    changed = anonymous = False
    facilitators: set[str] | None = None
    hidden = groups.hidden_from(workshop, viewer)
    for event in entry.events:
        if hidden:
            outside = _behind_walls(event, hidden)
            if outside is not event:
                changed = True
                if outside is None:
                    continue
                event = outside
        if isinstance(event, NoteSaved) and event.note.hidden and viewer != event.note.author:
            facilitators = _facilitators(workshop) if facilitators is None else facilitators
            if viewer not in facilitators:
                changed = True
                continue
        if isinstance(event, _HISTORY):
            changed = True
            if viewer == event.person:
                events.append(shown(event))
            continue
        if isinstance(event, TrashPut) and any(_private(t) for t in event.entries):
            facilitators = _facilitators(workshop) if facilitators is None else facilitators
            if viewer not in facilitators:
                seen = [_trash_seen_by(t, viewer) for t in event.entries]
                events.append(TrashPut(entries=[t for t in seen if t is not None]))
                changed = True
                continue
        if isinstance(event, DotsSet) and viewer not in (event.voter, entry.actor):
            vote = _round(workshop, event.round)
            if vote is None or not _dots_visible(vote):
                masked = "" if vote is None or vote.anonymous else event.voter
                anonymous = anonymous or not masked
                events.append(msgspec.structs.replace(event, voter=masked, dots={}))
                changed = True
                continue
        events.append(event)
    if not changed:
        return entry
    if anonymous:  # who sent it would name the voter the event no longer names
        return msgspec.structs.replace(entry, actor=PUBLIC, op_id=PUBLIC, events=events)
    return msgspec.structs.replace(entry, events=events)


def redact_workshop(workshop: Workshop, viewer: str, facilitator: bool = False) -> Workshop:
    """The snapshot ``viewer`` may see; the same object when nothing is hidden from them.

    A facilitator also sees the dots they cast for proxies (people without a device). The result
    equals what a replica that followed the events live holds (redacted by :func:`redact`): a
    voter's allocation the viewer may not see is there, empty, when the round is not anonymous
    (they did get ``dots.set`` with ``dots`` emptied), and absent when it is (they got none).
    """
    walled = frozenset() if facilitator else groups.hidden_from(workshop, viewer)
    if walled:
        workshop = _outside_walls(workshop, walled)
    hidden = [vote for vote in workshop.rounds if not _dots_visible(vote)]
    private = not facilitator and any(n.hidden for n in workshop.notes.values())
    private_trash = not facilitator and any(_private(t) for t in workshop.trash.values())
    if workshop.history or workshop.writers:
        workshop = msgspec.structs.replace(workshop, history={}, writers={})
    if private_trash:
        seen = {i: _trash_seen_by(t, viewer) for i, t in workshop.trash.items()}
        kept = {i: t for i, t in seen.items() if t is not None}
        workshop = msgspec.structs.replace(workshop, trash=kept)
    if not hidden and not private:
        return workshop
    if private:
        notes = {i: n for i, n in workshop.notes.items() if not n.hidden or n.author == viewer}
        workshop = msgspec.structs.replace(workshop, notes=notes)
    mine = {viewer} | (
        {p.id for p in workshop.participants.values() if p.proxy} if facilitator else set()
    )
    rounds = []
    for vote in workshop.rounds:
        if _dots_visible(vote):
            rounds.append(vote)
            continue
        if vote.anonymous:
            spent = {v: n for v, n in vote.spent.items() if v in mine}
            dots = {v: dict(d) for v, d in vote.dots.items() if v in mine}
        else:
            spent = dict(vote.spent)
            dots = {v: dict(d) if v in mine else {} for v, d in vote.dots.items()}
        rounds.append(msgspec.structs.replace(vote, spent=spent, dots=dots))
    return msgspec.structs.replace(workshop, rounds=rounds)


def _outside_walls(workshop: Workshop, hidden: frozenset[str]) -> Workshop:
    """The workshop without the notes, ratings and trashed notes of the ``hidden`` personas."""
    notes = {i: n for i, n in workshop.notes.items() if n.persona not in hidden}
    emotions = {k: e for k, e in workshop.emotions.items() if e.persona not in hidden}
    seen = {i: _trash_outside(t, hidden) for i, t in workshop.trash.items()}
    trash = {i: t for i, t in seen.items() if t is not None}
    return msgspec.structs.replace(workshop, notes=notes, emotions=emotions, trash=trash)


def sealed(workshop: Workshop) -> Workshop:
    """The workshop as exports show it: an anonymous round keeps its figures, not its ballots.

    Its ``spent`` and ``dots`` are emptied (nobody, the facilitator included, learns who voted
    what from a file); ``voters`` stays, and a round whose tallies may be shown (revealed,
    closed, or never hidden) keeps them as its ``result``. The same object when no round is
    anonymous; never changes its argument.
    """
    if not any(vote.anonymous and (vote.dots or vote.spent) for vote in workshop.rounds):
        return workshop
    rounds = []
    for vote in workshop.rounds:
        if vote.anonymous and (vote.dots or vote.spent):
            result = summary.result(vote) if summary.shown(vote) else vote.result
            vote = msgspec.structs.replace(vote, spent={}, dots={}, result=result)
        rounds.append(vote)
    return msgspec.structs.replace(workshop, rounds=rounds)
