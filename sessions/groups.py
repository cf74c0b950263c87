"""Groups: a big room split into small groups that work in parallel, one persona each.

The facilitator splits the room (``n`` groups, or groups of about ``k``), renames groups, gives
each a persona, moves people, lets them pick their group, and turns group work on and off.
While group work is on, a participant edits only their own group's persona (its notes, sheet
and curve); the other groups' work stays readable. A participant who joins later goes to the
smallest group. Every change travels as one event with the groups whole
(:class:`~sessions.events.GroupsSet`).

Invariants: group ids are unique and never reused (``Workshop.counter``); a participant is in
at most one group; members are participants who are neither facilitators nor proxies; a
group's ``persona`` is "" or names an existing persona.
"""

from __future__ import annotations

import math

import msgspec

from sessions import errors
from sessions.commands import (
    AskHelp,
    ClearGroups,
    EditGroup,
    JoinGroup,
    MoveToGroup,
    PresentGroup,
    SetGroupWork,
    SplitGroups,
)
from sessions.events import Event, GroupsSet, TourSet
from sessions.limits import MAX_GROUPS, tidy_title
from sessions.model import Group, Participant, Workshop, id_number


def _event(workshop: Workshop, groups: list[Group], **changes: bool) -> list[Event]:
    grouped = changes.get("grouped", workshop.grouped) and bool(groups)
    pick = changes.get("pick", workshop.group_pick) and bool(groups)
    walls = changes.get("walls", workshop.group_walls) and bool(groups)
    now = (workshop.groups, workshop.grouped, workshop.group_pick, workshop.group_walls)
    if (groups, grouped, pick, walls) == now:
        return []
    return [GroupsSet(groups=groups, grouped=grouped, pick=pick, walls=walls)]


def _copy(workshop: Workshop) -> list[Group]:
    return [msgspec.structs.replace(g, members=list(g.members)) for g in workshop.groups]


def _group(groups: list[Group], group_id: str) -> Group:
    for group in groups:
        if group.id == group_id:
            return group
    raise errors.NotFound("This group no longer exists.")


def people(workshop: Workshop) -> list[Participant]:
    """Who can be in a group: participants with a device, in the order they joined."""
    found = [p for p in workshop.participants.values() if p.role != "facilitator" and not p.proxy]
    return sorted(found, key=lambda p: id_number(p.id))


def group_of(workshop: Workshop, participant: str) -> Group | None:
    return next((g for g in workshop.groups if participant in g.members), None)


def split(workshop: Workshop, command: SplitGroups) -> list[Event]:
    """Balanced groups: sizes differ by one at most; members dealt in the order they joined."""
    if (command.count is None) == (command.size is None):
        raise errors.InvalidCommand("Give either a number of groups or a group size.")
    room = people(workshop)
    if command.count is not None:
        count = command.count
    else:
        assert command.size is not None
        count = max(1, math.ceil(len(room) / command.size))
    if count > MAX_GROUPS:
        raise errors.LimitReached(f"A workshop has at most {MAX_GROUPS} groups.")
    personas = workshop.personas
    groups = [
        Group(
            id=f"k{workshop.counter + 1 + i}",
            name="",
            persona=personas[i % len(personas)].id if personas else "",
        )
        for i in range(count)
    ]
    for i, person in enumerate(room):
        groups[i % count].members.append(person.id)
    return _event(workshop, groups)


def edit(workshop: Workshop, command: EditGroup) -> list[Event]:
    groups = _copy(workshop)
    group = _group(groups, command.group)
    if command.name is not None:
        group.name = tidy_title(command.name)
    if command.persona is not None:
        if command.persona and not any(p.id == command.persona for p in workshop.personas):
            raise errors.NotFound("This persona no longer exists.")
        group.persona = command.persona
    return _event(workshop, groups)


def _place(workshop: Workshop, groups: list[Group], participant: str, target: str | None) -> None:
    person = workshop.participants.get(participant)
    if person is None or person.role == "facilitator" or person.proxy:
        raise errors.NotFound("This participant is not in the room.")
    destination = None if target is None else _group(groups, target)
    for group in groups:
        if participant in group.members:
            group.members.remove(participant)
    if destination is not None:
        destination.members.append(participant)


def move(workshop: Workshop, command: MoveToGroup) -> list[Event]:
    groups = _copy(workshop)
    _place(workshop, groups, command.participant, command.group)
    return _event(workshop, groups)


def join(workshop: Workshop, participant: str, command: JoinGroup) -> list[Event]:
    if not workshop.group_pick:
        raise errors.Forbidden("The facilitator assigns the groups for now.")
    groups = _copy(workshop)
    _place(workshop, groups, participant, command.group)
    return _event(workshop, groups)


def set_work(workshop: Workshop, command: SetGroupWork) -> list[Event]:
    if not workshop.groups and (command.grouped or command.pick or command.walls):
        raise errors.Conflict("Split the room into groups first.")
    asked = (("grouped", command.grouped), ("pick", command.pick), ("walls", command.walls))
    changes = {k: v for k, v in asked if v is not None}
    return _event(workshop, _copy(workshop), **changes)


def clear(workshop: Workshop, _command: ClearGroups) -> list[Event]:
    return _event(workshop, [], grouped=False, pick=False, walls=False)


def present(workshop: Workshop, command: PresentGroup) -> list[Event]:
    """The tour: one group's work on the presenter view (and on every phone), then the next."""
    group = command.group or ""
    if group:
        _group(workshop.groups, group)
    return [] if group == workshop.presenting else [TourSet(group=group)]


def ask_help(workshop: Workshop, participant: str, command: AskHelp) -> list[Event]:
    groups = _copy(workshop)
    group = next((g for g in groups if participant in g.members), None)
    if group is None:
        raise errors.Conflict("You are not in a group.")
    group.help = command.help
    return _event(workshop, groups)


def welcome(workshop: Workshop, participant: Participant) -> list[Event]:
    """Someone joins the room while there are groups: they go to the smallest one."""
    if not workshop.groups or participant.role == "facilitator" or participant.proxy:
        return []
    groups = _copy(workshop)
    smallest = min(groups, key=lambda g: len(g.members))
    smallest.members.append(participant.id)
    return _event(workshop, groups)


def check_own_persona(workshop: Workshop, participant: str, persona: str) -> None:
    """During group work a participant edits their own group's persona only."""
    if not workshop.grouped:
        return
    group = group_of(workshop, participant)
    if group is not None and group.persona and persona != group.persona:
        raise errors.Forbidden(
            "During group work you edit your group's persona; the others' are read-only."
        )


def walls(workshop: Workshop) -> dict[str, set[str]]:
    """While groups work behind walls: persona id -> who may see its notes and curve (the
    members of the groups working on it, and the facilitators). Personas no group works on
    are seen by everyone, and are absent."""
    if not (workshop.grouped and workshop.group_walls):
        return {}
    facilitators = {p.id for p in workshop.participants.values() if p.role == "facilitator"}
    seen: dict[str, set[str]] = {}
    for group in workshop.groups:
        if group.persona:
            seen.setdefault(group.persona, set(facilitators)).update(group.members)
    return seen


def hidden_from(workshop: Workshop, viewer: str) -> frozenset[str]:
    """The personas whose notes and curve ``viewer`` may not see."""
    return hidden_by(walls(workshop), viewer)


def hidden_by(seen: dict[str, set[str]], viewer: str) -> frozenset[str]:
    """:func:`hidden_from` with the walls already at hand (one reading for a whole room)."""
    return frozenset(p for p, who in seen.items() if viewer not in who)


def apply_groups(workshop: Workshop, event: GroupsSet) -> None:
    workshop.groups = list(event.groups)
    workshop.grouped = event.grouped
    workshop.group_pick = event.pick
    workshop.group_walls = event.walls
    if not any(g.id == workshop.presenting for g in event.groups):
        workshop.presenting = ""
    top = max((id_number(g.id) for g in event.groups), default=0)
    workshop.counter = max(workshop.counter, top)


def forget_persona(workshop: Workshop) -> None:
    """Groups stop naming a persona that was removed (as roadmap items do)."""
    alive = {p.id for p in workshop.personas}
    for group in workshop.groups:
        if group.persona and group.persona not in alive:
            group.persona = ""
