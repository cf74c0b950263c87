"""Groups through two server processes: a split, moves, picking, help and group work, with the
other groups' journeys read-only while it is on; every board converges."""

from __future__ import annotations

import contextlib

from websockets.exceptions import ConnectionClosed

from tests.client import BoardClient, facilitator
from tests.integration.people import add_note, close_all, participant, settle
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


async def test_walls_hide_the_other_groups_work_until_they_come_down(
    server: ServerProcess, second_server: ServerProcess
) -> None:
    """Behind walls, a group's note reaches its group and the facilitator through both
    processes, not the other group; when the walls come down, the other group's boards are sent
    to reload (close 4001) and their fresh snapshot has the note."""
    host, created = await facilitator(server, template="travel")
    people = [
        await participant(second_server if i % 2 else server, created, f"P{i}") for i in range(4)
    ]
    await ok(host, {"type": "groups.split", "count": 2})
    await ok(host, {"type": "groups.set", "grouped": True, "walls": True})
    await reloaded(*people)  # walls up: every group's view changed
    ours, theirs = board(host).groups
    writer = next(p for p in people if me(p) == ours.members[0])
    mate = next(p for p in people if me(p) == ours.members[1])
    others = [p for p in people if me(p) in theirs.members]
    await ok(writer, add_note(writer, "Behind the wall", persona=ours.persona))
    await settle(host, *people)
    assert "Behind the wall" in _texts(host) and "Behind the wall" in _texts(mate)
    assert all("Behind the wall" not in _texts(p) for p in others)
    assert all(n.persona != ours.persona for p in others for n in board(p).notes.values())

    await ok(host, {"type": "group.edit", "group": theirs.id, "name": "Still behind"})
    await settle(host, *people)  # a change that moves no wall reloads nobody
    await ok(host, {"type": "groups.set", "walls": False})
    await reloaded(*people)
    assert all("Behind the wall" in _texts(p) for p in people)
    await close_all(host, *people)


async def reloaded(*phones: BoardClient) -> None:
    """The server closed each phone's socket with 4001 (reload): they reconnect, as boards do."""
    for phone in phones:
        assert phone._reader is not None
        with contextlib.suppress(ConnectionClosed):
            await phone._reader
        assert phone.ws is not None and phone.ws.close_code == 4001
        await phone.connect()


def _texts(client: BoardClient) -> set[str]:
    return {n.text for n in board(client).notes.values()}
