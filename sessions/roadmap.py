"""From solutions to decisions: roadmap items (chantiers) and marketing-automation scenarios.

Invariants (kept here):

- a roadmap item made from notes keeps their ids, and takes its persona, stage and channel
  from the first of them; ``answers`` lists the irritants of that persona and stage at the time;
  a note written in private (``hidden``) becomes an item only once revealed, since the item (its
  title comes from the note) is shown to everyone; ``notes`` and ``answers`` only name existing
  notes: a command that deletes notes also saves the items that named them (:func:`unlinked`);
- ``scores[criterion][participant]`` is an int from 1 to 5, one per participant and criterion;
  the figures shown (median, spread, class) are computed by ``sessions.summary``;
- ``override`` is one of ``ROADMAP_CLASSES`` or None, ``quarter`` 0..7 or None, and ``impact`` /
  ``effort`` (set by dragging on the matrix) 1..5 or None;
- a scenario's ``fields`` only holds keys of ``SCENARIO_FIELDS`` with non-empty values; its
  ``persona`` and ``stage`` are existing ids or empty (its key moment, answers, campaigns and
  scores: ``sessions.moments``).
"""

from __future__ import annotations

import msgspec

from sessions import errors, moments
from sessions.commands import (
    AddRoadmapItem,
    AddScenario,
    AdjustRoadmapItem,
    ClassifyRoadmapItem,
    EditRoadmapItem,
    EditScenario,
    PlaceRoadmapItem,
    RemoveRoadmapItem,
    RemoveScenario,
    ScoreRoadmapItem,
    SetRules,
)
from sessions.events import (
    Event,
    RoadmapItemDeleted,
    RoadmapItemSaved,
    RulesSet,
    ScenarioDeleted,
    ScenarioSaved,
)
from sessions.limits import MAX_ROADMAP_ITEMS, MAX_SCENARIOS, TITLE_MAX
from sessions.model import (
    SCENARIO_FIELDS,
    ClassRules,
    RoadmapItem,
    Scenario,
    Workshop,
    cell_notes,
    id_number,
)


def _item(workshop: Workshop, item_id: str) -> RoadmapItem:
    item = workshop.roadmap.get(item_id)
    if item is None:
        raise errors.NotFound("This roadmap item no longer exists.")
    return item


def _saved(item: RoadmapItem, **changes: object) -> list[Event]:
    changed = msgspec.structs.replace(item, **changes)
    return [] if changed == item else [RoadmapItemSaved(item=changed)]


def add_item(workshop: Workshop, command: AddRoadmapItem) -> list[Event]:
    if len(workshop.roadmap) >= MAX_ROADMAP_ITEMS:
        raise errors.LimitReached(f"A roadmap has at most {MAX_ROADMAP_ITEMS} items.")
    notes = list(dict.fromkeys(command.notes))
    missing = [n for n in notes if n not in workshop.notes]
    if missing:
        raise errors.NotFound(f"These notes no longer exist: {', '.join(missing)}.")
    if any(workshop.notes[n].hidden for n in notes):
        raise errors.Conflict("A note written in private becomes a roadmap item once revealed.")
    title = " ".join(command.title.split())
    if not title and notes:
        title = " ".join(workshop.notes[notes[0]].text.split())[:TITLE_MAX]
    if not title:
        raise errors.InvalidCommand("Give the item a title, or make it from solution notes.")
    item = RoadmapItem(id=f"w{workshop.counter + 1}", title=title, description=command.description)
    if notes:
        first = workshop.notes[notes[0]]
        irritants = [lane.id for lane in workshop.lanes if lane.kind == "irritants"]
        answers = [
            n.id
            for lane in irritants
            for n in cell_notes(workshop, first.persona, first.stage, lane)
            if not n.hidden
        ]
        item = msgspec.structs.replace(
            item,
            notes=notes,
            persona=first.persona,
            stage=first.stage,
            channel=first.channel,
            answers=answers,
        )
    return [RoadmapItemSaved(item=item)]


def unlinked(workshop: Workshop, deleted: list[str]) -> list[Event]:
    """The items, key moments and scenarios that name one of the ``deleted`` notes, saved
    without them (for the same entry as the notes' deletion, so that browsers only upsert)."""
    gone = set(deleted)
    events: list[Event] = []
    for item in workshop.roadmap.values():
        notes = [n for n in item.notes if n not in gone]
        answers = [n for n in item.answers if n not in gone]
        events += _saved(item, notes=notes, answers=answers)
    return [*events, *moments.unlinked(workshop, deleted)]


def edit_item(workshop: Workshop, command: EditRoadmapItem) -> list[Event]:
    item = _item(workshop, command.item)
    changes = {
        name: value
        for name in ("title", "description", "owner")
        if (value := getattr(command, name)) is not None
    }
    if command.title is not None:
        changes["title"] = " ".join(command.title.split())
        if not changes["title"]:
            raise errors.InvalidCommand("A roadmap item needs a title.")
    return _saved(item, **changes)


def score_item(workshop: Workshop, actor_id: str, command: ScoreRoadmapItem) -> list[Event]:
    item = _item(workshop, command.item)
    scores = {criterion: dict(by) for criterion, by in item.scores.items()}
    mine = scores.setdefault(command.criterion, {})
    if command.value is None:
        mine.pop(actor_id, None)
    else:
        mine[actor_id] = command.value
    scores = {criterion: by for criterion, by in scores.items() if by}
    return _saved(item, scores=scores)


def classify_item(workshop: Workshop, command: ClassifyRoadmapItem) -> list[Event]:
    return _saved(_item(workshop, command.item), override=command.klass)


def place_item(workshop: Workshop, command: PlaceRoadmapItem) -> list[Event]:
    return _saved(_item(workshop, command.item), quarter=command.quarter)


def adjust_item(workshop: Workshop, command: AdjustRoadmapItem) -> list[Event]:
    return _saved(_item(workshop, command.item), impact=command.impact, effort=command.effort)


def remove_item(workshop: Workshop, command: RemoveRoadmapItem) -> list[Event]:
    _item(workshop, command.item)
    return [RoadmapItemDeleted(item=command.item)]


def set_rules(workshop: Workshop, command: SetRules) -> list[Event]:
    if command.real > command.strong:
        raise errors.InvalidCommand("A real impact cannot start above a strong impact.")
    rules = ClassRules(
        strong=command.strong,
        light=command.light,
        expected=command.expected,
        real=command.real,
        buzz=command.buzz,
    )
    return [] if rules == workshop.rules else [RulesSet(rules=rules)]


# -- scenarios ------------------------------------------------------------------------------


def _check_links(workshop: Workshop, persona: str, stage: str) -> None:
    if persona and not any(p.id == persona for p in workshop.personas):
        raise errors.NotFound("This persona no longer exists.")
    if stage and not any(s.id == stage for s in workshop.stages):
        raise errors.NotFound("This stage no longer exists.")


def add_scenario(workshop: Workshop, command: AddScenario) -> list[Event]:
    if len(workshop.scenarios) >= MAX_SCENARIOS:
        raise errors.LimitReached(f"A workshop has at most {MAX_SCENARIOS} scenarios.")
    title = " ".join(command.title.split())
    if not title:
        raise errors.InvalidCommand("Give the scenario a title.")
    persona, stage = command.persona or "", command.stage or ""
    _check_links(workshop, persona, stage)
    scenario = Scenario(
        id=f"c{workshop.counter + 1}",
        title=title,
        moment=command.moment,
        persona=persona,
        stage=stage,
    )
    return [ScenarioSaved(scenario=scenario)]


def edit_scenario(workshop: Workshop, command: EditScenario) -> list[Event]:
    scenario = moments.scenario_of(workshop, command.scenario)
    value = command.value
    match command.field:
        case "title":
            value = " ".join(value.split())
            if not value or len(value) > TITLE_MAX:
                raise errors.InvalidCommand(f"A title has 1 to {TITLE_MAX} characters.")
            changed = msgspec.structs.replace(scenario, title=value)
        case "moment":
            if value not in ("commercial", "brand", "customer"):
                raise errors.InvalidCommand("A moment is commercial, brand or customer.")
            changed = msgspec.structs.replace(scenario, moment=value)
        case "persona":
            _check_links(workshop, value, "")
            changed = msgspec.structs.replace(scenario, persona=value)
        case "stage":
            _check_links(workshop, "", value)
            changed = msgspec.structs.replace(scenario, stage=value)
        case "key_moment":
            if value and value not in workshop.moments:
                raise errors.NotFound("This key moment no longer exists.")
            changed = msgspec.structs.replace(scenario, key_moment=value)
        case _:
            fields = dict(scenario.fields)
            if value.strip():
                fields[command.field] = value
            else:
                fields.pop(command.field, None)
            changed = msgspec.structs.replace(scenario, fields=fields)
    return [] if changed == scenario else [ScenarioSaved(scenario=changed)]


def remove_scenario(workshop: Workshop, command: RemoveScenario) -> list[Event]:
    moments.scenario_of(workshop, command.scenario)
    return [ScenarioDeleted(scenario=command.scenario)]


def completeness(scenario: Scenario) -> tuple[int, int]:
    """How many checklist fields are filled, out of how many."""
    filled = sum(1 for f in SCENARIO_FIELDS if scenario.fields.get(f, "").strip())
    return filled, len(SCENARIO_FIELDS)


# -- apply --------------------------------------------------------------------------------


def forget_links(workshop: Workshop) -> None:
    """After a persona or a stage is gone: items and scenarios stop naming it."""
    personas = {p.id for p in workshop.personas}
    stages = {s.id for s in workshop.stages}
    for item in workshop.roadmap.values():
        if item.persona and item.persona not in personas:
            item.persona = ""
        if item.stage and item.stage not in stages:
            item.stage = ""
    for scenario in workshop.scenarios.values():
        if scenario.persona and scenario.persona not in personas:
            scenario.persona = ""
        if scenario.stage and scenario.stage not in stages:
            scenario.stage = ""
    moments.forget_links(workshop)


def apply_roadmap(workshop: Workshop, event: Event) -> None:
    match event:
        case RoadmapItemSaved(item=item):
            workshop.roadmap[item.id] = item
            workshop.counter = max(workshop.counter, id_number(item.id))
        case RoadmapItemDeleted(item=item_id):
            workshop.roadmap.pop(item_id, None)
        case RulesSet(rules=rules):
            workshop.rules = rules
        case ScenarioSaved(scenario=scenario):
            workshop.scenarios[scenario.id] = scenario
            ids = [scenario.id, *(c.id for c in scenario.campaigns)]
            workshop.counter = max(workshop.counter, *map(id_number, ids))
        case ScenarioDeleted(scenario=scenario_id):
            workshop.scenarios.pop(scenario_id, None)
