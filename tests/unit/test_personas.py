"""Personas, emotion ratings and the curve, custom lanes and solution tags: accepted and refused."""

from __future__ import annotations

import json

import msgspec
import pytest

from sessions import summary
from sessions.model import PERSONA_FIELDS, Emotion, Persona, Workshop
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    MAX_LANES,
    MAX_PERSONAS,
    NAME_MAX,
    AddLane,
    AddNote,
    AddPersona,
    Command,
    EditPersona,
    EmotionSaved,
    FixEmotion,
    LanesSet,
    MoveLane,
    MovePersona,
    NoteDeleted,
    NoteSaved,
    PersonaDeleted,
    PersonaSaved,
    PersonasOrdered,
    RateStage,
    RemoveLane,
    RemovePersona,
    RemoveStage,
    RenameLane,
    TagNote,
    client_decoder,
)
from sessions.rules import decide
from tests.unit.ballots import NOW, play, refused
from tests.unit.method import lane_of, note, persona, room
from tests.unit.workshops import FACILITATOR, enter, fresh

METHOD_LANES = ("enchantments", "irritants", "expectations", "solutions")


def names(workshop: Workshop) -> list[str]:
    return [p.name for p in workshop.personas]


def rate(workshop: Workshop, stage: int, value: int | None, at: int = 0) -> RateStage:
    """A rating of stage ``stage`` of persona ``at``; the actor who sends it owns it."""
    return RateStage(
        op_id="r",
        persona=workshop.personas[at].id,
        stage=workshop.stages[stage].id,
        value=value,
    )


def fix(workshop: Workshop, stage: int, value: int | None, at: int = 0) -> FixEmotion:
    return FixEmotion(
        op_id="f", persona=workshop.personas[at].id, stage=workshop.stages[stage].id, value=value
    )


def emotion(workshop: Workshop, stage: int, at: int = 0) -> Emotion | None:
    return workshop.emotions.get(f"{workshop.personas[at].id}:{workshop.stages[stage].id}")


def held(workshop: Workshop, stage: int, at: int = 0) -> Emotion:
    """The emotion record of a cell, which must exist."""
    found = emotion(workshop, stage, at)
    assert found is not None
    return found


def edit(persona: str, field: str, value: str) -> EditPersona:
    """A persona.edit command, checked by the protocol's types."""
    fields = {"op_id": "e", "persona": persona, "field": field, "value": value}
    return msgspec.convert(fields, EditPersona)


# -- personas -----------------------------------------------------------------------------


def test_persona_add_gets_a_new_id_a_clean_name_and_goes_last() -> None:
    """A new persona has an unused id, its name with spaces tidied, its emoji, an empty sheet."""
    workshop = fresh()
    first = workshop.personas[0].id
    command = AddPersona(op_id="a", name="  Léa   the hunter ", emoji="📷")
    events = play(workshop, enter(workshop), command)
    added = workshop.personas[-1]
    assert events == [PersonaSaved(persona=added)]
    assert added == Persona(id=added.id, name="Léa the hunter", emoji="📷")
    assert [p.id for p in workshop.personas] == [first, added.id]
    assert added.id not in {first, "p1", "p2"} and workshop.counter >= int(added.id[1:])


def test_persona_add_refuses_a_blank_name_and_past_the_limit() -> None:
    """A name of spaces is invalid; the persona after MAX_PERSONAS is refused with limit."""
    workshop = fresh()
    assert refused(workshop, FACILITATOR, AddPersona(op_id="a", name="   ")).code == "invalid"
    while len(workshop.personas) < MAX_PERSONAS:
        persona(workshop)
    assert refused(workshop, FACILITATOR, AddPersona(op_id="a", name="One more")).code == "limit"


@pytest.mark.parametrize("field", ["name", "emoji", *PERSONA_FIELDS])
def test_persona_edit_changes_one_field_of_the_sheet(field: str) -> None:
    """Each field of the sheet is edited alone; the rest of the persona stays as it was."""
    workshop, pat, _ = room()
    before = workshop.personas[0]
    value = "🧭" if field == "emoji" else f"New {field}"
    events = play(workshop, pat, edit(before.id, field, value))
    after = msgspec.structs.replace(before, **{field: value})
    assert events == [PersonaSaved(persona=after)]
    assert workshop.personas[0] == after


def test_persona_edits_of_different_fields_by_different_people_all_stay() -> None:
    """Pat writes the profile, Bob the motivations, the facilitator the promise: all three stay."""
    workshop, pat, bob = room()
    who = workshop.personas[0].id
    for actor, field in ((pat, "profile"), (bob, "motivations"), (FACILITATOR, "promise")):
        play(workshop, actor, edit(who, field, field))
    sheet = workshop.personas[0]
    assert (sheet.profile, sheet.motivations, sheet.promise) == (
        "profile",
        "motivations",
        "promise",
    )


def test_persona_edit_that_changes_nothing_causes_no_event() -> None:
    """Writing the value a field already holds is acknowledged without an event."""
    workshop = fresh()
    current = workshop.personas[0]
    same = EditPersona(op_id="e", persona=current.id, field="name", value=f"  {current.name} ")
    assert decide(workshop, FACILITATOR, same) == []
    empty = EditPersona(op_id="e", persona=current.id, field="insight", value="")
    assert decide(workshop, FACILITATOR, empty) == []


def test_persona_name_is_tidied_and_bounded_and_emoji_short() -> None:
    """A name is tidied, never blank nor longer than NAME_MAX; an avatar has at most 16 chars."""
    workshop = fresh()
    who = workshop.personas[0].id
    play(workshop, FACILITATOR, EditPersona(op_id="e", persona=who, field="name", value=" A   B "))
    assert workshop.personas[0].name == "A B"
    for field, value in (("name", " \n "), ("name", "x" * (NAME_MAX + 1)), ("emoji", "y" * 17)):
        assert refused(workshop, FACILITATOR, edit(who, field, value)).code == "invalid", (
            field,
            value,
        )


def test_persona_edit_of_a_missing_persona_is_not_found() -> None:
    """Editing a persona that does not exist is refused with not_found."""
    workshop, pat, _ = room()
    command = EditPersona(op_id="e", persona="a999", field="profile", value="x")
    assert refused(workshop, pat, command).code == "not_found"


def test_persona_move_reorders_and_clamps() -> None:
    """Moving a persona puts it at the index given (clamped); its own place changes nothing."""
    workshop = fresh()
    first = workshop.personas[0].id
    second, third = persona(workshop, "B"), persona(workshop, "C")
    events = play(workshop, FACILITATOR, MovePersona(op_id="m", persona=third, index=0))
    assert events == [PersonasOrdered(order=[third, first, second])]
    play(workshop, FACILITATOR, MovePersona(op_id="m", persona=third, index=99))
    assert [p.id for p in workshop.personas] == [first, second, third]
    assert decide(workshop, FACILITATOR, MovePersona(op_id="m", persona=third, index=2)) == []
    missing = MovePersona(op_id="m", persona="a999", index=0)
    assert refused(workshop, FACILITATOR, missing).code == "not_found"


def test_persona_remove_without_notes() -> None:
    """An empty persona is removed with its ratings; the others keep theirs."""
    workshop, pat, _ = room()
    other = persona(workshop)
    play(workshop, pat, rate(workshop, 0, 1, at=0))
    play(workshop, pat, rate(workshop, 0, -1, at=1))
    events = play(workshop, FACILITATOR, RemovePersona(op_id="r", persona=other))
    assert events == [PersonaDeleted(persona=other)]
    assert other not in {p.id for p in workshop.personas}
    assert [e.persona for e in workshop.emotions.values()] == [workshop.personas[0].id]


def test_persona_remove_with_notes_needs_with_notes_and_deletes_only_them() -> None:
    """A persona holding notes is removed only with with_notes, which deletes its notes too."""
    workshop, pat, _ = room()
    other = persona(workshop)
    kept = note(workshop, pat, "kept")
    gone = [note(workshop, pat, f"gone {i}", persona=other) for i in range(2)]
    assert refused(workshop, FACILITATOR, RemovePersona(op_id="r", persona=other)).code == (
        "conflict"
    )
    events = play(workshop, FACILITATOR, RemovePersona(op_id="r", persona=other, with_notes=True))
    assert events == [*(NoteDeleted(note=n.id) for n in gone), PersonaDeleted(persona=other)]
    assert list(workshop.notes) == [kept.id]


def test_the_last_persona_cannot_be_removed() -> None:
    """A workshop keeps at least one persona, with or without with_notes."""
    workshop = fresh()
    only = workshop.personas[0].id
    for with_notes in (False, True):
        command = RemovePersona(op_id="r", persona=only, with_notes=with_notes)
        assert refused(workshop, FACILITATOR, command).code == "conflict"


def test_persona_remove_of_a_missing_persona_is_not_found() -> None:
    """Removing a persona that does not exist is refused with not_found."""
    workshop = fresh()
    persona(workshop)
    missing = RemovePersona(op_id="r", persona="a999")
    assert refused(workshop, FACILITATOR, missing).code == "not_found"


# -- emotions ---------------------------------------------------------------------------


def test_rating_is_set_changed_and_taken_back() -> None:
    """A participant rates a stage, changes the rating, and takes it back (the record goes)."""
    workshop, pat, _ = room()
    events = play(workshop, pat, rate(workshop, 1, 2))
    assert events == [
        EmotionSaved(
            emotion=Emotion(
                persona=workshop.personas[0].id, stage=workshop.stages[1].id, ratings={pat.id: 2}
            )
        )
    ]
    play(workshop, pat, rate(workshop, 1, -2))
    assert held(workshop, 1).ratings == {pat.id: -2}
    assert decide(workshop, pat, rate(workshop, 1, -2)) == []
    play(workshop, pat, rate(workshop, 1, None))
    assert emotion(workshop, 1) is None and workshop.emotions == {}
    assert decide(workshop, pat, rate(workshop, 1, None)) == []


def test_each_participant_has_one_rating_per_cell() -> None:
    """Ratings of several people sit side by side; each one replaces only its own."""
    workshop, pat, bob = room()
    play(workshop, pat, rate(workshop, 0, 1))
    play(workshop, bob, rate(workshop, 0, -1))
    play(workshop, pat, rate(workshop, 0, 2))
    found = emotion(workshop, 0)
    assert found is not None and found.ratings == {pat.id: 2, bob.id: -1}
    play(workshop, bob, rate(workshop, 0, None))
    assert held(workshop, 0).ratings == {pat.id: 2}


@pytest.mark.parametrize("missing", ["persona", "stage"])
def test_rating_a_missing_persona_or_stage_is_not_found(missing: str) -> None:
    """A rating for a persona or a stage that does not exist is refused with not_found."""
    workshop, pat, _ = room()
    command = rate(workshop, 0, 1)
    command = msgspec.structs.replace(command, **{missing: f"{missing[0]}999"})
    assert refused(workshop, pat, command).code == "not_found"
    fixing = msgspec.structs.replace(fix(workshop, 0, 1), **{missing: f"{missing[0]}999"})
    assert refused(workshop, FACILITATOR, fixing).code == "not_found"


@pytest.mark.parametrize("value", [-3, 3, 1.5, "2"])
@pytest.mark.parametrize("kind", ["emotion.rate", "emotion.fix"])
def test_ratings_outside_minus_two_to_two_never_decode(kind: str, value: object) -> None:
    """A rating outside -2..+2 (or not an integer) is refused by the protocol's types."""
    frame = {"type": kind, "op_id": "x", "persona": "a1", "stage": "s1", "value": value}
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps(frame))


def test_facilitator_fixes_the_value_and_returns_it_to_the_room() -> None:
    """The facilitator's fixed value keeps the room's ratings; None gives the curve back."""
    workshop, pat, _ = room()
    play(workshop, pat, rate(workshop, 2, 1))
    play(workshop, FACILITATOR, fix(workshop, 2, -2))
    assert emotion(workshop, 2) == Emotion(
        persona=workshop.personas[0].id,
        stage=workshop.stages[2].id,
        ratings={pat.id: 1},
        fixed=-2,
    )
    assert decide(workshop, FACILITATOR, fix(workshop, 2, -2)) == []
    play(workshop, FACILITATOR, fix(workshop, 2, None))
    assert held(workshop, 2).fixed is None
    play(workshop, FACILITATOR, fix(workshop, 3, 0))
    assert held(workshop, 3).fixed == 0
    play(workshop, FACILITATOR, fix(workshop, 3, None))
    assert emotion(workshop, 3) is None, "nothing left: the record goes"


def test_participants_may_not_fix_the_curve() -> None:
    """emotion.fix is the facilitator's: a participant is refused with forbidden."""
    workshop, pat, _ = room()
    assert refused(workshop, pat, fix(workshop, 0, 2)).code == "forbidden"


def test_curve_is_the_median_with_min_max_and_the_fixed_value_wins() -> None:
    """The curve: median of the room (an even count averages the middle two), lowest and
    highest ratings, the count, and the facilitator's fixed value in place of the median."""
    workshop, pat, bob = room()
    ann, eve = enter(workshop, "Ann"), enter(workshop, "Eve")
    for actor, value in ((pat, -2), (bob, 1), (ann, 2), (eve, 2)):
        play(workshop, actor, rate(workshop, 0, value))
    for actor, value in ((pat, -1), (bob, 2)):
        play(workshop, actor, rate(workshop, 1, value))
    for actor, value in ((pat, -2), (bob, 0), (FACILITATOR, 1)):
        play(workshop, actor, rate(workshop, 2, value))
    play(workshop, FACILITATOR, fix(workshop, 3, -1))
    play(workshop, ann, rate(workshop, 4, 2))
    play(workshop, FACILITATOR, fix(workshop, 4, -2))
    points = summary.curve(workshop, workshop.personas[0].id)
    assert [p.stage for p in points] == [s.id for s in workshop.stages]
    got = [(p.value, p.low, p.high, p.count, p.fixed) for p in points]
    assert got == [
        (1.5, -2, 2, 4, False),
        (0.5, -1, 2, 2, False),
        (0.0, -2, 1, 3, False),
        (-1.0, None, None, 0, True),
        (-2.0, 2, 2, 1, True),
    ]


def test_curve_of_a_stage_nobody_rated_is_empty() -> None:
    """A stage nobody rated has no value; another persona's ratings do not count."""
    workshop, pat, _ = room()
    other = persona(workshop)
    play(workshop, pat, rate(workshop, 0, 2, at=1))
    assert all(
        p.value is None and p.count == 0 for p in summary.curve(workshop, workshop.personas[0].id)
    )
    assert summary.curve(workshop, other)[0].value == 2.0


def test_removing_a_stage_drops_its_ratings_only() -> None:
    """When a stage goes, its ratings and fixed values go too; other stages keep theirs."""
    workshop, pat, _ = room()
    play(workshop, pat, rate(workshop, 0, 1))
    play(workshop, pat, rate(workshop, 1, -1))
    play(workshop, FACILITATOR, fix(workshop, 1, 2))
    gone = workshop.stages[1].id
    play(workshop, FACILITATOR, RemoveStage(op_id="s", stage=gone))
    assert [e.stage for e in workshop.emotions.values()] == [workshop.stages[0].id]


# -- lanes ------------------------------------------------------------------------------


def lane_kinds(workshop: Workshop) -> list[str]:
    return [lane.kind for lane in workshop.lanes]


def test_lane_add_makes_a_custom_lane_at_the_end_or_the_index() -> None:
    """An added lane is custom, titled, with a new id; placed last or at the index (clamped)."""
    workshop = fresh()
    method = [lane.id for lane in workshop.lanes]
    events = play(workshop, FACILITATOR, AddLane(op_id="l", title="Touchpoints"))
    assert isinstance(events[0], LanesSet)
    added = workshop.lanes[-1]
    assert (added.kind, added.title) == ("custom", "Touchpoints")
    assert added.id not in method and workshop.counter >= int(added.id[1:])
    play(workshop, FACILITATOR, AddLane(op_id="l", title="Staff", index=1))
    play(workshop, FACILITATOR, AddLane(op_id="l", title="Far", index=99))
    assert [lane.title for lane in workshop.lanes] == [
        "",
        "Staff",
        "",
        "",
        "",
        "Touchpoints",
        "Far",
    ]


def test_lane_add_past_the_limit_is_refused() -> None:
    """The lane after MAX_LANES is refused with limit."""
    workshop = fresh()
    while len(workshop.lanes) < MAX_LANES:
        play(workshop, FACILITATOR, AddLane(op_id="l", title="More"))
    assert refused(workshop, FACILITATOR, AddLane(op_id="l", title="Too many")).code == "limit"


def test_custom_lane_is_renamed() -> None:
    """A custom lane takes its new title; the same title changes nothing."""
    workshop = fresh()
    play(workshop, FACILITATOR, AddLane(op_id="l", title="Old"))
    lane = workshop.lanes[-1].id
    play(workshop, FACILITATOR, RenameLane(op_id="l", lane=lane, title="New"))
    assert workshop.lanes[-1].title == "New"
    assert decide(workshop, FACILITATOR, RenameLane(op_id="l", lane=lane, title="New")) == []


@pytest.mark.parametrize("kind", METHOD_LANES)
def test_method_lanes_are_never_renamed_nor_removed(kind: str) -> None:
    """The method's four lanes keep their names and stay: rename and remove are conflicts."""
    workshop = fresh()
    lane = lane_of(workshop, kind)
    assert refused(workshop, FACILITATOR, RenameLane(op_id="l", lane=lane, title="X")).code == (
        "conflict"
    )
    for with_notes in (False, True):
        command = RemoveLane(op_id="l", lane=lane, with_notes=with_notes)
        assert refused(workshop, FACILITATOR, command).code == "conflict"


def test_lane_move_reorders_any_lane() -> None:
    """Any lane moves to the index given (clamped); its own place changes nothing."""
    workshop = fresh()
    solutions = lane_of(workshop, "solutions")
    play(workshop, FACILITATOR, MoveLane(op_id="l", lane=solutions, index=0))
    assert lane_kinds(workshop) == ["solutions", "enchantments", "irritants", "expectations"]
    assert decide(workshop, FACILITATOR, MoveLane(op_id="l", lane=solutions, index=0)) == []
    play(workshop, FACILITATOR, MoveLane(op_id="l", lane=solutions, index=50))
    assert lane_kinds(workshop) == ["enchantments", "irritants", "expectations", "solutions"]


def test_custom_lane_is_removed_and_with_notes_only_when_confirmed() -> None:
    """An empty custom lane goes; one holding notes needs with_notes, which deletes them."""
    workshop, pat, _ = room()
    play(workshop, FACILITATOR, AddLane(op_id="l", title="Empty"))
    play(workshop, FACILITATOR, AddLane(op_id="l", title="Full"))
    empty, full = workshop.lanes[-2].id, workshop.lanes[-1].id
    assert play(workshop, FACILITATOR, RemoveLane(op_id="l", lane=empty)) == [
        LanesSet(lanes=workshop.lanes)
    ]
    inside = note(workshop, pat, "in the custom lane", lane="custom")
    kept = note(workshop, pat, "in a method lane")
    assert refused(workshop, FACILITATOR, RemoveLane(op_id="l", lane=full)).code == "conflict"
    events = play(workshop, FACILITATOR, RemoveLane(op_id="l", lane=full, with_notes=True))
    assert events[0] == NoteDeleted(note=inside.id)
    assert list(workshop.notes) == [kept.id]
    assert lane_kinds(workshop) == list(METHOD_LANES)


@pytest.mark.parametrize("kind", ["rename", "move", "remove"])
def test_lane_commands_on_a_missing_lane_are_not_found(kind: str) -> None:
    """Renaming, moving or removing a lane that does not exist is refused with not_found."""
    workshop = fresh()
    command: Command = {
        "rename": RenameLane(op_id="l", lane="l999", title="X"),
        "move": MoveLane(op_id="l", lane="l999", index=0),
        "remove": RemoveLane(op_id="l", lane="l999"),
    }[kind]
    assert refused(workshop, FACILITATOR, command).code == "not_found"


# -- solution tags ----------------------------------------------------------------------


def test_note_tag_sets_sorted_unique_tags_and_bumps_the_version() -> None:
    """Tags are stored sorted and once each; the note's version grows; the same set is a no-op."""
    workshop, pat, bob = room()
    solution = note(workshop, pat, "a chatbot", lane="solutions")
    events = play(
        workshop,
        bob,
        TagNote(op_id="t", note=solution.id, tags=["internal", "customer", "internal"]),
    )
    assert events == [
        NoteSaved(note=msgspec.structs.replace(solution, tags=("customer", "internal"), version=2))
    ]
    same = TagNote(op_id="t", note=solution.id, tags=["customer", "internal"])
    assert decide(workshop, pat, same) == []
    play(workshop, pat, TagNote(op_id="t", note=solution.id, tags=[]))
    assert workshop.notes[solution.id].tags == () and workshop.notes[solution.id].version == 3


def test_note_add_keeps_the_tags_ticked_in_the_new_note_dialog() -> None:
    """A note added with tags has them at once (sorted, once each); without, it has none, as
    older clients send it."""
    workshop, pat, _ = room()
    cell = {
        "persona": workshop.personas[0].id,
        "stage": workshop.stages[0].id,
        "lane": lane_of(workshop, "solutions"),
    }
    events = play(
        workshop, pat, AddNote(op_id="a", text="a wallet", tags=["internal", "customer"], **cell)
    )
    assert isinstance(events[0], NoteSaved) and events[0].note.tags == ("customer", "internal")
    frame = {"type": "note.add", "op_id": "b", "text": "plain", **cell}
    plain = play(workshop, pat, client_decoder.decode(json.dumps(frame)))
    assert isinstance(plain[0], NoteSaved) and plain[0].note.tags == ()


def test_note_tag_of_a_missing_note_is_not_found_and_unknown_tags_never_decode() -> None:
    """Tagging a missing note is not_found; a tag outside the three never gets past the types."""
    workshop, pat, _ = room()
    assert refused(workshop, pat, TagNote(op_id="t", note="n999", tags=["external"])).code == (
        "not_found"
    )
    frame = {"type": "note.tag", "op_id": "t", "note": "n1", "tags": ["vip"]}
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps(frame))


# -- facilitator only -------------------------------------------------------------------


def facilitator_method_commands(workshop: Workshop) -> list[Command]:
    """One of each facilitator-only persona, emotion and lane command, valid for the workshop."""
    custom = next(lane.id for lane in workshop.lanes if lane.kind == "custom")
    return [
        MovePersona(op_id="f", persona=workshop.personas[1].id, index=0),
        RemovePersona(op_id="f", persona=workshop.personas[1].id),
        fix(workshop, 0, 1),
        AddLane(op_id="f", title="Another"),
        RenameLane(op_id="f", lane=custom, title="Renamed"),
        MoveLane(op_id="f", lane=custom, index=0),
        RemoveLane(op_id="f", lane=custom),
    ]


def test_those_commands_are_the_facilitators() -> None:
    """persona.move/remove, emotion.fix and every lane command are facilitator-only."""
    workshop = fresh()
    persona(workshop)
    play(workshop, FACILITATOR, AddLane(op_id="l", title="Custom"))
    assert {type(c) for c in facilitator_method_commands(workshop)} <= FACILITATOR_COMMANDS
    assert not {AddPersona, EditPersona, RateStage, TagNote} & FACILITATOR_COMMANDS


@pytest.mark.parametrize("index", range(7))
def test_participant_is_forbidden_every_facilitator_method_command(index: int) -> None:
    """A participant sending a facilitator-only persona, emotion or lane command gets forbidden."""
    workshop, pat, _ = room()
    persona(workshop)
    play(workshop, FACILITATOR, AddLane(op_id="l", title="Custom"))
    command = facilitator_method_commands(workshop)[index]
    assert decide(workshop, FACILITATOR, command, NOW), "the facilitator may do it"
    assert refused(workshop, pat, command).code == "forbidden"
