"""An anonymous round never tells anyone who voted: every view stays the same when two voters
swap their ballots (live entries, resumed entries, snapshots and exports)."""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from server import export
from sessions import errors, summary, views
from sessions.model import Workshop
from sessions.protocol import AddNote, CastDot, Command, Entry, SetRound, TakeDot
from sessions.rules import apply_all, decide
from tests.unit.ballots import NOW, people, proxy, start, with_objectives
from tests.unit.workshops import FACILITATOR, cell

_ACTIONS = ("cast", "cast", "cast", "take", "note", "pause", "resume", "close", "reveal", "restart")
_EXPORTS = ("json", "html")


@dataclass
class Views:
    """Everything each viewer could obtain, encoded, in the order they would obtain it."""

    seen: dict[str, list[bytes]] = field(default_factory=dict)

    def add(self, viewer: str, value: object) -> None:
        self.seen.setdefault(viewer, []).append(msgspec.json.encode(value))


@dataclass(frozen=True)
class Script:
    anonymous: bool
    hidden: bool
    budget: int
    per_item: int
    moves: list[tuple[str, int, int]]


def play_script(script: Script, swap: bool) -> Views:
    """Play ``script`` (Pat's and Bob's ballots exchanged when ``swap``); each viewer's views.

    The voters also write notes (their ``actor`` is public there), and every op id names its
    sender, as a third-party client's may: a leak through either would show.
    """
    workshop = with_objectives(3)
    pat, bob, cleo = people(workshop, 3)
    zoe = proxy(workshop)
    vote = start(
        workshop,
        anonymous=script.anonymous,
        hidden=script.hidden,
        budget=script.budget,
        per_item=script.per_item,
        facilitator_votes=True,
    )
    ballots = [pat, bob, cleo, FACILITATOR, FACILITATOR]
    viewers = {cleo.id: False, FACILITATOR.id: True, views.PUBLIC: False}
    seen = Views()
    entries: list[bytes] = []
    for step, (action, who, which) in enumerate(script.moves, start=1):
        actor = ballots[who]
        if swap and action in ("cast", "take") and actor in (pat, bob):
            actor = bob if actor is pat else pat
        item = workshop.rounds[-1].items[which]
        command: Command
        if action in ("cast", "take"):
            kind = CastDot if action == "cast" else TakeDot
            command = kind(op_id="x", round=vote, item=item, proxy=zoe if who == 4 else None)
        elif action == "note":
            command = AddNote(op_id="x", text=f"from {actor.id}", **cell(workshop))
        else:
            actor, command = FACILITATOR, SetRound(op_id="x", round=vote, action=action)  # type: ignore[arg-type]
        command = msgspec.structs.replace(command, op_id=f"{actor.id}-{step}")
        try:
            events = decide(workshop, actor, command, NOW)
        except errors.DomainError:
            continue  # a refusal reaches its sender only
        # As the room does: the entry is encoded once (the op log's bytes), then applied.
        entry = Entry(seq=len(entries) + 1, op_id=command.op_id, actor=actor.id, events=events)
        entries.append(msgspec.json.encode(entry))
        apply_all(workshop, events)
        for viewer in viewers:  # live, as the room fans it out
            seen.add(viewer, views.redact(_decoded(entries[-1]), workshop, viewer))
    for viewer, facilitator in viewers.items():
        seen.add(viewer, views.redact_workshop(workshop, viewer, facilitator))  # a reload
        for raw in entries:  # a resume from seq 0: the stored entries, redacted now
            seen.add(viewer, views.redact(_decoded(raw), workshop, viewer))
    for name in _EXPORTS:  # what the facilitator downloads
        options = export.Options(exported_at="2026-12-01T10:00:00Z")
        seen.seen[FACILITATOR.id].append(export.export(workshop, export.FORMATS[name], options))
    assert_sane(workshop)
    return seen


def _decoded(raw: bytes) -> Entry:
    return msgspec.json.decode(raw, type=Entry)


def assert_sane(workshop: Workshop) -> None:
    vote = workshop.rounds[-1]
    assert vote.voters == sum(1 for cast in vote.dots.values() if any(cast.values()))


scripts = st.builds(
    Script,
    anonymous=st.just(True),
    hidden=st.booleans(),
    budget=st.integers(1, 4),
    per_item=st.integers(1, 2),
    moves=st.lists(
        st.tuples(st.sampled_from(_ACTIONS), st.integers(0, 4), st.integers(0, 2)),
        min_size=1,
        max_size=30,
    ),
)


@settings(max_examples=150, deadline=None)
@given(scripts)
def test_swapping_two_voters_changes_no_view_of_an_anonymous_round(script: Script):
    """Whatever happens in an anonymous round, hidden or not, a third participant, the
    facilitator (their snapshot and exports too) and the public see exactly the same bytes
    when Pat and Bob exchange ballots: nothing they receive can say who voted what."""
    assert play_script(script, swap=False).seen == play_script(script, swap=True).seen


def test_the_swap_shows_when_the_round_is_not_anonymous():
    """The comparison is sharp: in a named round (hidden or not) the same swap is visible."""
    moves = [("cast", 0, 0), ("cast", 1, 1)]
    for hidden in (True, False):
        script = Script(anonymous=False, hidden=hidden, budget=3, per_item=1, moves=moves)
        assert play_script(script, swap=False).seen != play_script(script, swap=True).seen


def test_an_anonymous_ballot_reaches_others_with_a_blank_envelope():
    """Others get an anonymous dots.set with no actor, no op id, no voter and no dots."""
    script = Script(anonymous=True, hidden=False, budget=3, per_item=1, moves=[("cast", 0, 1)])
    public = play_script(script, swap=False).seen[views.PUBLIC][0]
    entry = msgspec.json.decode(public, type=Entry)
    assert (entry.actor, entry.op_id) == ("", "")
    assert msgspec.json.decode(public)["events"] == [
        {"type": "dots.set", "round": entry.events[0].round, "voter": "", "dots": {}, "spent": 1,
         "voters": 1}
    ]  # fmt: skip


def test_sealing_keeps_the_figures_and_drops_the_ballots():
    """An export's anonymous round keeps its voters and tallies (what documents print), loses
    who voted what, and the stored workshop is left whole; a named round is left as it is."""
    workshop = with_objectives(3)
    pat, bob = people(workshop, 2)
    vote = start(workshop, anonymous=True, hidden=True, budget=2)
    items = workshop.rounds[-1].items
    for actor, item in ((pat, items[0]), (bob, items[0]), (bob, items[1])):
        apply_all(workshop, decide(workshop, actor, CastDot(op_id="d", round=vote, item=item), NOW))
    apply_all(
        workshop, decide(workshop, FACILITATOR, SetRound(op_id="c", round=vote, action="close"))
    )
    before = msgspec.json.encode(workshop)
    sealed = views.sealed(workshop).rounds[-1]
    assert (sealed.spent, sealed.dots, sealed.voters) == ({}, {}, 2)
    assert sealed.result == summary.ranked(workshop.rounds[-1])
    assert [t.dots for t in sealed.result] == [2, 1, 0]
    assert summary.voters(sealed) == summary.voters(workshop.rounds[-1]) == 2
    assert msgspec.json.encode(workshop) == before
    named = with_objectives(1)
    start(named, anonymous=False)
    assert views.sealed(named) is named
