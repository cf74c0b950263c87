"""What each person may see of a vote: redacted entries and snapshots."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sessions import errors, views
from sessions.model import VoteRound, Workshop, clone
from sessions.protocol import AddNote, Command, DotsSet, Entry, Event, RoundChanged
from sessions.rules import Actor, apply_all, decide
from tests.unit.ballots import (
    NOW,
    cast,
    items,
    people,
    play,
    proxy,
    set_round,
    start,
    take,
    vote_of,
    with_objectives,
)
from tests.unit.workshops import FACILITATOR, cell

_KINDS = {
    "hidden": {"hidden": True, "anonymous": False},
    "anonymous": {"hidden": True, "anonymous": True},
    "open-anonymous": {"hidden": False, "anonymous": True},
    "visible": {"hidden": False, "anonymous": False},
}


def entry(actor: Actor, events: list[Event], seq: int = 1) -> Entry:
    return Entry(seq=seq, op_id="op", actor=actor.id, events=events)


def dots_events(found: Entry) -> list[DotsSet]:
    return [event for event in found.events if isinstance(event, DotsSet)]


class Room:
    """A workshop with Pat and Bob (phones), Zoe (a proxy) and a round of the kind asked."""

    def __init__(self, kind: str, **options: object) -> None:
        self.workshop = with_objectives(3)
        self.pat, self.bob = people(self.workshop, 2)
        self.zoe = proxy(self.workshop)
        self.vote = start(self.workshop, budget=3, per_item=2, **_KINDS[kind], **options)  # type: ignore[arg-type]
        self.a, self.b, self.c = items(self.workshop, self.vote)

    def entry(self, actor: Actor, command: Command) -> Entry:
        """Decide and apply ``command``; the entry the room would fan out."""
        return entry(actor, play(self.workshop, actor, command))

    def round(self) -> VoteRound:
        return vote_of(self.workshop, self.vote)

    def snapshot(self, viewer: str, facilitator: bool = False) -> VoteRound:
        seen = views.redact_workshop(self.workshop, viewer, facilitator)
        return vote_of(seen, self.vote)


# -- entries ----------------------------------------------------------------------------


def test_hidden_dots_reach_only_their_voter_before_the_reveal():
    """In a hidden round others get the voter and spent count, never the items dotted."""
    room = Room("hidden")
    cast_by_pat = room.entry(room.pat, cast(room.vote, room.a))
    assert views.insiders(cast_by_pat, room.workshop) == {room.pat.id}
    assert views.redact(cast_by_pat, room.workshop, room.pat.id) is cast_by_pat
    for viewer in (views.PUBLIC, room.bob.id, FACILITATOR.id):
        seen = dots_events(views.redact(cast_by_pat, room.workshop, viewer))
        assert seen == [DotsSet(round=room.vote, voter=room.pat.id, dots={}, spent=1, voters=1)]


def test_redact_never_changes_the_entry_it_is_given():
    """Redacting builds a new entry and leaves the stored one whole."""
    room = Room("anonymous")
    stored = room.entry(room.pat, cast(room.vote, room.a))
    before = msgspec.json.encode(stored)
    views.redact(stored, room.workshop, views.PUBLIC)
    assert msgspec.json.encode(stored) == before


def test_proxy_dots_are_seen_by_the_facilitator_who_cast_them():
    """A dot cast by proxy is shown whole to the facilitator who cast it, hidden from others."""
    room = Room("hidden")
    by_proxy = room.entry(FACILITATOR, cast(room.vote, room.b, proxy=room.zoe))
    assert views.insiders(by_proxy, room.workshop) == {room.zoe, FACILITATOR.id}
    assert views.redact(by_proxy, room.workshop, FACILITATOR.id) is by_proxy
    assert dots_events(views.redact(by_proxy, room.workshop, room.pat.id))[0].dots == {}


def test_hidden_dots_stay_with_their_voter_after_the_reveal():
    """The reveal of a hidden round publishes its result; its ballots stay with their voters."""
    room = Room("hidden")
    cast_by_pat = room.entry(room.pat, cast(room.vote, room.a))
    reveal = room.entry(FACILITATOR, set_round(room.vote, "reveal"))
    assert views.insiders(reveal, room.workshop) is None
    assert views.insiders(cast_by_pat, room.workshop) == {room.pat.id}
    assert dots_events(views.redact(cast_by_pat, room.workshop, views.PUBLIC))[0].dots == {}


@pytest.mark.parametrize("kind", ["anonymous", "open-anonymous"])
def test_anonymous_rounds_mask_the_voter_even_after_the_reveal(kind: str):
    """In an anonymous round others never learn who voted what, before or after the reveal."""
    room = Room(kind)
    cast_by_pat = room.entry(room.pat, cast(room.vote, room.a))
    for revealed in (False, True):
        if revealed:
            room.entry(FACILITATOR, set_round(room.vote, "reveal"))
        assert views.redact(cast_by_pat, room.workshop, room.pat.id) is cast_by_pat
        for viewer in (views.PUBLIC, room.bob.id, FACILITATOR.id):
            seen = dots_events(views.redact(cast_by_pat, room.workshop, viewer))
            assert seen == [DotsSet(round=room.vote, voter="", dots={}, spent=1, voters=1)]


def test_visible_rounds_and_other_events_go_out_untouched():
    """A round neither hidden nor anonymous shows every dot live; other events are never cut."""
    room = Room("visible")
    cast_by_pat = room.entry(room.pat, cast(room.vote, room.a))
    assert views.insiders(cast_by_pat, room.workshop) is None
    assert views.redact(cast_by_pat, room.workshop, room.bob.id) is cast_by_pat
    note = room.entry(FACILITATOR, AddNote(op_id="n", **cell(room.workshop)))
    assert views.insiders(note, room.workshop) is None
    assert views.redact(note, room.workshop, views.PUBLIC) is note


def test_a_mixed_entry_keeps_its_seq_and_its_other_events():
    """Only the hidden dots.set of an entry is emptied; its seq and other events stay."""
    room = Room("hidden")
    dots = play(room.workshop, room.pat, cast(room.vote, room.a))
    status = RoundChanged(round=room.vote, status="open")
    mixed = entry(room.pat, [status, *dots], seq=42)
    seen = views.redact(mixed, room.workshop, views.PUBLIC)
    assert (seen.seq, seen.op_id, seen.actor) == (42, "op", room.pat.id)
    assert seen.events[0] is status
    assert isinstance(seen.events[1], DotsSet) and seen.events[1].dots == {}


# -- snapshots --------------------------------------------------------------------------


def test_hidden_snapshot_shows_spent_to_all_and_dots_to_their_voter():
    """A snapshot of a hidden round shows everyone's spent but only the viewer's own dots."""
    room = Room("hidden")
    play(room.workshop, room.pat, cast(room.vote, room.a))
    play(room.workshop, room.bob, cast(room.vote, room.b))
    play(room.workshop, FACILITATOR, cast(room.vote, room.c, proxy=room.zoe))
    pat = room.snapshot(room.pat.id)
    assert pat.spent == {room.pat.id: 1, room.bob.id: 1, room.zoe: 1}
    assert pat.dots == {room.pat.id: {room.a: 1}, room.bob.id: {}, room.zoe: {}}
    assert pat.result is None


def test_facilitator_snapshot_shows_the_proxies_dots_only():
    """The facilitator's snapshot of a hidden round holds the proxies' dots, no one else's."""
    room = Room("hidden")
    play(room.workshop, room.pat, cast(room.vote, room.a))
    play(room.workshop, FACILITATOR, cast(room.vote, room.c, proxy=room.zoe))
    seen = room.snapshot(FACILITATOR.id, facilitator=True)
    assert seen.dots == {room.pat.id: {}, room.zoe: {room.c: 1}}
    assert room.snapshot(FACILITATOR.id, facilitator=False).dots[room.zoe] == {}


def test_anonymous_snapshot_shows_only_the_viewer_even_after_the_reveal():
    """In an anonymous round's snapshot a viewer finds only their own spent and dots."""
    room = Room("anonymous")
    play(room.workshop, room.pat, cast(room.vote, room.a))
    play(room.workshop, room.bob, cast(room.vote, room.a))
    play(room.workshop, FACILITATOR, cast(room.vote, room.b, proxy=room.zoe))
    play(room.workshop, FACILITATOR, set_round(room.vote, "reveal"))
    pat = room.snapshot(room.pat.id)
    assert (pat.spent, pat.dots, pat.voters) == ({room.pat.id: 1}, {room.pat.id: {room.a: 1}}, 3)
    assert pat.result == room.round().result
    host = room.snapshot(FACILITATOR.id, facilitator=True)
    assert (host.spent, host.dots) == ({room.zoe: 1}, {room.zoe: {room.b: 1}})


def test_snapshot_is_whole_when_nothing_is_hidden_and_never_changes_the_workshop():
    """With every round visible the snapshot is the workshop itself; redacting copies."""
    room = Room("visible")
    play(room.workshop, room.pat, cast(room.vote, room.a))
    assert views.redact_workshop(room.workshop, room.bob.id) is room.workshop
    hidden = Room("hidden")
    play(hidden.workshop, hidden.pat, cast(hidden.vote, hidden.a))
    before = clone(hidden.workshop)
    views.redact_workshop(hidden.workshop, hidden.bob.id)
    assert hidden.workshop == before


def test_revealed_hidden_snapshot_shows_the_result_and_only_the_viewer_s_dots():
    """After the reveal a hidden round's snapshot has the result, and still only one's own dots."""
    room = Room("hidden")
    play(room.workshop, room.pat, cast(room.vote, room.a))
    play(room.workshop, room.bob, cast(room.vote, room.b))
    play(room.workshop, FACILITATOR, set_round(room.vote, "reveal"))
    bob = room.snapshot(room.bob.id)
    assert bob.result == room.round().result is not None
    assert bob.dots == {room.pat.id: {}, room.bob.id: {room.b: 1}}
    assert bob.spent == room.round().spent


# -- a replica that follows live equals a fresh snapshot --------------------------------


class Viewer:
    """One person's replica, fed only the redacted entries a socket would send them."""

    def __init__(self, workshop: Workshop, who: str, facilitator: bool = False) -> None:
        self.who, self.facilitator = who, facilitator
        self.replica = clone(views.redact_workshop(workshop, who, facilitator))

    def receive(self, found: Entry, workshop: Workshop) -> None:
        seen = views.redact(found, workshop, self.who)
        _never_shows_hidden_dots(seen, workshop, self.who)
        apply_all(self.replica, msgspec.json.decode(msgspec.json.encode(seen), type=Entry).events)

    def matches(self, workshop: Workshop) -> bool:
        return self.replica == views.redact_workshop(workshop, self.who, self.facilitator)


def _never_shows_hidden_dots(seen: Entry, workshop: Workshop, viewer: str) -> None:
    for event in dots_events(seen):
        vote = vote_of(workshop, event.round)
        visible = not vote.anonymous and not vote.hidden
        if not visible and viewer not in (event.voter, seen.actor):
            assert event.dots == {}
            assert event.voter == ("" if vote.anonymous else event.voter)


_MOVES = ("cast", "cast", "cast", "take", "pause", "resume", "close", "reveal", "restart")


@settings(max_examples=120, deadline=None)
@given(
    kind=st.sampled_from(sorted(_KINDS)),
    moves=st.lists(
        st.tuples(st.sampled_from(_MOVES), st.integers(0, 3), st.integers(0, 2)),
        min_size=1,
        max_size=40,
    ),
)
def test_a_live_replica_always_equals_a_fresh_snapshot(
    kind: str, moves: list[tuple[str, int, int]]
):
    """Whatever happens in a round, each person's replica fed redacted entries equals the
    snapshot they would get by reloading, and never holds dots they may not see."""
    room = Room(kind, facilitator_votes=True)
    viewers = [
        Viewer(room.workshop, room.pat.id),
        Viewer(room.workshop, room.bob.id),
        Viewer(room.workshop, FACILITATOR.id, facilitator=True),
        Viewer(room.workshop, views.PUBLIC),
    ]
    voters: list[tuple[Actor, str | None]] = [
        (room.pat, None),
        (room.bob, None),
        (FACILITATOR, None),
        (FACILITATOR, room.zoe),
    ]
    for seq, (move, who, which) in enumerate(moves, start=1):
        actor, for_proxy = voters[who]
        item = (room.a, room.b, room.c)[which]
        command: Command
        if move in ("cast", "take"):
            command = (cast if move == "cast" else take)(room.vote, item, proxy=for_proxy)
        else:
            actor, command = FACILITATOR, set_round(room.vote, move)
        try:
            events = decide(room.workshop, actor, command, NOW)
        except errors.DomainError:
            continue
        apply_all(room.workshop, events)
        for viewer in viewers:
            viewer.receive(entry(actor, events, seq), room.workshop)
            assert viewer.matches(room.workshop), (viewer.who, move)
