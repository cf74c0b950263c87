"""The annual animation plan: the marketing actions that answer every contact moment of the
journeys, for which target, on which channels, with which content, when and how often.

The plan is the personas' journeys put end to end: the facilitator drafts it from the board
(:func:`draft`), then the room edits each row. A row names where it comes from (``sources``):
the scenario, roadmap item or solution note it answers.

Invariants (kept here):

- ``Workshop.plan`` is ordered by the room (``plan.move``) and holds at most ``MAX_PLAN_ROWS``;
- a row has a title; its ``persona`` and ``objective`` are existing ids or empty (``apply``
  empties them when the persona or objective goes, and the trash gives them back with it);
- ``months`` are 1..12, sorted, each once; ``channels`` each once, in the room's order;
- ``sources`` keep the ids they were given even when those items go: a draft never proposes
  again what a row (or a row in the trash) already answers, so drafting twice adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import msgspec

from sessions import errors, voting
from sessions.commands import AddPlanRow, DraftPlan, EditPlanRow, MovePlanRow, RemovePlanRow
from sessions.events import Event, PlanOrdered, PlanRowDeleted, PlanRowSaved
from sessions.limits import MAX_PLAN_ROWS, TITLE_MAX, tidy_title
from sessions.model import (
    CHANNELS,
    PLAN_FIELDS,
    Channel,
    PlanRow,
    Scenario,
    Workshop,
    id_number,
    moved,
)


def _row_index(workshop: Workshop, row_id: str) -> int:
    for i, row in enumerate(workshop.plan):
        if row.id == row_id:
            return i
    raise errors.NotFound("This plan row no longer exists: someone may have removed it.")


def _check_links(workshop: Workshop, persona: str, objective: str) -> None:
    if persona and not any(p.id == persona for p in workshop.personas):
        raise errors.NotFound("This persona no longer exists.")
    if objective and not any(o.id == objective for o in workshop.objectives):
        raise errors.NotFound("This objective no longer exists.")


def _tidy(row: PlanRow) -> PlanRow:
    """The row with its months sorted and its channels once each."""
    return msgspec.structs.replace(
        row,
        months=sorted(set(row.months)),
        channels=list(dict.fromkeys(row.channels)),
        sources=list(dict.fromkeys(row.sources)),
    )


def add_row(workshop: Workshop, command: AddPlanRow) -> list[Event]:
    if len(workshop.plan) >= MAX_PLAN_ROWS:
        raise errors.LimitReached(f"An animation plan has at most {MAX_PLAN_ROWS} rows.")
    _check_links(workshop, command.persona, command.objective)
    row = PlanRow(
        id=f"y{workshop.counter + 1}",
        title=tidy_title(command.title),
        **{f: getattr(command, f) for f in PLAN_FIELDS if f != "title"},
        sources=command.sources,
    )
    return [PlanRowSaved(row=_tidy(row), index=command.index)]


def edit_row(workshop: Workshop, command: EditPlanRow) -> list[Event]:
    row = workshop.plan[_row_index(workshop, command.row)]
    changes = {f: v for f in PLAN_FIELDS if (v := getattr(command, f)) is not None}
    if "title" in changes:
        changes["title"] = tidy_title(changes["title"])
    _check_links(workshop, changes.get("persona", ""), changes.get("objective", ""))
    changed = _tidy(msgspec.structs.replace(row, **changes))
    return [] if changed == row else [PlanRowSaved(row=changed)]


def move_row(workshop: Workshop, command: MovePlanRow) -> list[Event]:
    ids = [r.id for r in workshop.plan]
    order = moved(ids, _row_index(workshop, command.row), command.index)
    return [] if order is None else [PlanOrdered(order=order)]


def remove_row(workshop: Workshop, command: RemovePlanRow) -> list[Event]:
    _row_index(workshop, command.row)
    guard_rows(workshop, [command.row])
    return [PlanRowDeleted(row=command.row)]


def guard_rows(workshop: Workshop, row_ids: list[str]) -> None:
    """Refuse to delete rows the vote under way is about."""
    running = voting.current_round(workshop)
    if running is not None and any(r in running.items for r in row_ids):
        raise errors.Conflict("This row is in the vote under way: close the vote first.")


# -- the draft ----------------------------------------------------------------------------

Collector = Callable[[Workshop], list[PlanRow]]
"""Finds contact moments on the board, each as a proposed row (id empty); ``sources[0]`` is
the moment's own id, the other sources what it answers too (a roadmap item's notes)."""

_CHANNEL_WORDS: tuple[tuple[Channel, str], ...] = (
    ("crc", r"call ?cent(?:er|re)|centre d.appels?|crc|service client|customer service"),
    ("email", r"e-?mails?|courriels?|newsletters?"),
    ("phone", r"sms|phone|t[ée]l[ée]phone|calls?|appels?"),
    ("chatbot", r"chat ?bots?|chat|assistant virtuel|virtual assistant|bots?"),
    ("app", r"apps?|appli(?:cation)?s?|push|mobile"),
    ("vr", r"vr|virtual reality|r[ée]alit[ée] virtuelle"),
    ("social", r"social(?: media)?|r[ée]seaux sociaux|facebook|instagram|linkedin|tiktok"),
    ("web", r"web|site|online|en ligne|internet"),
    ("onsite", r"on-?site|reception|accueil|shops?|stores?|magasins?|agences?|boutiques?"),
)


def channels_in(text: str) -> list[Channel]:
    """The channels a free text names (a scenario's "email then SMS"), in the order named."""
    found: dict[Channel, int] = {}
    folded = text.casefold()
    taken: list[tuple[int, int]] = []
    for channel, words in _CHANNEL_WORDS:
        for match in re.finditer(rf"(?<![\w-])(?:{words})(?![\w])", folded):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue  # "call center" is not also a call
            taken.append(span)
            found.setdefault(channel, span[0])
            found[channel] = min(found[channel], span[0])
    return sorted(found, key=lambda c: found[c])


def _words(text: str) -> set[str]:
    """The words of five letters or more (short ones say little about what is meant)."""
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) >= 5}


def _matching_objective(workshop: Workshop, text: str) -> str:
    """The objective a scenario's business objective speaks of: the one whose title, KPIs and
    description share the most words with it (none when they share none)."""
    wanted = _words(text)
    best, shared = "", 0
    for objective in workshop.objectives:
        found = len(wanted & _words(f"{objective.title} {objective.kpis} {objective.description}"))
        if found > shared:
            best, shared = objective.id, found
    return best


def _stage_title(workshop: Workshop, stage_id: str) -> str:
    return next((s.title for s in workshop.stages if s.id == stage_id), "")


def _journey_order(workshop: Workshop) -> Callable[[tuple[str, str, str]], tuple[int, int, int]]:
    """Sort key of (persona, stage, id): the personas' journeys end to end."""
    personas = {p.id: i for i, p in enumerate(workshop.personas)}
    stages = {s.id: i for i, s in enumerate(workshop.stages)}
    return lambda key: (
        personas.get(key[0], len(personas)),
        stages.get(key[1], len(stages)),
        id_number(key[2]),
    )


def from_scenarios(workshop: Workshop) -> list[PlanRow]:
    """A row per marketing-automation scenario: its checklist gives the row's fields."""
    order = _journey_order(workshop)
    rows: list[PlanRow] = []
    for scenario in sorted(
        workshop.scenarios.values(), key=lambda c: order((c.persona, c.stage, c.id))
    ):
        fields = scenario.fields
        named = f"{fields.get('channels', '')} {fields.get('channel_priority', '')}"
        objective = _matching_objective(workshop, fields.get("objective", ""))
        kpis = next((o.kpis for o in workshop.objectives if o.id == objective), "")
        rows.append(
            PlanRow(
                id="",
                title=scenario.title,
                persona=scenario.persona,
                segment=fields.get("targeting", ""),
                channels=_campaign_channels(scenario) or channels_in(named),
                content=fields.get("contents", ""),
                frequency=fields.get("frequency", "") or fields.get("delays", ""),
                trigger=fields.get("trigger", "") or _stage_title(workshop, scenario.stage),
                objective=objective,
                kpis=kpis,
                sources=[scenario.id, *([scenario.key_moment] if scenario.key_moment else [])],
            )
        )
    return rows


def _campaign_channels(scenario: Scenario) -> list[Channel]:
    """The channels of a scenario's campaigns, in their order, each once."""
    return list(dict.fromkeys(c.channel for c in scenario.campaigns if c.channel is not None))


def from_moments(workshop: Workshop) -> list[PlanRow]:
    """A row per key moment no scenario serves yet (a scenario's row covers its moment): the
    moment itself is a contact to answer, on the channel of the note it is marked on."""
    order = _journey_order(workshop)
    rows: list[PlanRow] = []
    for moment in sorted(
        workshop.moments.values(), key=lambda m: order((m.persona, m.stage, m.id))
    ):
        note = workshop.notes.get(moment.note)
        rows.append(
            PlanRow(
                id="",
                title=moment.title,
                persona=moment.persona,
                channels=[note.channel] if note is not None and not note.hidden else [],
                trigger=_stage_title(workshop, moment.stage),
                sources=[moment.id, *([moment.note] if moment.note else [])],
            )
        )
    return rows


def from_roadmap(workshop: Workshop) -> list[PlanRow]:
    """A row per roadmap item: the solution it delivers is a contact with the customer."""
    order = _journey_order(workshop)
    rows: list[PlanRow] = []
    for item in sorted(workshop.roadmap.values(), key=lambda w: order((w.persona, w.stage, w.id))):
        channels: list[Channel] = [item.channel] if item.channel in CHANNELS else []  # type: ignore[list-item]
        rows.append(
            PlanRow(
                id="",
                title=item.title,
                persona=item.persona,
                channels=channels,
                content=item.description,
                trigger=_stage_title(workshop, item.stage),
                owner=item.owner,
                sources=[item.id, *item.notes],
            )
        )
    return rows


def from_solutions(workshop: Workshop) -> list[PlanRow]:
    """A row per solution note that no roadmap item gathers (notes in private wait)."""
    solutions = {lane.id for lane in workshop.lanes if lane.kind == "solutions"}
    gathered = {n for item in workshop.roadmap.values() for n in item.notes}
    order = _journey_order(workshop)
    notes = [
        n
        for n in workshop.notes.values()
        if n.lane in solutions and not n.hidden and n.id not in gathered and n.text.strip()
    ]
    notes.sort(key=lambda n: (*order((n.persona, n.stage, n.id))[:2], n.pos, id_number(n.id)))
    return [
        PlanRow(
            id="",
            title=" ".join(note.text.split())[:TITLE_MAX],
            persona=note.persona,
            channels=[note.channel],
            trigger=_stage_title(workshop, note.stage),
            sources=[note.id],
        )
        for note in notes
    ]


COLLECTORS: list[Collector] = [from_scenarios, from_moments, from_roadmap, from_solutions]
"""Where :func:`sources` looks for contact moments, most precise first: a moment found by an
earlier collector covers what it answers for the later ones (a scenario covers the key moment it
serves, a key moment the note it is marked on)."""


def sources(workshop: Workshop) -> list[PlanRow]:
    """Every contact moment on the board, as a proposed row (id empty), collectors in order."""
    return [row for collect in COLLECTORS for row in collect(workshop)]


def covered(workshop: Workshop) -> set[str]:
    """What the plan already answers: its rows' sources, and those of rows in the trash (a row
    the room removed is not proposed again; restore it instead)."""
    found = {s for row in workshop.plan for s in row.sources}
    for entry in workshop.trash.values():
        if entry.plan is not None:
            found.update(entry.plan.sources)
    return found


def draft(workshop: Workshop) -> list[PlanRow]:
    """The rows a draft adds: one per contact moment no row answers yet, with new ids, at most
    as many as the plan has room for. Pure; an empty list when the plan answers everything."""
    seen = covered(workshop)
    room = MAX_PLAN_ROWS - len(workshop.plan)
    rows: list[PlanRow] = []
    for proposal in sources(workshop):
        if not proposal.sources or proposal.sources[0] in seen or len(rows) >= room:
            continue
        seen.update(proposal.sources)
        row_id = f"y{workshop.counter + len(rows) + 1}"
        rows.append(_tidy(msgspec.structs.replace(proposal, id=row_id)))
    return rows


def draft_plan(workshop: Workshop, command: DraftPlan) -> list[Event]:
    if len(workshop.plan) >= MAX_PLAN_ROWS:
        raise errors.LimitReached(f"An animation plan has at most {MAX_PLAN_ROWS} rows.")
    return [PlanRowSaved(row=row) for row in draft(workshop)]


# -- apply --------------------------------------------------------------------------------


def forget_links(workshop: Workshop) -> None:
    """After a persona or an objective is gone: rows stop naming it."""
    personas = {p.id for p in workshop.personas}
    objectives = {o.id for o in workshop.objectives}
    for row in workshop.plan:
        if row.persona and row.persona not in personas:
            row.persona = ""
        if row.objective and row.objective not in objectives:
            row.objective = ""


def apply_plan(workshop: Workshop, event: PlanRowSaved | PlanOrdered | PlanRowDeleted) -> None:
    match event:
        case PlanRowSaved(row=row, index=index):
            at = next((i for i, r in enumerate(workshop.plan) if r.id == row.id), None)
            if at is not None:
                workshop.plan[at] = row
            elif index is None:
                workshop.plan.append(row)
            else:
                workshop.plan.insert(min(index, len(workshop.plan)), row)
            workshop.counter = max(workshop.counter, id_number(row.id))
        case PlanOrdered(order=order):
            by_id = {r.id: r for r in workshop.plan}
            workshop.plan = [by_id[i] for i in order if i in by_id]
        case PlanRowDeleted(row=row_id):
            workshop.plan = [r for r in workshop.plan if r.id != row_id]
