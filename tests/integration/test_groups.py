"""Groups through two server processes: a split, moves, picking, help and group work, with the
other groups' journeys read-only while it is on; every board converges."""

from __future__ import annotations

from tests.client import facilitator
from tests.integration.people import add_note, close_all, participant
from tests.integration.test_method import board, me, ok, refused, same_boards
from tests.servers import ServerProcess


async def test_groups_split_move_pick_help_and_work_through_two_processes(
    server: ServerProcess, second_server: ServerProcess
) -> None:
    """Six people on two processes split into three balanced groups; the facilitator renames,
    moves and opens picking; a participant picks and asks for help; during group work a phone
    cannot add to another group's journey, and can once everyone is back together."""
    host, created = await facilitator(server, template="travel")
    people = [
        await participant(second_server if i % 2 else server, created, f"P{i}") for i in range(6)
    ]
    await ok(host, {"type": "groups.split", "count": 3})
    seen = await same_boards(host, *people)
    assert [len(g.members) for g in seen.groups] == [2, 2, 2]
    first, second, third = (g.id for g in seen.groups)

    await ok(host, {"type": "group.edit", "group": first, "name": "Les bleus"})
    mover = me(people[0])
    await ok(host, {"type": "group.move", "participant": mover, "group": third})
    assert await refused(people[1], {"type": "group.join", "group": first}) == "forbidden"
    await ok(host, {"type": "groups.set", "pick": True})
    picker = me(people[1])
    await ok(people[1], {"type": "group.join", "group": second})
    await ok(people[1], {"type": "group.help", "help": True})
    seen = await same_boards(host, *people)
    groups = {g.id: g for g in seen.groups}
    assert groups[first].name == "Les bleus"
    assert mover in groups[third].members and picker in groups[second].members
    assert groups[second].help and not groups[first].help
    assert sorted(m for g in seen.groups for m in g.members) == sorted(me(p) for p in people)

    await ok(host, {"type": "groups.set", "grouped": True})
    phone = people[1]
    mine = groups[second].persona
    other = next(p.id for p in board(phone).personas if p.id != mine)
    assert await refused(phone, add_note(phone, "Not mine", persona=other)) == "forbidden"
    await ok(phone, add_note(phone, "Ours", persona=mine))
    await ok(host, {"type": "groups.set", "grouped": False})
    await ok(phone, add_note(phone, "Back together", persona=other))
    seen = await same_boards(host, *people)
    texts = {n.text for n in seen.notes.values()}
    assert {"Ours", "Back together"} <= texts and "Not mine" not in texts
    assert not seen.grouped
    await close_all(host, *people)


async def test_a_latecomer_joins_the_smallest_group(server: ServerProcess) -> None:
    """Someone who joins after the split lands in the smallest group, seen by everyone."""
    host, created = await facilitator(server, template="travel")
    early = [await participant(server, created, f"E{i}") for i in range(3)]
    await ok(host, {"type": "groups.split", "count": 2})
    late = await participant(server, created, "Late")
    seen = await same_boards(host, *early, late)
    assert me(late) in seen.groups[1].members
    assert [len(g.members) for g in seen.groups] == [2, 2]
    await close_all(host, *early, late)
