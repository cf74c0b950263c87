"""Derived figures of a workshop: the emotion curve, roadmap classes, ranked vote results.

Pure functions of the model, shared by every export and, later, by the board, so that a figure
is computed the same way wherever it is shown. Nothing here changes its arguments.

The emotion curve (:func:`curve`)
    One point per stage, in stage order. Its ``value`` is the facilitator's ``fixed`` value when
    set, else the median of the participants' ratings (-2 very negative .. +2 very positive),
    else ``None`` (nobody rated that stage). ``low`` and ``high`` are the extreme ratings, so a
    chart can draw the spread of the room around the line. ``curve(..., target=True)`` is the
    target journey's curve, computed the same way from the target ratings (how the persona
    should feel there once the chosen solutions are in place).

The target journey (:func:`target_solutions`, :func:`answered_irritants`)
    The solution notes marked ``target`` that sit in a ``solutions`` lane, of one persona, in
    grid order (stage, then position in the cell). An irritant of that persona is *answered* in
    the target journey when a chosen solution sits at its stage (the roadmap's own rule for
    ``answers``), or when a roadmap item made from a chosen solution names it in ``answers``.

Roadmap classes (:func:`roadmap_class`)
    Each criterion of an item is summed up by the median of its scores (1 low .. 5 high); the
    item's *effort* is the mean of the medians of cost, delay and complexity that were scored.
    The classes are the method's four (the Stratello road map); the rules, first match wins,
    with the default :class:`Thresholds` (each line can be moved by the facilitator):

    1. an ``override`` set by the facilitator (one of ``ROADMAP_CLASSES``) is the class;
    2. **must have**: strongly expected by customers *or* internally, ``customer >= 4`` or
       ``internal >= 4``: the market standard, to do soon whatever its impact or cost;
    3. **quick win**: strong impact and light effort (fast and cheap to deliver),
       ``impact >= 4`` and ``effort <= 2.5``: shows early that the experience is changing;
    4. **waow**: the room expects a buzz, ``buzz >= 4``; it is planned once the must-haves are
       covered (a planning advice shown beside the classes, not a condition of the class);
    5. **nice to have**: a real impact, ``impact >= 3``, that is not a quick win (costly and/or
       long, or a smaller impact): not a priority, but it can set the brand apart;
    6. otherwise no class (``None``): impact or effort not scored yet, or an impact too weak
       for any of the four, which the facilitator may still class by hand.

    ``underway`` (already under way) and ``external`` qualify an item without moving its class.

Vote results (:func:`ranked`)
    Dots per item summed over participants, items in decreasing order of dots, ties kept in the
    round's item order. Ranks are "competition" ranks: equal dots share a rank and the next rank
    skips (1, 1, 3). A round's stored ``result`` (written at the reveal) wins over a recount.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection
from dataclasses import dataclass

from sessions.model import (
    ROADMAP_CLASSES,
    ClassRules,
    Note,
    RoadmapItem,
    Tally,
    VoteRound,
    Workshop,
    cell_notes,
)

EFFORT_CRITERIA: tuple[str, ...] = ("cost", "delay", "complexity")
QUARTERS = 8
"""Quarters of the two-year roadmap: ``RoadmapItem.quarter`` runs from 0 to 7."""


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """The emotion of one persona at one stage."""

    stage: str
    value: float | None
    low: int | None
    high: int | None
    count: int
    """How many participants rated it."""
    fixed: bool
    """True when ``value`` is the facilitator's, not the room's median."""


def curve(workshop: Workshop, persona: str, target: bool = False) -> list[CurvePoint]:
    """The emotion curve of ``persona`` (its target curve when ``target``): one point per
    stage, in stage order."""
    points: list[CurvePoint] = []
    for stage in workshop.stages:
        emotion = workshop.emotions.get(f"{persona}:{stage.id}")
        ratings = list((emotion.target if target else emotion.ratings).values()) if emotion else []
        fixed = (emotion.target_fixed if target else emotion.fixed) if emotion else None
        median = float(statistics.median(ratings)) if ratings else None
        points.append(
            CurvePoint(
                stage=stage.id,
                value=float(fixed) if fixed is not None else median,
                low=min(ratings) if ratings else None,
                high=max(ratings) if ratings else None,
                count=len(ratings),
                fixed=fixed is not None,
            )
        )
    return points


def target_solutions(workshop: Workshop, persona: str) -> list[Note]:
    """The solutions chosen for ``persona``'s target journey, in grid order."""
    solutions = [lane.id for lane in workshop.lanes if lane.kind == "solutions"]
    return [
        note
        for stage in workshop.stages
        for lane in solutions
        for note in cell_notes(workshop, persona, stage.id, lane)
        if note.target
    ]


def answered_irritants(workshop: Workshop, persona: str) -> set[str]:
    """Ids of ``persona``'s irritant notes that the target journey answers."""
    chosen = target_solutions(workshop, persona)
    stages = {note.stage for note in chosen}
    ids = {note.id for note in chosen}
    named = {
        answer
        for item in workshop.roadmap.values()
        if ids & set(item.notes)
        for answer in item.answers
    }
    irritants = {lane.id for lane in workshop.lanes if lane.kind == "irritants"}
    return {
        note.id
        for note in workshop.notes.values()
        if note.persona == persona
        and note.lane in irritants
        and (note.stage in stages or note.id in named)
    }


def has_target(workshop: Workshop, persona: str) -> bool:
    """Whether ``persona`` has anything of a target journey: a target rating or solution."""
    return any(
        e.target or e.target_fixed is not None
        for e in workshop.emotions.values()
        if e.persona == persona
    ) or bool(target_solutions(workshop, persona))


Thresholds = ClassRules
"""Where the rules draw their lines; each workshop keeps its own in ``Workshop.rules``."""

DEFAULT_THRESHOLDS = Thresholds()


def criteria(item: RoadmapItem) -> dict[str, float]:
    """The median score of every criterion that received at least one score."""
    return {
        criterion: float(statistics.median(scores.values()))
        for criterion, scores in item.scores.items()
        if scores
    }


def effort(item: RoadmapItem) -> float | None:
    """Mean of the cost, delay and complexity medians that were scored; None if none was."""
    found = criteria(item)
    parts = [found[c] for c in EFFORT_CRITERIA if c in found]
    return sum(parts) / len(parts) if parts else None


def position(item: RoadmapItem) -> tuple[float, float] | None:
    """``(effort, impact)`` on the impact x effort matrix, or None while either is unknown.

    A value the facilitator set by dragging the item wins over the one from the scores.
    """
    impact = item.impact if item.impact is not None else criteria(item).get("impact")
    heavy = item.effort if item.effort is not None else effort(item)
    if impact is None or heavy is None:
        return None
    return heavy, impact


def roadmap_class(item: RoadmapItem, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str | None:
    """The item's class by the rules of the module docstring, or None when it cannot be told."""
    if item.override in ROADMAP_CLASSES:
        return item.override
    found = criteria(item)
    if max(found.get("customer", 0.0), found.get("internal", 0.0)) >= thresholds.expected:
        return "must_have"
    placed = position(item)
    if placed is not None and placed[1] >= thresholds.strong and placed[0] <= thresholds.light:
        return "quick_win"
    if found.get("buzz", 0.0) >= thresholds.buzz:
        return "waow"
    if placed is not None and placed[1] >= thresholds.real:
        return "nice_to_have"
    return None


def ranked(vote: VoteRound, voters: Collection[str] | None = None) -> list[Tally]:
    """The round's items by decreasing dots (ties in item order), with competition ranks;
    counting only the dots of ``voters`` when given (a group's result)."""
    totals = dict.fromkeys(vote.items, 0)
    for voter, cast in vote.dots.items():
        if voters is not None and voter not in voters:
            continue
        for item, dots in cast.items():
            if item in totals:
                totals[item] += dots
    order = sorted(totals, key=lambda item: -totals[item])  # stable: ties keep item order
    tallies: list[Tally] = []
    for index, item in enumerate(order):
        tied = tallies and tallies[-1].dots == totals[item]
        rank = tallies[-1].rank if tied else index + 1
        tallies.append(Tally(item=item, dots=totals[item], rank=rank))
    return tallies


def result(vote: VoteRound) -> list[Tally]:
    """The stored result of a revealed round, else a recount of its dots."""
    return list(vote.result) if vote.result is not None else ranked(vote)


def shown(vote: VoteRound) -> bool:
    """Whether a document may show this round's tallies: revealed, closed, or never hidden."""
    return vote.status in ("revealed", "closed") or not vote.hidden


def voters(vote: VoteRound) -> int:
    """How many participants cast at least one dot (the round's count once its ballots are
    sealed away, see ``sessions.views.sealed``)."""
    if not vote.dots:
        return vote.voters
    return sum(1 for cast in vote.dots.values() if any(cast.values()))


def quarter_of(index: int) -> tuple[int, int]:
    """``(year, quarter)`` both counted from 1, for a quarter index 0..7."""
    return index // 4 + 1, index % 4 + 1
