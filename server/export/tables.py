"""The workshop as flat tables (a header and rows), shared by the CSV and xlsx exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.export import palette
from server.export.words import Words, persona_names, stage_titles
from sessions import moments, summary
from sessions.model import (
    CRITERIA,
    PRIORITIES,
    SCENARIO_FIELDS,
    Campaign,
    VoteRound,
    Workshop,
    cell_notes,
)

Value = str | int | float | None


@dataclass(slots=True)
class Table:
    name: str
    header: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    fills: list[str | None] = field(default_factory=list)
    """A colour per row for the cell in column ``fill_column`` (a note's channel, an item's
    class), when the table has one."""
    fill_column: int = 0


def notes(workshop: Workshop, words: Words) -> Table:
    """Every note, persona by persona, in grid order (stage, then lane, then position)."""
    table = Table(
        words("notes"),
        [
            words("id"),
            words("persona"),
            words("stage"),
            words("lane"),
            words("position"),
            words("channel"),
            words("text"),
            words("tags"),
            words("author"),
            words("votes.col"),
            words("status"),
        ],
        fill_column=5,
    )
    people = {p.id: p.name for p in workshop.participants.values()}
    for persona in workshop.personas:
        for stage in workshop.stages:
            for lane in workshop.lanes:
                for order, note in enumerate(
                    cell_notes(workshop, persona.id, stage.id, lane.id), start=1
                ):
                    table.rows.append(
                        [
                            note.id,
                            persona.name,
                            stage.title,
                            words.lane(lane),
                            order,
                            words(f"channel.{note.channel}"),
                            note.text,
                            ", ".join(words.tags(note)),
                            people.get(note.author, note.author),
                            note.votes,
                            words("hidden") if note.hidden else "",
                        ]
                    )
                    table.fills.append(palette.channel_colour(note.channel))
    return table


def roadmap(workshop: Workshop, words: Words) -> Table:
    """Every roadmap item with the median of each criterion, its effort, class and quarter."""
    table = Table(
        words("roadmap"),
        [
            words("id"),
            words("title"),
            words("description"),
            words("persona"),
            words("stage"),
            words("channel"),
            words("owner"),
            *(words(f"criterion.{c}") for c in CRITERIA),
            words("effort"),
            words("class"),
            words("class.manual"),
            words("quarter"),
            words("notes"),
        ],
        fill_column=8 + len(CRITERIA),
    )
    personas = persona_names(workshop)
    stages = stage_titles(workshop)
    for item in workshop.roadmap.values():
        medians = summary.criteria(item)
        effort = summary.effort(item)
        kind = summary.roadmap_class(item, workshop.rules)
        table.rows.append(
            [
                item.id,
                item.title,
                item.description,
                personas.get(item.persona, ""),
                stages.get(item.stage, ""),
                words(f"channel.{item.channel}") if item.channel else "",
                item.owner,
                *(medians.get(c) for c in CRITERIA),
                round(effort, 2) if effort is not None else None,
                words(f"class.{kind}") if kind else "",
                words("yes") if item.override else "",
                words.quarter(item.quarter) if item.quarter is not None else "",
                " | ".join(workshop.notes[n].text for n in item.notes if n in workshop.notes),
            ]
        )
        table.fills.append(palette.class_tint(kind))
    return table


def item_label(workshop: Workshop, item_id: str) -> str:
    """What a vote item is called: an objective's title, or a note's text."""
    for objective in workshop.objectives:
        if objective.id == item_id:
            return objective.title
    note = workshop.notes.get(item_id)
    return note.text if note else item_id


def _per_group(vote: VoteRound, item: str, words: Words) -> str:
    """A round counted per group: each group's dots on ``item`` ("Group 1: 3 · Blues: 1"); a
    group an anonymous round withholds shows a dash."""
    parts = []
    for found in vote.groups or []:
        name = found.name or words("group.default", n=found.number)
        dots = next((t.dots for t in found.result if t.item == item), 0)
        parts.append(f"{name}: {'—' if found.withheld else dots}")
    return " · ".join(parts)


def votes(workshop: Workshop, words: Words) -> Table:
    """Every round's ranked result (rounds still hidden show their status only)."""
    table = Table(
        words("votes"),
        [
            words("round"),
            words("status"),
            words("rank"),
            words("item"),
            words("dots"),
            words("kpis"),
        ],
    )
    by_group = any(vote.groups for vote in workshop.rounds)  # a column only when it says something
    if by_group:
        table.header.append(words("votes.by_group"))
    kpis = {o.id: o.kpis for o in workshop.objectives}
    for index, vote in enumerate(workshop.rounds, start=1):
        title = round_title(vote, index, words)
        status = words(f"status.{vote.status}")
        if not summary.shown(vote):
            hidden: list[Value] = [title, status, None, words("votes.hidden"), None, ""]
            table.rows.append([*hidden, ""] if by_group else hidden)
            continue
        for tally in summary.result(vote):
            row: list[Value] = [
                title,
                status,
                tally.rank,
                item_label(workshop, tally.item),
                tally.dots,
                kpis.get(tally.item, ""),
            ]
            table.rows.append([*row, _per_group(vote, tally.item, words)] if by_group else row)
    return table


def round_title(vote: VoteRound, index: int, words: Words) -> str:
    return vote.title or f"{words('round')} {index}"


def scenarios(workshop: Workshop, words: Words) -> Table:
    """Every scenario as one row, its checklist as columns."""
    table = Table(
        words("scenarios"),
        [
            words("title"),
            words("moment"),
            words("persona"),
            words("stage"),
            *(words(f"scenario.{f}") for f in SCENARIO_FIELDS),
            words("moment.key"),
            words("answers"),
            words("campaigns"),
            *(words(f"priority.{p}") for p in PRIORITIES),
            words("rank"),
        ],
    )
    personas = persona_names(workshop)
    stages = stage_titles(workshop)
    ranked = {r.scenario: r for r in moments.priorities(workshop)}
    for scenario in workshop.scenarios.values():
        key = workshop.moments.get(scenario.key_moment)
        place = ranked.get(scenario.id)
        table.rows.append(
            [
                scenario.title,
                words(f"moment.{scenario.moment}"),
                personas.get(scenario.persona, ""),
                stages.get(scenario.stage, ""),
                *(scenario.fields.get(f, "") for f in SCENARIO_FIELDS),
                key.title if key else "",
                "; ".join(workshop.notes[n].text for n in scenario.answers if n in workshop.notes),
                "\n".join(campaign_line(c, words) for c in scenario.campaigns),
                *(place.means.get(p) if place else None for p in PRIORITIES),
                place.rank if place else None,
            ]
        )
    return table


def campaign_line(campaign: Campaign, words: Words) -> str:
    """One campaign as a line: channel, timing, content."""
    channel = words(f"channel.{campaign.channel}") if campaign.channel else ""
    return " · ".join(x for x in (channel, campaign.timing, campaign.content) if x)


def key_moments(workshop: Workshop, words: Words) -> Table:
    """Every key moment: its kind, journey, stage, note, macro-objective and scenarios."""
    table = Table(
        words("moments"),
        [
            words("moment.key"),
            words("moment"),
            words("persona"),
            words("stage"),
            words("on.note"),
            words("macro_objective"),
            words("scenarios"),
        ],
    )
    personas = persona_names(workshop)
    stages = stage_titles(workshop)
    for moment in workshop.moments.values():
        aim = moments.stage_objective(workshop, moment)
        note = workshop.notes.get(moment.note)
        table.rows.append(
            [
                moment.title,
                words(f"moment.{moment.kind}"),
                personas.get(moment.persona, ""),
                stages.get(moment.stage, ""),
                note.text if note else "",
                words(f"objective.{aim}") if aim else "",
                "; ".join(s.title for s in moments.serving(workshop, moment.id)),
            ]
        )
    return table


def plan(workshop: Workshop, words: Words) -> Table:
    """Every action of the animation plan, in the room's order."""
    table = Table(
        words("plan"),
        [
            words("plan.action"),
            words("persona"),
            words("plan.segment"),
            words("plan.channels"),
            words("plan.months"),
            words("plan.trigger"),
            words("plan.frequency"),
            words("plan.content"),
            words("plan.objective"),
            words("kpis"),
            words("owner"),
            words("votes.col"),
        ],
    )
    personas = persona_names(workshop)
    objectives = {o.id: o.title for o in workshop.objectives}
    for row in workshop.plan:
        table.rows.append(
            [
                row.title,
                personas.get(row.persona, ""),
                row.segment,
                ", ".join(words(f"channel.{c}") for c in row.channels),
                ", ".join(words(f"month.{m}") for m in row.months),
                row.trigger,
                row.frequency,
                row.content,
                objectives.get(row.objective, ""),
                row.kpis,
                row.owner,
                row.votes,
            ]
        )
    return table
