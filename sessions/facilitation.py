"""The facilitator's controls: agenda phase, countdown, lock, private writing, follow-me.

All are facilitator-only (``commands.FACILITATOR_COMMANDS``) and travel as one event carrying
the whole state of the controls (:class:`~sessions.events.FacilitationSet`).

Private writing: while ``Workshop.private`` is on, a note added by a participant is ``hidden``;
``sessions.views`` shows it to its author and the facilitator only. Revealing (or switching
private writing off) shows every hidden note to everyone, in one event.
"""

from __future__ import annotations

import msgspec

from sessions import errors
from sessions.commands import RevealNotes, SetFollow, SetLock, SetPhase, SetPrivate, SetTimer
from sessions.events import Event, FacilitationSet, NotesRevealed
from sessions.model import Workshop, id_number


def controls(workshop: Workshop, **changes: object) -> FacilitationSet:
    current: dict[str, object] = {
        "phase": workshop.phase,
        "timer_ends_at": workshop.timer_ends_at,
        "locked": workshop.locked,
        "private": workshop.private,
        "follow": workshop.follow,
    }
    current.update(changes)
    return msgspec.convert(current, FacilitationSet)


def _unchanged(workshop: Workshop, event: FacilitationSet) -> bool:
    return (
        event.phase == workshop.phase
        and event.timer_ends_at == workshop.timer_ends_at
        and event.locked == workshop.locked
        and event.private == workshop.private
        and event.follow == workshop.follow
    )


def only_if_changed(workshop: Workshop, event: FacilitationSet) -> list[Event]:
    return [] if _unchanged(workshop, event) else [event]


def set_phase(workshop: Workshop, command: SetPhase) -> list[Event]:
    return only_if_changed(workshop, controls(workshop, phase=command.phase))


def set_timer(workshop: Workshop, command: SetTimer, now: float) -> list[Event]:
    ends = None if command.seconds is None else now + command.seconds
    return only_if_changed(workshop, controls(workshop, timer_ends_at=ends))


def set_lock(workshop: Workshop, command: SetLock) -> list[Event]:
    return only_if_changed(workshop, controls(workshop, locked=command.locked))


def reveal_notes(workshop: Workshop, _command: RevealNotes | None = None) -> list[Event]:
    hidden = sorted((n for n in workshop.notes.values() if n.hidden), key=lambda n: id_number(n.id))
    if not hidden:
        return []
    shown = [msgspec.structs.replace(n, hidden=False, version=n.version + 1) for n in hidden]
    return [NotesRevealed(notes=shown)]


def set_private(workshop: Workshop, command: SetPrivate) -> list[Event]:
    events: list[Event] = only_if_changed(workshop, controls(workshop, private=command.private))
    if not command.private:
        events += reveal_notes(workshop)
    return events


def set_follow(workshop: Workshop, command: SetFollow) -> list[Event]:
    if command.persona is not None and not any(p.id == command.persona for p in workshop.personas):
        raise errors.NotFound("This persona no longer exists.")
    return only_if_changed(workshop, controls(workshop, follow=command.persona))


def apply_facilitation(workshop: Workshop, event: FacilitationSet) -> None:
    workshop.phase = event.phase
    workshop.timer_ends_at = event.timer_ends_at
    workshop.locked = event.locked
    workshop.private = event.private
    workshop.follow = event.follow


def apply_notes_revealed(workshop: Workshop, event: NotesRevealed) -> None:
    for note in event.notes:
        workshop.notes[note.id] = note
