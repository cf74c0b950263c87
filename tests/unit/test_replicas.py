"""Replicas converge: the same events applied in the same order give the same workshop."""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions import errors, snapshot
from sessions.model import Workshop, cell_notes, clone, id_number
from sessions.protocol import (
    AddMoment,
    AddNote,
    AddStage,
    AnswerScenario,
    Command,
    DeleteNote,
    EditNote,
    EditScenario,
    Entry,
    Event,
    MoveNote,
    MoveStage,
    RemoveMoment,
    RemoveStage,
    RenameSelf,
    RenameStage,
    RenameWorkshop,
    encoder,
    entry_decoder,
)
from sessions.rules import Actor, apply_all, decide
from tests.unit.workshops import FACILITATOR, enter, fresh

KINDS = (
    "note.add",
    "note.add",
    "note.add",
    "note.edit",
    "note.move",
    "note.move",
    "note.delete",
    "stage.add",
    "stage.rename",
    "stage.move",
    "stage.remove",
    "workshop.rename",
    "participant.rename",
    "moment.add",
    "moment.add",
    "moment.remove",
    "scenario.answer",
    "scenario.link",
)


def pick(data: st.DataObject, existing: list[str], prefix: str) -> str:
    """Mostly an id that exists, sometimes one that never did (to get refusals too)."""
    if existing and data.draw(st.integers(0, 9)) > 0:
        return data.draw(st.sampled_from(existing))
    return f"{prefix}{data.draw(st.integers(900, 999))}"


def draw_command(data: st.DataObject, workshop: Workshop, op: int) -> Command:
    kind = data.draw(st.sampled_from(KINDS))
    op_id = f"op{op}"
    notes = sorted(workshop.notes, key=id_number)
    stages = [s.id for s in workshop.stages]
    lanes = [lane.id for lane in workshop.lanes]
    personas = [p.id for p in workshop.personas]
    index = st.integers(0, 6)
    text = st.text(max_size=12)
    title = st.text(min_size=1, max_size=10)
    match kind:
        case "note.add":
            return AddNote(
                op_id=op_id,
                persona=pick(data, personas, "a"),
                stage=pick(data, stages, "s"),
                lane=pick(data, lanes, "l"),
                text=data.draw(text),
                channel=data.draw(st.sampled_from(["web", "email", "app"])),
                index=data.draw(st.none() | index),
            )
        case "note.edit":
            return EditNote(
                op_id=op_id,
                note=pick(data, notes, "n"),
                text=data.draw(st.none() | text),
                channel=data.draw(st.none() | st.sampled_from(["web", "phone"])),
            )
        case "note.move":
            return MoveNote(
                op_id=op_id,
                note=pick(data, notes, "n"),
                stage=pick(data, stages, "s"),
                lane=pick(data, lanes, "l"),
                index=data.draw(index),
            )
        case "note.delete":
            return DeleteNote(op_id=op_id, note=pick(data, notes, "n"))
        case "stage.add":
            return AddStage(op_id=op_id, title=data.draw(title), index=data.draw(st.none() | index))
        case "stage.rename":
            return RenameStage(op_id=op_id, stage=pick(data, stages, "s"), title=data.draw(title))
        case "stage.move":
            return MoveStage(op_id=op_id, stage=pick(data, stages, "s"), index=data.draw(index))
        case "stage.remove":
            return RemoveStage(
                op_id=op_id, stage=pick(data, stages, "s"), with_notes=data.draw(st.booleans())
            )
        case "workshop.rename":
            return RenameWorkshop(op_id=op_id, title=data.draw(title))
        case "moment.add" if data.draw(st.booleans()):
            return AddMoment(op_id=op_id, title="Moment", note=pick(data, notes, "n"))
        case "moment.add":
            stage = pick(data, stages, "s")
            return AddMoment(op_id=op_id, title="Moment", persona=personas[0], stage=stage)
        case "moment.remove":
            return RemoveMoment(op_id=op_id, moment=pick(data, sorted(workshop.moments), "m"))
        case "scenario.answer":
            scenario = pick(data, sorted(workshop.scenarios), "c")
            return AnswerScenario(op_id=op_id, scenario=scenario, note=pick(data, notes, "n"))
        case "scenario.link":
            scenario = pick(data, sorted(workshop.scenarios), "c")
            moment = pick(data, sorted(workshop.moments), "m")
            return EditScenario(op_id=op_id, scenario=scenario, field="key_moment", value=moment)
        case _:
            return RenameSelf(op_id=op_id, name=data.draw(title))


def check_invariants(workshop: Workshop) -> None:
    """What model.py promises: ids unique and under the counter, notes in existing cells."""
    ids = [
        *workshop.notes,
        *(s.id for s in workshop.stages),
        *(lane.id for lane in workshop.lanes),
        *(p.id for p in workshop.personas),
        *workshop.participants,
    ]
    assert len(ids) == len(set(ids))
    assert all(id_number(i) <= workshop.counter for i in ids)
    stages = {s.id for s in workshop.stages}
    lanes = {lane.id for lane in workshop.lanes}
    personas = {p.id for p in workshop.personas}
    for note in workshop.notes.values():
        assert (note.persona in personas, note.stage in stages, note.lane in lanes) == (
            True,
            True,
            True,
        )
        cell = cell_notes(workshop, note.persona, note.stage, note.lane)
        assert len({n.pos for n in cell}) == len(cell), "two notes share a place"
    assert snapshot.check(workshop) == []


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), st.sampled_from(["blank", "travel"]))
def test_replicas_applying_the_same_events_converge(data: st.DataObject, template: str):
    """Random commands from several actors: a direct replica and a JSON-fed replica stay equal."""
    start = fresh(template)
    people = [FACILITATOR, enter(start, "Ann"), enter(start, "Bo")]
    here = clone(start)  # decides, and applies the events as decide returned them
    there = clone(start)  # applies each entry after a JSON round trip, like a browser
    log: list[bytes] = []
    seq = 0
    for op in range(data.draw(st.integers(1, 60))):
        actor: Actor = data.draw(st.sampled_from(people))
        command = draw_command(data, here, op)
        try:
            events: list[Event] = decide(here, actor, command)
        except errors.DomainError:
            continue
        assert decide(there, actor, command) == events, "decide is deterministic"
        if not events:
            continue
        seq += 1
        raw = encoder.encode(Entry(seq=seq, op_id=command.op_id, actor=actor.id, events=events))
        log.append(raw)
        apply_all(here, events)
        apply_all(there, entry_decoder.decode(raw).events)
        assert here == there
        check_invariants(here)
    # A late joiner: the start snapshot through JSON, then the whole log.
    late = msgspec.json.decode(encoder.encode(start), type=Workshop)
    for raw in log:
        apply_all(late, entry_decoder.decode(raw).events)
    assert late == here == there
    assert encoder.encode(late) == encoder.encode(here)
