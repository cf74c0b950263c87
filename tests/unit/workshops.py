"""Workshops and actors for the unit tests: built by the real template code, changed by decide."""

from __future__ import annotations

from sessions import templates
from sessions.model import Workshop, cell_notes
from sessions.protocol import Command, Event
from sessions.rules import Actor, Join, apply_all, decide

FACILITATOR = Actor("p1", "facilitator")


def fresh(template: str = "blank", lang: templates.Lang = "en") -> Workshop:
    """A new workshop, as ``POST /api/workshops`` builds it (facilitator ``p1``)."""
    return templates.build(template, lang, "abcdef", "Workshop", "Fay")


def enter(workshop: Workshop, name: str = "Pat") -> Actor:
    """Join ``workshop`` as a participant; the actor who can now send commands."""
    events = run(workshop, FACILITATOR, Join(op_id="join", name=name))
    participant = events[0].participant  # type: ignore[union-attr]
    return Actor(participant.id, participant.role)


def run(workshop: Workshop, actor: Actor, command: Command) -> list[Event]:
    """Decide ``command`` and apply what it caused; the events."""
    events = decide(workshop, actor, command)
    apply_all(workshop, events)
    return events


def cell(workshop: Workshop, stage: int = 0, lane: int = 0) -> dict[str, str]:
    """The first persona's cell at ``stage`` and ``lane``, as command fields."""
    return {
        "persona": workshop.personas[0].id,
        "stage": workshop.stages[stage].id,
        "lane": workshop.lanes[lane].id,
    }


def texts(workshop: Workshop, stage: int = 0, lane: int = 0) -> list[str]:
    """Texts of one cell, in display order."""
    where = cell(workshop, stage, lane)
    return [n.text for n in cell_notes(workshop, where["persona"], where["stage"], where["lane"])]
