"""A workshop of the method for the unit tests: personas, notes and people made by decide."""

from __future__ import annotations

from sessions.model import Note, Workshop
from sessions.protocol import AddNote, AddPersona, NoteSaved, PersonaSaved
from sessions.rules import Actor
from tests.unit.ballots import play
from tests.unit.workshops import FACILITATOR, enter, fresh


def room(template: str = "blank") -> tuple[Workshop, Actor, Actor]:
    """A fresh workshop with two participants, Pat and Bob."""
    workshop = fresh(template)
    return workshop, enter(workshop, "Pat"), enter(workshop, "Bob")


def lane_of(workshop: Workshop, kind: str) -> str:
    """The id of the first lane of ``kind``."""
    return next(lane.id for lane in workshop.lanes if lane.kind == kind)


def persona(workshop: Workshop, name: str = "Max") -> str:
    """Add a persona (as the facilitator); its id."""
    events = play(workshop, FACILITATOR, AddPersona(op_id="a", name=name))
    assert isinstance(events[0], PersonaSaved)
    return events[0].persona.id


def note(
    workshop: Workshop,
    actor: Actor = FACILITATOR,
    text: str = "a note",
    *,
    persona: int | str = 0,
    stage: int = 0,
    lane: str = "enchantments",
    channel: str = "web",
) -> Note:
    """Add a note to a cell named by persona (index or id), stage index and lane kind."""
    who = workshop.personas[persona].id if isinstance(persona, int) else persona
    command = AddNote(
        op_id="n",
        persona=who,
        stage=workshop.stages[stage].id,
        lane=lane_of(workshop, lane),
        text=text,
        channel=channel,  # type: ignore[arg-type]
    )
    events = play(workshop, actor, command)
    return next(e.note for e in events if isinstance(e, NoteSaved) and e.note.text == text)
