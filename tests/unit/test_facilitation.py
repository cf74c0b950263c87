"""The facilitator's controls: phase, countdown, lock, private writing with reveal, follow-me."""

from __future__ import annotations

import json

import msgspec
import pytest

from sessions import views
from sessions.model import PHASES, Note, Workshop, clone
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    AddNote,
    AddPersona,
    AddRoadmapItem,
    AddScenario,
    CastDot,
    Command,
    DeleteNote,
    EditNote,
    EditPersona,
    EditRoadmapItem,
    EditScenario,
    Entry,
    Event,
    FacilitationSet,
    MoveNote,
    NoteSaved,
    NotesRevealed,
    PersonaDeleted,
    PlaceRoadmapItem,
    RateStage,
    RemovePersona,
    RenameSelf,
    RevealNotes,
    ScoreRoadmapItem,
    SetFollow,
    SetLock,
    SetPhase,
    SetPrivate,
    SetTimer,
    TagNote,
    TakeDot,
    client_decoder,
)
from sessions.rules import Actor, apply_all, decide
from tests.unit.ballots import NOW, play, refused, start
from tests.unit.method import note, persona, room
from tests.unit.workshops import FACILITATOR, cell


def add(workshop: Workshop, text: str, index: int | None = None) -> AddNote:
    """A note.add command for the first cell of ``workshop``."""
    where = cell(workshop)
    return AddNote(
        op_id="n",
        persona=where["persona"],
        stage=where["stage"],
        lane=where["lane"],
        text=text,
        index=index,
    )


# -- phase and countdown ------------------------------------------------------------------


def controls(workshop: Workshop, **changes: object) -> FacilitationSet:
    """The facilitation event that carries the workshop's controls with ``changes``."""
    current: dict[str, object] = {
        "phase": workshop.phase,
        "timer_ends_at": workshop.timer_ends_at,
        "locked": workshop.locked,
        "private": workshop.private,
        "follow": workshop.follow,
    }
    return FacilitationSet(**{**current, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize("phase", PHASES)
def test_phase_is_set_and_travels_with_the_other_controls(phase: str) -> None:
    """phase.set moves the agenda; the event carries every control, unchanged but the phase."""
    workshop, _, _ = room()
    workshop.locked, workshop.follow = True, workshop.personas[0].id
    command = msgspec.convert({"op_id": "p", "phase": phase}, SetPhase)
    if phase == workshop.phase:
        assert decide(workshop, FACILITATOR, command) == []
        return
    expected = controls(workshop, phase=phase)
    assert play(workshop, FACILITATOR, command) == [expected]
    assert (workshop.phase, workshop.locked, workshop.follow) == (
        phase,
        True,
        workshop.personas[0].id,
    )


def test_unknown_phase_never_decodes() -> None:
    """A phase outside the method's six is refused by the protocol's types."""
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps({"type": "phase.set", "op_id": "p", "phase": "lunch"}))


def test_timer_ends_now_plus_its_seconds_and_none_stops_it() -> None:
    """timer.set gives ends_at = now + seconds from the server's clock; None stops it."""
    workshop, _, _ = room()
    assert play(workshop, FACILITATOR, SetTimer(op_id="t", seconds=300), NOW) == [
        controls(workshop, timer_ends_at=NOW + 300)
    ]
    assert workshop.timer_ends_at == NOW + 300
    play(workshop, FACILITATOR, SetTimer(op_id="t", seconds=60), NOW + 10)
    assert workshop.timer_ends_at == NOW + 70, "a new countdown starts from the new now"
    play(workshop, FACILITATOR, SetTimer(op_id="t", seconds=None), NOW + 20)
    assert workshop.timer_ends_at is None
    assert decide(workshop, FACILITATOR, SetTimer(op_id="t", seconds=None), NOW + 30) == []


@pytest.mark.parametrize("seconds", [0, -5, 7201])
def test_timer_outside_one_second_to_two_hours_never_decodes(seconds: int) -> None:
    """A countdown shorter than a second or longer than two hours is refused by the types."""
    with pytest.raises(msgspec.ValidationError):
        client_decoder.decode(json.dumps({"type": "timer.set", "op_id": "t", "seconds": seconds}))


# -- lock -------------------------------------------------------------------------------


def content_commands(workshop: Workshop, mine: Note) -> list[Command]:
    """One of each content command a participant may send on an open board."""
    where = cell(workshop)
    who, stage = workshop.personas[0].id, workshop.stages[0].id
    item = next(iter(workshop.roadmap))
    scenario = next(iter(workshop.scenarios))
    return [
        add(workshop, "more"),
        EditNote(op_id="c", note=mine.id, text="changed"),
        MoveNote(op_id="c", note=mine.id, stage=workshop.stages[1].id, lane=where["lane"], index=0),
        DeleteNote(op_id="c", note=mine.id),
        TagNote(op_id="c", note=mine.id, tags=["customer"]),
        AddPersona(op_id="c", name="Max"),
        EditPersona(op_id="c", persona=who, field="profile", value="x"),
        RateStage(op_id="c", persona=who, stage=stage, value=1),
        AddRoadmapItem(op_id="c", title="Item"),
        EditRoadmapItem(op_id="c", item=item, owner="IT"),
        ScoreRoadmapItem(op_id="c", item=item, criterion="impact", value=4),
        PlaceRoadmapItem(op_id="c", item=item, quarter=2),
        AddScenario(op_id="c", title="Welcome"),
        EditScenario(op_id="c", scenario=scenario, field="trigger", value="Signs up"),
    ]


def locked_room() -> tuple[Workshop, Actor, Note]:
    """A workshop with Pat's note, a roadmap item and a scenario, then locked."""
    workshop, pat, _ = room()
    mine = note(workshop, pat, "mine")
    play(workshop, pat, AddRoadmapItem(op_id="r", title="Item"))
    play(workshop, pat, AddScenario(op_id="s", title="Card"))
    play(workshop, FACILITATOR, SetLock(op_id="l", locked=True))
    return workshop, pat, mine


@pytest.mark.parametrize("index", range(14))
def test_lock_refuses_every_content_command_of_participants(index: int) -> None:
    """On a locked board a participant's content command is refused with locked; the
    facilitator's same command works; unlocking lets the participant again."""
    workshop, pat, mine = locked_room()
    command = content_commands(workshop, mine)[index]
    assert refused(workshop, pat, command).code == "locked"
    assert decide(workshop, FACILITATOR, command, NOW), "the facilitator still works"
    play(workshop, FACILITATOR, SetLock(op_id="l", locked=False))
    assert decide(workshop, pat, command, NOW)


def test_lock_lets_participants_vote_and_rename_themselves() -> None:
    """Dots and one's own rename pass a locked board; the lock itself is only the facilitator's."""
    workshop, pat, mine = locked_room()
    vote = start(workshop, items=[mine.id])
    play(workshop, pat, CastDot(op_id="d", round=vote, item=mine.id))
    play(workshop, pat, TakeDot(op_id="d", round=vote, item=mine.id))
    play(workshop, pat, RenameSelf(op_id="n", name="Patricia"))
    assert workshop.participants[pat.id].name == "Patricia"
    assert refused(workshop, pat, SetLock(op_id="l", locked=False)).code == "forbidden"
    assert decide(workshop, FACILITATOR, SetLock(op_id="l", locked=True)) == []


def test_facilitator_commands_stay_forbidden_not_locked_for_participants() -> None:
    """On a locked board a participant's facilitator command is refused as forbidden."""
    workshop, pat, _ = locked_room()
    assert refused(workshop, pat, SetPhase(op_id="p", phase="vote")).code == "forbidden"


# -- private writing --------------------------------------------------------------------


def private_room() -> tuple[Workshop, Actor, Actor]:
    workshop, pat, bob = room()
    play(workshop, FACILITATOR, SetPrivate(op_id="p", private=True))
    return workshop, pat, bob


def test_private_writing_hides_participants_notes_only() -> None:
    """In private mode a participant's new note is hidden; the facilitator's is not; notes
    written before stay visible, and editing a hidden note keeps it hidden."""
    workshop, pat, bob = room()
    before = note(workshop, bob, "before")
    assert play(workshop, FACILITATOR, SetPrivate(op_id="p", private=True)) == [
        controls(workshop, private=True)
    ]
    secret = note(workshop, pat, "secret")
    public = note(workshop, FACILITATOR, "from the front")
    assert (secret.hidden, public.hidden, workshop.notes[before.id].hidden) == (True, False, False)
    play(workshop, pat, EditNote(op_id="e", note=secret.id, text="secret, edited"))
    assert workshop.notes[secret.id].hidden
    assert decide(workshop, FACILITATOR, SetPrivate(op_id="p", private=True)) == []


def test_private_off_reveals_every_hidden_note_in_one_event() -> None:
    """private.set false turns private writing off and shows every hidden note, versions up."""
    workshop, pat, bob = private_room()
    hidden = [note(workshop, pat, "one"), note(workshop, bob, "two")]
    events = play(workshop, FACILITATOR, SetPrivate(op_id="p", private=False))
    shown = [msgspec.structs.replace(n, hidden=False, version=n.version + 1) for n in hidden]
    assert events == [controls(workshop, private=False), NotesRevealed(notes=shown)]
    assert not any(n.hidden for n in workshop.notes.values())
    assert not note(workshop, pat, "after").hidden


def test_notes_reveal_shows_hidden_notes_and_private_writing_goes_on() -> None:
    """notes.reveal shows what is hidden now; the next participant note is hidden again."""
    workshop, pat, _ = private_room()
    first = note(workshop, pat, "first")
    events = play(workshop, FACILITATOR, RevealNotes(op_id="r"))
    assert events == [
        NotesRevealed(notes=[msgspec.structs.replace(first, hidden=False, version=2)])
    ]
    assert workshop.private and not workshop.notes[first.id].hidden
    assert note(workshop, pat, "second").hidden
    play(workshop, FACILITATOR, RevealNotes(op_id="r"))
    assert decide(workshop, FACILITATOR, RevealNotes(op_id="r")) == [], "nothing left to reveal"


def entry_of(actor: Actor, events: list[Event], seq: int = 7) -> Entry:
    return Entry(seq=seq, op_id="op", actor=actor.id, events=events)


def test_redact_drops_a_hidden_note_for_everyone_but_its_author_and_facilitators() -> None:
    """A hidden note's event reaches its author and the facilitators; the others get the entry
    with its seq and without the event."""
    workshop, pat, bob = private_room()
    events = decide(workshop, pat, add(workshop, "secret"))
    apply_all(workshop, events)
    sent = entry_of(pat, events)
    assert views.insiders(sent, workshop) == {pat.id, FACILITATOR.id}
    for viewer in (pat.id, FACILITATOR.id):
        assert views.redact(sent, workshop, viewer) == sent
    for viewer in (bob.id, views.PUBLIC):
        seen = views.redact(sent, workshop, viewer)
        assert (seen.seq, seen.events) == (7, [])
        assert b"secret" not in msgspec.json.encode(seen)
    assert sent.events == events, "redact never changes its entry"


def test_redacted_snapshot_hides_hidden_notes_from_other_participants() -> None:
    """A snapshot shows a hidden note to its author and the facilitator only, until revealed."""
    workshop, pat, bob = private_room()
    secret = note(workshop, pat, "secret")
    public = note(workshop, FACILITATOR, "public")
    before = clone(workshop)
    assert set(views.redact_workshop(workshop, bob.id).notes) == {public.id}
    assert b"secret" not in msgspec.json.encode(views.redact_workshop(workshop, bob.id))
    assert set(views.redact_workshop(workshop, pat.id).notes) == {secret.id, public.id}
    assert views.redact_workshop(workshop, FACILITATOR.id, facilitator=True) == workshop
    assert workshop == before, "redaction never changes the workshop"
    play(workshop, FACILITATOR, RevealNotes(op_id="r"))
    assert views.redact_workshop(workshop, bob.id) is workshop


class Replica:
    """One person's board, fed only the redacted entries their socket would carry."""

    def __init__(self, workshop: Workshop, who: str, facilitator: bool = False) -> None:
        self.who, self.facilitator = who, facilitator
        self.board = clone(views.redact_workshop(workshop, who, facilitator))

    def receive(self, sent: Entry, workshop: Workshop) -> None:
        seen = views.redact(sent, workshop, self.who)
        apply_all(self.board, msgspec.json.decode(msgspec.json.encode(seen), type=Entry).events)

    def matches(self, workshop: Workshop) -> bool:
        """Whether the live board equals a reload, but for ``counter``.

        A live board never sees the ids of notes hidden from it, so its counter can lag the
        snapshot's; nothing but the server makes ids, so only the counter may differ.
        """
        reloaded = views.redact_workshop(workshop, self.who, self.facilitator)
        return msgspec.structs.replace(self.board, counter=reloaded.counter) == reloaded


def test_a_live_replica_in_private_mode_equals_a_fresh_snapshot() -> None:
    """Hidden notes written, edited, tagged, moved and revealed: each person's live board
    equals the snapshot a reload would give them, and never holds a note hidden from them."""
    workshop, pat, bob = private_room()
    replicas = [Replica(workshop, p.id) for p in (pat, bob)]
    replicas.append(Replica(workshop, FACILITATOR.id, facilitator=True))
    where = cell(workshop)

    def step(actor: Actor, command: Command) -> list[Event]:
        events = play(workshop, actor, command)
        for replica in replicas:
            replica.receive(entry_of(actor, events), workshop)
            hidden = {n.id for n in workshop.notes.values() if n.hidden and n.author != replica.who}
            assert replica.facilitator or not hidden & set(replica.board.notes)
            assert replica.matches(workshop), (replica.who, command)
        return events

    added = step(pat, add(workshop, "pat's secret"))
    assert isinstance(added[0], NoteSaved)
    secret = added[0].note.id
    step(bob, add(workshop, "bob's secret"))
    step(pat, EditNote(op_id="c", note=secret, text="pat's secret, edited"))
    step(pat, TagNote(op_id="d", note=secret, tags=["internal"]))
    step(FACILITATOR, add(workshop, "public", index=0))
    step(
        pat,
        MoveNote(op_id="f", note=secret, stage=workshop.stages[1].id, lane=where["lane"], index=0),
    )
    step(FACILITATOR, RevealNotes(op_id="g"))
    step(bob, add(workshop, "late secret"))
    step(FACILITATOR, SetPrivate(op_id="i", private=False))


# -- follow-me --------------------------------------------------------------------------


def test_follow_names_an_existing_persona_or_none() -> None:
    """follow.set takes a persona of the workshop or None; an unknown persona is not_found."""
    workshop, _, _ = room()
    other = persona(workshop)
    assert play(workshop, FACILITATOR, SetFollow(op_id="f", persona=other)) == [
        controls(workshop, follow=other)
    ]
    assert workshop.follow == other
    assert refused(workshop, FACILITATOR, SetFollow(op_id="f", persona="a999")).code == (
        "not_found"
    )
    play(workshop, FACILITATOR, SetFollow(op_id="f", persona=None))
    assert workshop.follow is None
    assert decide(workshop, FACILITATOR, SetFollow(op_id="f", persona=None)) == []


def test_removing_the_followed_persona_clears_follow() -> None:
    """When the followed persona is removed everyone roams again; another removal keeps it."""
    workshop, _, _ = room()
    followed, other = persona(workshop, "Followed"), persona(workshop, "Other")
    play(workshop, FACILITATOR, SetFollow(op_id="f", persona=followed))
    play(workshop, FACILITATOR, RemovePersona(op_id="r", persona=other))
    assert workshop.follow == followed
    events = play(workshop, FACILITATOR, RemovePersona(op_id="r", persona=followed))
    assert events == [PersonaDeleted(persona=followed)]
    assert workshop.follow is None
    replica = msgspec.json.decode(msgspec.json.encode(workshop), type=Workshop)
    assert replica.follow is None


# -- facilitator only -------------------------------------------------------------------


def facilitation_commands(workshop: Workshop) -> list[Command]:
    """One of each facilitation command, each changing something in a private workshop where
    a note is hidden."""
    return [
        SetPhase(op_id="f", phase="vote"),
        SetTimer(op_id="f", seconds=120),
        SetLock(op_id="f", locked=True),
        SetPrivate(op_id="f", private=False),
        RevealNotes(op_id="f"),
        SetFollow(op_id="f", persona=workshop.personas[0].id),
    ]


def test_facilitation_commands_are_the_facilitators() -> None:
    """Every facilitation command is listed as facilitator-only."""
    workshop, _, _ = room()
    assert {type(c) for c in facilitation_commands(workshop)} <= FACILITATOR_COMMANDS


@pytest.mark.parametrize("index", range(6))
def test_participant_is_forbidden_every_facilitation_command(index: int) -> None:
    """A participant sending phase, timer, lock, private, reveal or follow gets forbidden."""
    workshop, pat, _ = private_room()
    assert note(workshop, pat, "to reveal").hidden
    command = facilitation_commands(workshop)[index]
    assert decide(workshop, FACILITATOR, command, NOW), "the facilitator may do it"
    assert refused(workshop, pat, command).code == "forbidden"
