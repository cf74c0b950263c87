"""Key moments, and what makes a scenario one to launch first.

The method speaks to customers at key moments: commercial and brand moments come from the
brand's own calendar, customer moments from the journeys. Each macro-stage of a journey pursues
one macro-objective (``MACRO_OBJECTIVES``: lead generation, conversion, welcome, cross-sell,
up-sell, satisfaction, loyalty, engagement); at each key moment, one or more scenarios, each made
of campaigns (a channel, a timing, a content). Scenarios are then scored on three priorities
(``PRIORITIES``: serves the objectives, expected return, expected by the personas) so that the
room sees which to launch first (:func:`priorities`).

Invariants (kept here):

- a key moment's ``persona``, ``stage`` and ``note`` name existing items or are empty; one marked
  on a note takes the note's persona and stage, and a note written in private cannot carry one
  (the moment is shown to everyone); a command that deletes notes also saves the moments that
  named them, without the note (:func:`unlinked`);
- a scenario's ``key_moment`` names an existing key moment or is empty (removing a moment saves
  the scenarios that named it, in the same entry); its ``answers`` name existing irritant or
  expectation notes, at most ``MAX_ITEM_NOTES``; its ``campaigns`` are at most ``MAX_CAMPAIGNS``,
  each with its own id from the workshop's counter;
- ``scores[priority][participant]`` is an int from 1 to 5, one per participant and priority.
"""

from __future__ import annotations

import msgspec

from sessions import errors
from sessions.commands import (
    AddMoment,
    AnswerScenario,
    EditMoment,
    RemoveCampaign,
    RemoveMoment,
    ScoreScenario,
    SetCampaign,
    SetStageObjective,
)
from sessions.events import Event, MomentDeleted, MomentSaved, ScenarioSaved, StagesSet
from sessions.limits import MAX_CAMPAIGNS, MAX_ITEM_NOTES, MAX_MOMENTS
from sessions.model import (
    PRIORITIES,
    Campaign,
    KeyMoment,
    Scenario,
    Stage,
    Workshop,
    id_number,
)

ANSWERED_LANES: tuple[str, ...] = ("irritants", "expectations")
"""The lanes whose notes a scenario can answer."""


def _moment(workshop: Workshop, moment_id: str) -> KeyMoment:
    found = workshop.moments.get(moment_id)
    if found is None:
        raise errors.NotFound("This key moment no longer exists.")
    return found


def scenario_of(workshop: Workshop, scenario_id: str) -> Scenario:
    """The scenario called ``scenario_id``; NotFound when it is gone."""
    found = workshop.scenarios.get(scenario_id)
    if found is None:
        raise errors.NotFound("This scenario no longer exists.")
    return found


def _saved(scenario: Scenario, **changes: object) -> list[Event]:
    changed = msgspec.structs.replace(scenario, **changes)
    return [] if changed == scenario else [ScenarioSaved(scenario=changed)]


def stage_objective(workshop: Workshop, moment: KeyMoment) -> str | None:
    """The macro-objective a key moment serves: its own, else its stage's."""
    if moment.objective is not None:
        return moment.objective
    stage = next((s for s in workshop.stages if s.id == moment.stage), None)
    return stage.objective if stage is not None else None


def on_journey(workshop: Workshop, persona_id: str) -> list[tuple[Stage, list[KeyMoment]]]:
    """Each stage of a persona's journey with its key moments, in the order they were marked:
    the rows of the overview stage -> key moment -> scenarios (and the animation plan's)."""
    return [
        (
            stage,
            [
                m
                for m in workshop.moments.values()
                if (m.persona, m.stage) == (persona_id, stage.id)
            ],
        )
        for stage in workshop.stages
    ]


def calendar(workshop: Workshop) -> list[KeyMoment]:
    """The key moments that name no journey (commercial and brand ones, mostly)."""
    return [m for m in workshop.moments.values() if not m.persona]


def serving(workshop: Workshop, moment_id: str) -> list[Scenario]:
    """The scenarios that serve a key moment."""
    return [s for s in workshop.scenarios.values() if moment_id and s.key_moment == moment_id]


# -- key moments ---------------------------------------------------------------------------


def add_moment(workshop: Workshop, command: AddMoment) -> list[Event]:
    if len(workshop.moments) >= MAX_MOMENTS:
        raise errors.LimitReached(f"A workshop has at most {MAX_MOMENTS} key moments.")
    title = " ".join(command.title.split())
    if not title:
        raise errors.InvalidCommand("Give the key moment a title.")
    persona, stage, note = command.persona or "", command.stage or "", command.note or ""
    if note:
        found = workshop.notes.get(note)
        if found is None:
            raise errors.NotFound("This note no longer exists: someone may have deleted it.")
        if found.hidden:
            raise errors.Conflict("A note written in private can carry a key moment once revealed.")
        persona, stage = found.persona, found.stage
    if persona and not any(p.id == persona for p in workshop.personas):
        raise errors.NotFound("This persona no longer exists.")
    if stage and not any(s.id == stage for s in workshop.stages):
        raise errors.NotFound("This stage no longer exists: someone may have removed it.")
    moment = KeyMoment(
        id=f"m{workshop.counter + 1}",
        title=title,
        kind=command.kind,
        persona=persona,
        stage=stage,
        note=note,
        objective=command.objective,
    )
    return [MomentSaved(moment=moment)]


def edit_moment(workshop: Workshop, command: EditMoment) -> list[Event]:
    moment = _moment(workshop, command.moment)
    changes: dict[str, object] = {}
    if command.title is not None:
        changes["title"] = " ".join(command.title.split())
        if not changes["title"]:
            raise errors.InvalidCommand("A key moment needs a title.")
    if command.kind is not None:
        changes["kind"] = command.kind
    if command.objective is not None:
        changes["objective"] = command.objective or None
    changed = msgspec.structs.replace(moment, **changes)
    return [] if changed == moment else [MomentSaved(moment=changed)]


def removed(workshop: Workshop, moment_id: str) -> list[Event]:
    """The events deleting a key moment: the scenarios that served it stop naming it."""
    events: list[Event] = [MomentDeleted(moment=moment_id)]
    for scenario in workshop.scenarios.values():
        if scenario.key_moment == moment_id:
            events += _saved(scenario, key_moment="")
    return events


def remove_moment(workshop: Workshop, command: RemoveMoment) -> list[Event]:
    _moment(workshop, command.moment)
    return removed(workshop, command.moment)


def set_stage_objective(workshop: Workshop, command: SetStageObjective) -> list[Event]:
    at = next((i for i, s in enumerate(workshop.stages) if s.id == command.stage), None)
    if at is None:
        raise errors.NotFound("This stage no longer exists: someone may have removed it.")
    if workshop.stages[at].objective == command.objective:
        return []
    stages = list(workshop.stages)
    stages[at] = msgspec.structs.replace(stages[at], objective=command.objective)
    return [StagesSet(stages=stages)]


def unlinked(workshop: Workshop, deleted: list[str]) -> list[Event]:
    """Key moments and scenarios that name one of the ``deleted`` notes, saved without them."""
    gone = set(deleted)
    events: list[Event] = []
    for moment in workshop.moments.values():
        if moment.note in gone:
            events.append(MomentSaved(moment=msgspec.structs.replace(moment, note="")))
    for scenario in workshop.scenarios.values():
        if any(n in gone for n in scenario.answers):
            events += _saved(scenario, answers=[n for n in scenario.answers if n not in gone])
    return events


# -- what a scenario answers, its campaigns, its scores ------------------------------------


def answer(workshop: Workshop, command: AnswerScenario) -> list[Event]:
    scenario = scenario_of(workshop, command.scenario)
    answers = [n for n in scenario.answers if n != command.note]
    if command.on:
        note = workshop.notes.get(command.note)
        if note is None or note.hidden:
            raise errors.NotFound("This note no longer exists: someone may have deleted it.")
        lane = next((lane for lane in workshop.lanes if lane.id == note.lane), None)
        if lane is None or lane.kind not in ANSWERED_LANES:
            raise errors.InvalidCommand("A scenario answers irritants and expectations.")
        if command.note in scenario.answers:
            return []
        if len(answers) >= MAX_ITEM_NOTES:
            raise errors.LimitReached(f"A scenario answers at most {MAX_ITEM_NOTES} notes.")
        answers.append(command.note)
    return _saved(scenario, answers=answers)


def set_campaign(workshop: Workshop, command: SetCampaign) -> list[Event]:
    scenario = scenario_of(workshop, command.scenario)
    campaigns = list(scenario.campaigns)
    if command.campaign is None:
        if len(campaigns) >= MAX_CAMPAIGNS:
            raise errors.LimitReached(f"A scenario has at most {MAX_CAMPAIGNS} campaigns.")
        at = len(campaigns)
        campaigns.append(Campaign(id=f"e{workshop.counter + 1}"))
    else:
        at = next((i for i, c in enumerate(campaigns) if c.id == command.campaign), -1)
        if at < 0:
            raise errors.NotFound("This campaign no longer exists.")
    changes: dict[str, object] = {}
    if command.channel is not None:
        changes["channel"] = command.channel or None
    if command.timing is not None:
        changes["timing"] = command.timing.strip()
    if command.content is not None:
        changes["content"] = command.content
    campaigns[at] = msgspec.structs.replace(campaigns[at], **changes)
    return _saved(scenario, campaigns=campaigns)


def remove_campaign(workshop: Workshop, command: RemoveCampaign) -> list[Event]:
    scenario = scenario_of(workshop, command.scenario)
    if not any(c.id == command.campaign for c in scenario.campaigns):
        raise errors.NotFound("This campaign no longer exists.")
    return _saved(scenario, campaigns=[c for c in scenario.campaigns if c.id != command.campaign])


def score(workshop: Workshop, actor_id: str, command: ScoreScenario) -> list[Event]:
    scenario = scenario_of(workshop, command.scenario)
    scores = {criterion: dict(by) for criterion, by in scenario.scores.items()}
    mine = scores.setdefault(command.criterion, {})
    if command.value is None:
        mine.pop(actor_id, None)
    else:
        mine[actor_id] = command.value
    return _saved(scenario, scores={c: by for c, by in scores.items() if by})


# -- which to launch first -----------------------------------------------------------------


class Ranked(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One scenario's place among those scored (``board/static/js/priorities.js`` mirrors it)."""

    scenario: str
    rank: int
    """1 for the first; scenarios equal on everything share a rank."""
    total: float
    """Sum of the three priorities' means (a priority nobody scored counts 0)."""
    means: dict[str, float]
    tie: str = ""
    """How it stands against the one ranked just above with the same total: "" (none has the
    same total), the priority that put that one ahead, or "tied" (equal on everything)."""


def _means(scenario: Scenario) -> dict[str, float]:
    found: dict[str, float] = {}
    for criterion in PRIORITIES:
        values = list(scenario.scores.get(criterion, {}).values())
        if values:
            found[criterion] = round(sum(values) / len(values), 6)
    return found


def priorities(workshop: Workshop) -> list[Ranked]:
    """The scored scenarios, best first: by total, then by serving the objectives, then by
    expected return, then by what the personas expect (the method's own order), then by id."""
    rows = []
    for scenario in workshop.scenarios.values():
        means = _means(scenario)
        if means:
            total = round(sum(means.values()), 6)
            rows.append((scenario, means, total))
    rows.sort(
        key=lambda r: (
            -r[2],
            *(-r[1].get(c, 0.0) for c in PRIORITIES),
            id_number(r[0].id),
        )
    )
    ranked: list[Ranked] = []
    for i, (scenario, means, total) in enumerate(rows):
        rank, tie = i + 1, ""
        if ranked and ranked[-1].total == total:
            above = ranked[-1]
            tie = next(
                (c for c in PRIORITIES if above.means.get(c, 0.0) != means.get(c, 0.0)), "tied"
            )
            if tie == "tied":
                rank = above.rank
        ranked.append(Ranked(scenario=scenario.id, rank=rank, total=total, means=means, tie=tie))
    return ranked


def first_three(workshop: Workshop) -> list[Ranked]:
    """The scenarios to launch first: ranks 1 to 3 (more than three when tied for third)."""
    return [r for r in priorities(workshop) if r.rank <= 3]


# -- apply ---------------------------------------------------------------------------------


def forget_links(workshop: Workshop) -> None:
    """After a persona or a stage is gone: key moments stop naming it."""
    personas = {p.id for p in workshop.personas}
    stages = {s.id for s in workshop.stages}
    for moment in workshop.moments.values():
        if moment.persona and moment.persona not in personas:
            moment.persona = ""
        if moment.stage and moment.stage not in stages:
            moment.stage = ""


def apply_moment(workshop: Workshop, event: MomentSaved | MomentDeleted) -> None:
    match event:
        case MomentSaved(moment=moment):
            workshop.moments[moment.id] = moment
            workshop.counter = max(workshop.counter, id_number(moment.id))
        case MomentDeleted(moment=moment_id):
            workshop.moments.pop(moment_id, None)
