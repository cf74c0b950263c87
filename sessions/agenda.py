"""The facilitator's agenda: the workshop as an ordered list of the method's steps.

The room is on one step at a time (``Workshop.step``; None before the first, when screens show
how to join). Moving to a step resets who is done, starts the step's countdown when it has a
duration, and sets the phase the step belongs to; browsers take their participants to the
step's section. Editing and moving are facilitator-only (``commands.FACILITATOR_COMMANDS``);
saying "I'm done" is every participant's own, and stays open while the board is locked.

Invariants: step ids are unique and never reused (they come from ``Workshop.counter``);
``Workshop.step`` is None or names a step of the agenda; ``Workshop.done`` holds participant
ids, each once, and is empty when ``step`` is None.
"""

from __future__ import annotations

from sessions import errors
from sessions.commands import GoToStep, MarkDone, SetAgenda, StepDraft
from sessions.events import AgendaSet, DoneSet, Event, StepSet
from sessions.facilitation import controls, only_if_changed
from sessions.model import STEP_KINDS, Step, StepKind, Workshop, id_number

DEFAULT_MINUTES: dict[str, int] = {
    "framing": 10,
    "personas": 30,
    "journeys": 45,
    "tour": 15,
    "emotions": 10,
    "channels": 10,
    "vote": 10,
    "roadmap": 40,
    "scenarios": 30,
    "plan": 30,
    "restitution": 10,
}
"""How long each step usually takes in the method's workshops, in minutes."""

PHASE_OF: dict[str, str] = {
    "personas": "personas",
    "journeys": "journeys",
    "tour": "journeys",
    "emotions": "journeys",
    "channels": "journeys",
    "vote": "vote",
    "roadmap": "roadmap",
    "scenarios": "scenarios",
    "plan": "scenarios",
    "restitution": "restitution",
}
"""The phase (``Workshop.phase``) a step belongs to; the kick-off keeps the current one."""


METHOD_STEPS: tuple[StepKind, ...] = tuple(k for k in STEP_KINDS if k != "tour")  # type: ignore[misc]
"""The steps of a new workshop's agenda: every kind but the groups' tour, which follows group
work and is added by the facilitator where the groups present."""


def default_agenda(first_id: int) -> list[Step]:
    """The method's agenda, every step with its usual duration, ids from ``g<first_id>``."""
    kinds = METHOD_STEPS
    return [
        Step(id=f"g{first_id + i}", kind=kind, minutes=DEFAULT_MINUTES[kind])
        for i, kind in enumerate(kinds)
    ]


def current(workshop: Workshop) -> Step | None:
    return next((s for s in workshop.agenda if s.id == workshop.step), None)


def set_agenda(workshop: Workshop, command: SetAgenda) -> list[Event]:
    if command.steps is None:
        agenda = default_agenda(workshop.counter + 1)
    else:
        agenda = _drafted(workshop, command.steps)
    step = workshop.step if any(s.id == workshop.step for s in agenda) else None
    if agenda == workshop.agenda and step == workshop.step:
        return []
    events: list[Event] = [AgendaSet(agenda=agenda, step=step)]
    if step is None and workshop.done:
        events.append(DoneSet(done=[]))
    return events


def _drafted(workshop: Workshop, drafts: list[StepDraft]) -> list[Step]:
    known = {s.id for s in workshop.agenda}
    seen: set[str] = set()
    counter = workshop.counter
    agenda: list[Step] = []
    for draft in drafts:
        if draft.id is None:
            counter += 1
            step_id = f"g{counter}"
        elif draft.id not in known:
            raise errors.NotFound("This step is no longer in the agenda.")
        elif draft.id in seen:
            raise errors.InvalidCommand("A step appears twice in the agenda.")
        else:
            step_id = draft.id
        seen.add(step_id)
        agenda.append(
            Step(
                id=step_id,
                kind=draft.kind,
                title=" ".join(draft.title.split()),
                minutes=draft.minutes,
                skipped=draft.skipped,
            )
        )
    return agenda


def go_to_step(workshop: Workshop, command: GoToStep, now: float) -> list[Event]:
    """Move the room; also starts the step's countdown (or stops the last one) and its phase."""
    if command.step == workshop.step:
        return []
    step = next((s for s in workshop.agenda if s.id == command.step), None)
    if command.step is not None and step is None:
        raise errors.NotFound("This step is no longer in the agenda.")
    events: list[Event] = [StepSet(step=command.step)]
    ends = None if step is None or step.minutes is None else now + step.minutes * 60
    phase = PHASE_OF.get(step.kind, workshop.phase) if step else workshop.phase
    events += only_if_changed(workshop, controls(workshop, timer_ends_at=ends, phase=phase))
    return events


def mark_done(workshop: Workshop, participant: str, command: MarkDone) -> list[Event]:
    if workshop.step is None:
        raise errors.Conflict("The workshop has not started a step yet.")
    if command.done == (participant in workshop.done):
        return []
    if command.done:
        done = [*workshop.done, participant]
    else:
        done = [p for p in workshop.done if p != participant]
    return [DoneSet(done=done)]


def apply_agenda(workshop: Workshop, event: AgendaSet | StepSet | DoneSet) -> None:
    match event:
        case AgendaSet(agenda=agenda, step=step):
            workshop.agenda = list(agenda)
            workshop.step = step
            top = max((id_number(s.id) for s in agenda), default=0)
            workshop.counter = max(workshop.counter, top)
        case StepSet(step=step):
            workshop.step = step
            workshop.done = []
        case DoneSet(done=done):
            workshop.done = list(done)
