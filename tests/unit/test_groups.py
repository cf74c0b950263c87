"""Groups: balanced splits, personas in turn, moves, picking, help, group work and latecomers."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from sessions import errors, groups, keeping, views
from sessions.model import STEP_KINDS, Workshop, clone
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    AddNote,
    AddProxy,
    AskHelp,
    ClearGroups,
    Command,
    DeleteNote,
    EditGroup,
    EditPersona,
    Entry,
    Event,
    GroupsSet,
    JoinGroup,
    MoveToGroup,
    PresentGroup,
    RateStage,
    SetGroupWork,
    SplitGroups,
    StartRound,
    TourSet,
    client_decoder,
)
from sessions.rules import Actor, apply_all
from tests.unit.ballots import (
    cast,
    items,
    play,
    proxy,
    refused,
    set_round,
    start,
    vote_of,
    with_objectives,
)
from tests.unit.method import lane_of
from tests.unit.workshops import FACILITATOR, enter, fresh


def _room(people: int, template: str = "travel") -> tuple[Workshop, list[Actor]]:
    workshop = fresh(template)
    return workshop, [enter(workshop, f"P{i}") for i in range(people)]


def _sizes(workshop: Workshop) -> list[int]:
    return [len(g.members) for g in workshop.groups]


def test_split_into_n_groups_is_balanced_and_deals_personas_in_turn() -> None:
    """7 people in 3 groups: sizes 3, 2, 2; personas given in turn; everyone in exactly one."""
    workshop, actors = _room(7)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=3))
    assert _sizes(workshop) == [3, 2, 2]
    members = [m for g in workshop.groups for m in g.members]
    assert sorted(members) == sorted(a.id for a in actors)
    personas = [p.id for p in workshop.personas]
    assert [g.persona for g in workshop.groups] == [personas[i % len(personas)] for i in range(3)]


def test_split_by_size() -> None:
    """Groups of about 4 for 10 people: 3 groups of 4, 3 and 3."""
    workshop, _actors = _room(10)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", size=4))
    assert _sizes(workshop) == [4, 3, 3]


def test_split_leaves_out_the_facilitator_and_proxies() -> None:
    """Only people with a device are dealt into groups."""
    workshop, actors = _room(2)
    play(workshop, FACILITATOR, AddProxy(op_id="p", name="Zoé"))
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    assert sorted(m for g in workshop.groups for m in g.members) == sorted(a.id for a in actors)


def test_split_needs_exactly_one_of_count_and_size() -> None:
    """Neither or both is invalid and changes nothing."""
    workshop, _ = _room(3)
    assert refused(workshop, FACILITATOR, SplitGroups(op_id="s")).code == "invalid"
    both = SplitGroups(op_id="s", count=2, size=2)
    assert refused(workshop, FACILITATOR, both).code == "invalid"


def test_too_many_groups_is_a_limit() -> None:
    """Groups of 1 in a room of 50 would make 50 groups: over the limit."""
    workshop, _ = _room(50, "blank")
    assert refused(workshop, FACILITATOR, SplitGroups(op_id="s", size=1)).code == "limit"


def test_groups_are_the_facilitators_but_joining_and_help_are_everyones() -> None:
    """Split, edit, move, set and clear are facilitator-only; join and help are not."""
    assert {SplitGroups, EditGroup, MoveToGroup, SetGroupWork, ClearGroups} <= FACILITATOR_COMMANDS
    assert JoinGroup not in FACILITATOR_COMMANDS and AskHelp not in FACILITATOR_COMMANDS
    workshop, actors = _room(2)
    assert refused(workshop, actors[0], SplitGroups(op_id="s", count=2)).code == "forbidden"


def test_rename_and_assign_a_persona() -> None:
    """A group gets a name (tidied) and another persona, or none."""
    workshop, _ = _room(4)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    group = workshop.groups[0].id
    other = workshop.personas[1].id
    play(
        workshop,
        FACILITATOR,
        EditGroup(op_id="e", group=group, name="  Les   bleus ", persona=other),
    )
    assert workshop.groups[0].name == "Les bleus"
    assert workshop.groups[0].persona == other
    play(workshop, FACILITATOR, EditGroup(op_id="e2", group=group, persona=""))
    assert workshop.groups[0].persona == ""
    missing = EditGroup(op_id="e3", group=group, persona="a999")
    assert refused(workshop, FACILITATOR, missing).code == "not_found"


def test_move_someone_to_another_group_and_out() -> None:
    """A move takes the person out of their group and into the other, once."""
    workshop, actors = _room(4)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    first, second = workshop.groups
    who = first.members[0]
    play(workshop, FACILITATOR, MoveToGroup(op_id="m", participant=who, group=second.id))
    assert who not in workshop.groups[0].members
    assert workshop.groups[1].members.count(who) == 1
    play(workshop, FACILITATOR, MoveToGroup(op_id="m2", participant=who, group=None))
    assert groups.group_of(workshop, who) is None
    facilitator = MoveToGroup(op_id="m3", participant=FACILITATOR.id, group=second.id)
    assert refused(workshop, FACILITATOR, facilitator).code == "not_found"
    assert actors


def test_picking_a_group_only_when_allowed() -> None:
    """A participant picks a group only when the facilitator lets people pick."""
    workshop, actors = _room(2)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    target = workshop.groups[1].id
    assert refused(workshop, actors[0], JoinGroup(op_id="j", group=target)).code == "forbidden"
    play(workshop, FACILITATOR, SetGroupWork(op_id="p", pick=True))
    play(workshop, actors[0], JoinGroup(op_id="j2", group=target))
    assert groups.group_of(workshop, actors[0].id) == workshop.groups[1]


def test_help_signal_of_a_member() -> None:
    """A member raises and lowers their group's help signal; someone in no group cannot."""
    workshop, actors = _room(2)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=1))
    play(workshop, actors[0], AskHelp(op_id="h"))
    assert workshop.groups[0].help
    play(workshop, actors[1], AskHelp(op_id="h2", help=False))
    assert not workshop.groups[0].help
    play(workshop, FACILITATOR, MoveToGroup(op_id="m", participant=actors[0].id, group=None))
    assert refused(workshop, actors[0], AskHelp(op_id="h3")).code == "conflict"


def test_a_latecomer_goes_to_the_smallest_group() -> None:
    """Someone who joins while there are groups lands in the smallest one."""
    workshop, _ = _room(3)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    late = enter(workshop, "Late")
    assert late.id in workshop.groups[1].members
    assert _sizes(workshop) == [2, 2]


def test_group_work_makes_the_other_groups_read_only() -> None:
    """While group work is on, a participant edits only their group's persona."""
    workshop, actors = _room(2)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    play(workshop, FACILITATOR, SetGroupWork(op_id="g", grouped=True))
    me = actors[0]
    mine = groups.group_of(workshop, me.id)
    assert mine is not None
    theirs = next(p.id for p in workshop.personas if p.id != mine.persona)
    stage = workshop.stages[0].id
    lane = lane_of(workshop, "irritants")
    add = AddNote(op_id="a", persona=theirs, stage=stage, lane=lane, text="x")
    assert refused(workshop, me, add).code == "forbidden"
    play(workshop, me, AddNote(op_id="b", persona=mine.persona, stage=stage, lane=lane, text="y"))
    other_note = next(n for n in workshop.notes.values() if n.persona == theirs)
    assert refused(workshop, me, DeleteNote(op_id="d", note=other_note.id)).code == "forbidden"
    sheet = EditPersona(op_id="e", persona=theirs, field="tagline", value="no")
    assert refused(workshop, me, sheet).code == "forbidden"
    rate = RateStage(op_id="r", persona=theirs, stage=stage, value=1)
    assert refused(workshop, me, rate).code == "forbidden"
    play(workshop, FACILITATOR, SetGroupWork(op_id="g2", grouped=False))
    play(workshop, me, AddNote(op_id="c", persona=theirs, stage=stage, lane=lane, text="z"))


def test_group_work_needs_groups() -> None:
    """Turning group work on with no groups is a conflict."""
    workshop, _ = _room(2)
    assert refused(workshop, FACILITATOR, SetGroupWork(op_id="g", grouped=True)).code == (
        "conflict"
    )


def test_clear_brings_everyone_back() -> None:
    """Clearing removes the groups and ends group work."""
    workshop, _ = _room(2)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    play(workshop, FACILITATOR, SetGroupWork(op_id="g", grouped=True, pick=True))
    events = play(workshop, FACILITATOR, ClearGroups(op_id="c"))
    assert events == [GroupsSet(groups=[], grouped=False, pick=False)]
    assert not workshop.grouped and not workshop.group_pick


def test_removing_a_persona_unassigns_it() -> None:
    """A group whose persona is removed keeps its members and has no persona."""
    from sessions.protocol import RemovePersona

    workshop, _ = _room(2)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=1))
    persona = workshop.groups[0].persona
    play(workshop, FACILITATOR, RemovePersona(op_id="r", persona=persona, with_notes=True))
    assert workshop.groups[0].persona == ""


def test_replicas_agree_and_commands_decode() -> None:
    """Applying the logged events on a copy gives the same workshop; the wire form decodes."""
    workshop, actors = _room(5)
    copy = clone(workshop)
    log = []
    log += play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    log += play(workshop, FACILITATOR, SetGroupWork(op_id="g", grouped=True, pick=True))
    log += play(workshop, actors[0], JoinGroup(op_id="j", group=workshop.groups[1].id))
    log += play(workshop, actors[1], AskHelp(op_id="h"))
    apply_all(copy, log)
    assert copy == workshop
    decoded = client_decoder.decode(b'{"type":"groups.split","op_id":"x","count":3}')
    assert decoded == SplitGroups(op_id="x", count=3)


# -- walls: each group sees only its own persona's work -------------------------------------


def _walled(people: int = 4) -> tuple[Workshop, list[Actor]]:
    workshop, actors = _room(people)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    play(workshop, FACILITATOR, SetGroupWork(op_id="g", grouped=True, walls=True))
    return workshop, actors


def _own_note(workshop: Workshop, actor: Actor, text: str, op_id: str = "n") -> list[Event]:
    group = groups.group_of(workshop, actor.id)
    assert group is not None
    stage, lane = workshop.stages[0].id, lane_of(workshop, "irritants")
    add = AddNote(op_id=op_id, persona=group.persona, stage=stage, lane=lane, text=text)
    return play(workshop, actor, add)


def test_walls_keep_a_groups_notes_and_curve_from_the_other_groups() -> None:
    """Behind walls a note and a rating reach their group and the facilitator only; the other
    groups get the entry's seq without them, and their snapshot lacks that persona's work
    (its sheet stays: the tabs still name it)."""
    workshop, actors = _walled()
    pat = actors[0]
    ours = groups.group_of(workshop, pat.id)
    assert ours is not None
    bob = next(a for a in actors if a.id not in ours.members)
    events = _own_note(workshop, pat, "queue at check-in")
    stage = workshop.stages[0].id
    events += play(workshop, pat, RateStage(op_id="r", persona=ours.persona, stage=stage, value=-2))
    sent = Entry(seq=9, op_id="op", actor=pat.id, events=events)
    assert views.insiders(sent, workshop) == set(ours.members) | {FACILITATOR.id}
    assert views.redact(sent, workshop, pat.id) is sent
    assert views.redact(sent, workshop, FACILITATOR.id) is sent
    theirs = views.redact(sent, workshop, bob.id)
    assert theirs.seq == 9 and theirs.events == []
    assert views.redact(sent, workshop, views.PUBLIC).events == []
    snapshot = views.redact_workshop(workshop, bob.id)
    assert all(n.persona != ours.persona for n in snapshot.notes.values())
    assert all(e.persona != ours.persona for e in snapshot.emotions.values())
    assert any(p.id == ours.persona for p in snapshot.personas)
    assert views.redact_workshop(workshop, FACILITATOR.id, facilitator=True) is workshop
    play(workshop, FACILITATOR, SetGroupWork(op_id="w", walls=False))
    assert groups.hidden_from(workshop, bob.id) == frozenset()


def test_walls_need_groups_and_fall_with_them() -> None:
    """Walls without groups are a conflict; clearing the groups takes the walls down."""
    workshop, _ = _room(2)
    assert refused(workshop, FACILITATOR, SetGroupWork(op_id="w", walls=True)).code == "conflict"
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    play(workshop, FACILITATOR, SetGroupWork(op_id="w", grouped=True, walls=True))
    play(workshop, FACILITATOR, ClearGroups(op_id="c"))
    assert not workshop.group_walls and groups.walls(workshop) == {}


def test_walls_stand_only_during_group_work() -> None:
    """Back together, everyone sees every persona again, walls kept for the next group step."""
    workshop, actors = _walled()
    assert groups.hidden_from(workshop, actors[0].id)
    play(workshop, FACILITATOR, SetGroupWork(op_id="t", grouped=False))
    assert workshop.group_walls and groups.hidden_from(workshop, actors[0].id) == frozenset()


_WALL_MOVES = ("note", "note", "rate", "delete", "move", "walls", "work", "persona")


@settings(max_examples=60, deadline=None)
@given(
    moves=st.lists(
        st.tuples(st.sampled_from(_WALL_MOVES), st.integers(0, 3), st.integers(0, 2)),
        min_size=1,
        max_size=30,
    )
)
def test_a_replica_behind_walls_equals_a_fresh_snapshot(moves: list[tuple[str, int, int]]) -> None:
    """Whatever groups do behind walls, each person's replica fed redacted entries, and reloaded
    when their walls move (as the server makes them), equals the snapshot they would load."""
    workshop, actors = _walled()
    viewers = {a.id: clone(views.redact_workshop(workshop, a.id)) for a in actors}
    viewers[views.PUBLIC] = clone(views.redact_workshop(workshop, views.PUBLIC))
    for seq, (move, who, which) in enumerate(moves, start=1):
        actor = actors[who]
        persona = workshop.personas[which % len(workshop.personas)].id
        stage = workshop.stages[which % len(workshop.stages)].id
        command: Command
        by = actor
        if move == "note":
            lane = lane_of(workshop, "irritants")
            command = AddNote(op_id=f"o{seq}", persona=persona, stage=stage, lane=lane, text="x")
        elif move == "rate":
            command = RateStage(op_id=f"o{seq}", persona=persona, stage=stage, value=which - 1)
        elif move == "delete" and workshop.notes:
            note = sorted(workshop.notes)[which % len(workshop.notes)]
            command = DeleteNote(op_id=f"o{seq}", note=note)
        elif move == "move":
            target = workshop.groups[which % len(workshop.groups)].id
            by, command = (
                FACILITATOR,
                MoveToGroup(op_id=f"o{seq}", participant=actor.id, group=target),
            )
        elif move == "walls":
            by, command = FACILITATOR, SetGroupWork(op_id=f"o{seq}", walls=not workshop.group_walls)
        elif move == "work":
            by, command = FACILITATOR, SetGroupWork(op_id=f"o{seq}", grouped=not workshop.grouped)
        elif move == "persona":
            group = workshop.groups[who % len(workshop.groups)].id
            by, command = FACILITATOR, EditGroup(op_id=f"o{seq}", group=group, persona=persona)
        else:
            continue
        before = {v: groups.hidden_from(workshop, v) for v in viewers}
        try:
            events = keeping.decide(workshop, by, command, 0.0)
        except errors.DomainError:
            continue
        apply_all(workshop, events)
        sent = Entry(seq=seq, op_id=f"o{seq}", actor=by.id, events=events)
        _one_rendering_per_audience(sent, workshop, [*viewers, FACILITATOR.id])
        for viewer, replica in viewers.items():
            if groups.hidden_from(workshop, viewer) != before[viewer]:
                viewers[viewer] = clone(views.redact_workshop(workshop, viewer))
                continue
            seen = msgspec.json.decode(
                msgspec.json.encode(views.redact(sent, workshop, viewer)), type=Entry
            )
            apply_all(replica, seen.events)
            fresh_view = views.redact_workshop(workshop, viewer)
            assert _board(replica) == _board(fresh_view), (viewer, move)


def _one_rendering_per_audience(sent: Entry, workshop: Workshop, everyone: list[str]) -> None:
    """What the server shares (``Room._flush``): viewers who are not personal insiders and have
    the same walls see the same entry."""
    own = views.personal(sent, workshop) or set()
    seen: dict[frozenset[str], Entry] = {}
    for viewer in everyone:
        if viewer in own or viewer == views.PUBLIC:
            continue
        shown = views.redact(sent, workshop, viewer)
        assert seen.setdefault(groups.hidden_from(workshop, viewer), shown) == shown, viewer


def _board(workshop: Workshop) -> tuple[object, ...]:
    """What a board shows (ids' counter aside: an unseen note's id still moves it)."""
    return (workshop.notes, workshop.emotions, workshop.groups, workshop.trash, workshop.grouped)


# -- a vote counted per group ----------------------------------------------------------------


def _group_vote(people: int, **options: bool) -> tuple[Workshop, list[Actor], str]:
    workshop = with_objectives(3)
    actors = [enter(workshop, f"V{i}") for i in range(people)]
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    return workshop, actors, start(workshop, by_group=True, **options)


def test_a_vote_per_group_gives_each_groups_result_beside_the_rooms() -> None:
    """Six voters in two groups of three: the reveal ranks the room and, side by side, each
    group from its own members' dots only; a proxy's dots count for the room alone."""
    workshop, actors, vote = _group_vote(6)
    a, b, c = items(workshop, vote)
    zoe = proxy(workshop)
    first = workshop.groups[0]
    for actor in actors:
        play(workshop, actor, cast(vote, a if actor.id in first.members else b))
    play(workshop, FACILITATOR, cast(vote, c, proxy=zoe))
    play(workshop, FACILITATOR, set_round(vote, "reveal"))
    revealed = vote_of(workshop, vote)
    assert {t.item: t.dots for t in revealed.result or []} == {a: 3, b: 3, c: 1}
    assert revealed.groups is not None
    ours, theirs = revealed.groups
    assert (ours.group, ours.number, ours.voters) == (first.id, 1, 3)
    assert [(t.item, t.dots, t.rank) for t in ours.result] == [(a, 3, 1), (b, 0, 2), (c, 0, 2)]
    assert (theirs.result[0].item, theirs.result[0].dots) == (b, 3)
    assert not ours.withheld and not theirs.withheld


def test_a_vote_per_group_needs_groups() -> None:
    """Counting per group without groups is a conflict and starts nothing."""
    workshop = with_objectives(2)
    refusal = refused(workshop, FACILITATOR, StartRound(op_id="r", by_group=True))
    assert refusal.code == "conflict"


def test_an_anonymous_vote_per_group_withholds_a_group_of_fewer_than_three_voters() -> None:
    """Anonymous, per group: a group of two voters gets no result (it would tell who voted
    what); a group of three does."""
    workshop, actors, vote = _group_vote(5, anonymous=True)
    a = items(workshop, vote)[0]
    for actor in actors:
        play(workshop, actor, cast(vote, a))
    play(workshop, FACILITATOR, set_round(vote, "reveal"))
    groups_seen = vote_of(workshop, vote).groups or []
    assert [(g.voters, g.withheld, bool(g.result)) for g in groups_seen] == [
        (3, False, True),
        (2, True, False),
    ]


def test_a_restarted_vote_per_group_forgets_its_groups_results() -> None:
    """Restarting clears the per-group results with the dots."""
    workshop, actors, vote = _group_vote(2)
    play(workshop, actors[0], cast(vote, items(workshop, vote)[0]))
    play(workshop, FACILITATOR, set_round(vote, "reveal"))
    play(workshop, FACILITATOR, set_round(vote, "restart"))
    assert vote_of(workshop, vote).groups is None and vote_of(workshop, vote).by_group


# -- the tour ------------------------------------------------------------------------------


def test_the_tour_puts_one_group_at_a_time_on_the_screen() -> None:
    """The facilitator presents each group in turn and ends the tour; an unknown group is not
    found, a participant may not drive it, and clearing the groups ends it."""
    workshop, actors = _room(4)
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    first, second = (g.id for g in workshop.groups)
    assert play(workshop, FACILITATOR, PresentGroup(op_id="t", group=first)) == [
        TourSet(group=first)
    ]
    play(workshop, FACILITATOR, PresentGroup(op_id="t2", group=second))
    assert workshop.presenting == second
    assert play(workshop, FACILITATOR, PresentGroup(op_id="t3", group=second)) == []
    assert refused(workshop, FACILITATOR, PresentGroup(op_id="t4", group="k999")).code == (
        "not_found"
    )
    assert refused(workshop, actors[0], PresentGroup(op_id="t5", group=first)).code == ("forbidden")
    play(workshop, FACILITATOR, PresentGroup(op_id="t6"))
    assert workshop.presenting == ""
    play(workshop, FACILITATOR, PresentGroup(op_id="t7", group=first))
    play(workshop, FACILITATOR, ClearGroups(op_id="c"))
    assert workshop.presenting == ""


def test_the_tour_is_a_step_the_facilitator_adds() -> None:
    """The method's default agenda has no tour (it follows group work); it is a step kind."""
    workshop = fresh("travel")
    assert "tour" not in [s.kind for s in workshop.agenda]
    assert "tour" in STEP_KINDS


def test_the_workbook_lists_each_groups_dots_beside_the_rooms() -> None:
    """The exported vote table gains a "Per group" column only when a round was counted per
    group: each group's dots on the item, a withheld group as a dash."""
    from server.export import tables
    from server.export.words import Words

    workshop, actors, vote = _group_vote(6)
    a = items(workshop, vote)[0]
    first = workshop.groups[0]
    for actor in actors:
        if actor.id in first.members:
            play(workshop, actor, cast(vote, a))
    play(workshop, FACILITATOR, EditGroup(op_id="n", group=first.id, name="Blues"))
    play(workshop, FACILITATOR, set_round(vote, "reveal"))
    table = tables.votes(workshop, Words("en"))
    assert table.header[-1] == "Per group"
    assert table.rows[0][-1] == "Blues: 3 · Group 2: 0"
    plain = with_objectives(2)
    assert "Per group" not in tables.votes(plain, Words("en")).header
