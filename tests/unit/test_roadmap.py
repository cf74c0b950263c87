"""Roadmap items, their scores and classes, scenario cards; links that outlive a removal; saving
as a template; replicas of the whole method converge."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions import errors, roadmap, snapshot, summary, templates, views
from sessions.model import (
    CRITERIA,
    PERSONA_FIELDS,
    SCENARIO_FIELDS,
    ClassRules,
    RoadmapItem,
    Scenario,
    Workshop,
    clone,
    id_number,
)
from sessions.protocol import (
    FACILITATOR_COMMANDS,
    MAX_ROADMAP_ITEMS,
    MAX_SCENARIOS,
    TITLE_MAX,
    AddObjective,
    AddRoadmapItem,
    AddScenario,
    AdjustRoadmapItem,
    ClassifyRoadmapItem,
    Command,
    DeleteNote,
    EditObjective,
    EditPersona,
    EditRoadmapItem,
    EditScenario,
    Entry,
    FixEmotion,
    PlaceRoadmapItem,
    RateStage,
    RemovePersona,
    RemoveRoadmapItem,
    RemoveScenario,
    RemoveStage,
    RevealNotes,
    RoadmapItemDeleted,
    RoadmapItemSaved,
    RulesSet,
    ScenarioDeleted,
    ScenarioSaved,
    ScoreRoadmapItem,
    SetPrivate,
    SetRules,
    client_decoder,
    encoder,
    entry_decoder,
    tags,
)
from sessions.rules import Actor, apply_all, decide
from tests.unit.ballots import NOW, play, refused
from tests.unit.method import note, persona, room
from tests.unit.workshops import FACILITATOR, enter


def item_from(workshop: Workshop, actor: Actor, title: str = "", *notes: str) -> RoadmapItem:
    """Add a roadmap item (from ``notes``, or from scratch); the item."""
    events = play(workshop, actor, AddRoadmapItem(op_id="r", title=title, notes=list(notes)))
    assert len(events) == 1 and isinstance(events[0], RoadmapItemSaved)
    return events[0].item


def score(item: str, criterion: str, value: int | None) -> ScoreRoadmapItem:
    fields = {"op_id": "s", "item": item, "criterion": criterion, "value": value}
    return msgspec.convert(fields, ScoreRoadmapItem)


def decodes(frame: dict[str, Any]) -> bool:
    """Whether a client frame gets past the protocol's types."""
    try:
        client_decoder.decode(json.dumps({"op_id": "x", **frame}))
    except msgspec.ValidationError:
        return False
    return True


# -- roadmap items ------------------------------------------------------------------------


def test_item_from_notes_keeps_their_place_and_answers_the_cells_irritants() -> None:
    """An item made from solution notes keeps them, takes persona, stage and channel from the
    first, its title from the first's text, and answers the irritants of that persona and stage."""
    workshop, pat, bob = room()
    other = persona(workshop)
    first = note(workshop, pat, "  Chatbot   on the booking page ", lane="solutions", stage=1)
    second = note(workshop, bob, "Live chat", lane="solutions", stage=2, channel="app")
    pains = [note(workshop, bob, f"pain {i}", lane="irritants", stage=1) for i in range(2)]
    note(workshop, bob, "other stage", lane="irritants", stage=2)
    note(workshop, bob, "other persona", lane="irritants", stage=1, persona=other)
    note(workshop, bob, "not an irritant", lane="expectations", stage=1)
    item = item_from(workshop, pat, "", first.id, second.id, first.id)
    assert item == RoadmapItem(
        id=item.id,
        title="Chatbot on the booking page",
        notes=[first.id, second.id],
        persona=workshop.personas[0].id,
        stage=workshop.stages[1].id,
        channel="web",
        answers=[p.id for p in pains],
    )
    assert workshop.roadmap == {item.id: item}
    assert item.id not in {first.id, second.id} and workshop.counter >= int(item.id[1:])


def test_item_title_given_wins_and_a_long_note_is_cut_to_a_title() -> None:
    """A title given is used (tidied); a title from a long note is cut to TITLE_MAX."""
    workshop, pat, _ = room()
    long = note(workshop, pat, "word " * 40, lane="solutions")
    assert item_from(workshop, pat, "  Own   title ", long.id).title == "Own title"
    made = item_from(workshop, pat, "", long.id)
    assert len(made.title) == TITLE_MAX and "word word" in made.title


def test_item_from_scratch_needs_a_title_and_links_nothing() -> None:
    """Without notes an item needs a title; it names no note, persona, stage or channel."""
    workshop, pat, _ = room()
    events = play(workshop, pat, AddRoadmapItem(op_id="r", title="CRM", description="One base"))
    made = next(iter(workshop.roadmap.values()))
    assert events == [RoadmapItemSaved(item=made)]
    assert made == RoadmapItem(id=made.id, title="CRM", description="One base")
    for title in ("", "   "):
        assert refused(workshop, pat, AddRoadmapItem(op_id="r", title=title)).code == "invalid"


def test_item_from_missing_notes_is_not_found() -> None:
    """Naming a note that does not exist refuses the whole item with not_found."""
    workshop, pat, _ = room()
    real = note(workshop, pat, "real", lane="solutions")
    command = AddRoadmapItem(op_id="r", title="x", notes=[real.id, "n999"])
    assert refused(workshop, pat, command).code == "not_found"


def test_item_past_the_limit_is_refused() -> None:
    """The item after MAX_ROADMAP_ITEMS is refused with limit."""
    workshop, pat, _ = room()
    for i in range(MAX_ROADMAP_ITEMS):
        item_from(workshop, pat, f"Item {i}")
    assert refused(workshop, pat, AddRoadmapItem(op_id="r", title="more")).code == "limit"


def test_item_from_a_note_written_in_private_waits_for_the_reveal() -> None:
    """A hidden note cannot become an item (its text would reach everyone): refused, for its
    author and the facilitator too, until the reveal; hidden irritants are not answered."""
    workshop, pat, bob = room()
    play(workshop, FACILITATOR, SetPrivate(op_id="p", private=True))
    secret = note(workshop, pat, "secret plan", lane="solutions")
    note(workshop, pat, "secret pain", lane="irritants")
    for actor in (bob, pat, FACILITATOR):
        command = AddRoadmapItem(op_id="r", notes=[secret.id])
        assert refused(workshop, actor, command).code == "conflict"
    play(workshop, FACILITATOR, RevealNotes(op_id="r"))
    made = item_from(workshop, bob, "", secret.id)
    assert made.title == "secret plan" and len(made.answers) == 1


def test_item_edit_changes_only_the_fields_given() -> None:
    """roadmap.edit sets title, description and owner, each alone; the same values are a no-op."""
    workshop, pat, bob = room()
    made = item_from(workshop, pat, "First")
    play(workshop, bob, EditRoadmapItem(op_id="e", item=made.id, owner="IT"))
    play(workshop, pat, EditRoadmapItem(op_id="e", item=made.id, description="Why"))
    play(workshop, pat, EditRoadmapItem(op_id="e", item=made.id, title="Second"))
    changed = workshop.roadmap[made.id]
    assert (changed.title, changed.description, changed.owner) == ("Second", "Why", "IT")
    same = EditRoadmapItem(op_id="e", item=made.id, title="Second", owner="IT")
    assert decide(workshop, pat, same) == []
    missing = EditRoadmapItem(op_id="e", item="w999", title="x")
    assert refused(workshop, pat, missing).code == "not_found"


def test_item_edit_tidies_the_title_and_never_blanks_it() -> None:
    """Like roadmap.add, roadmap.edit tidies the title's spaces and refuses a blank one."""
    workshop, pat, _ = room()
    made = item_from(workshop, pat, "First")
    play(workshop, pat, EditRoadmapItem(op_id="e", item=made.id, title="  New   name "))
    assert workshop.roadmap[made.id].title == "New name"
    blank = EditRoadmapItem(op_id="e", item=made.id, title="   ")
    assert refused(workshop, pat, blank).code == "invalid"


def test_scores_are_one_per_participant_and_criterion_and_none_takes_back() -> None:
    """Each participant scores each criterion once (a new score replaces theirs); None takes it
    back, and a criterion nobody scores any more is gone."""
    workshop, pat, bob = room()
    made = item_from(workshop, pat, "Item").id
    play(workshop, pat, score(made, "impact", 5))
    play(workshop, bob, score(made, "impact", 2))
    play(workshop, pat, score(made, "impact", 4))
    play(workshop, pat, score(made, "cost", 1))
    assert workshop.roadmap[made].scores == {"impact": {pat.id: 4, bob.id: 2}, "cost": {pat.id: 1}}
    assert decide(workshop, pat, score(made, "cost", 1)) == []
    play(workshop, pat, score(made, "cost", None))
    assert workshop.roadmap[made].scores == {"impact": {pat.id: 4, bob.id: 2}}
    assert decide(workshop, pat, score(made, "cost", None)) == []
    assert refused(workshop, pat, score("w999", "cost", 3)).code == "not_found"


@pytest.mark.parametrize("value", [0, 6, 2.5])
def test_scores_outside_one_to_five_never_decode(value: object) -> None:
    """A score outside 1..5 (or not an integer), or an unknown criterion, never decodes."""
    assert not decodes({"type": "roadmap.score", "item": "w1", "criterion": "cost", "value": value})
    assert not decodes({"type": "roadmap.score", "item": "w1", "criterion": "fun", "value": 3})
    assert decodes({"type": "roadmap.score", "item": "w1", "criterion": "cost", "value": None})


def test_every_criterion_sums_up_by_median_and_spread() -> None:
    """For each criterion the figures are the median (even counts average the middle two) and
    the spread of the scores; effort is the mean of cost, delay and complexity."""
    workshop, pat, bob = room()
    ann = enter(workshop, "Ann")
    made = item_from(workshop, pat, "Item").id
    for criterion in CRITERIA:
        for actor, value in ((pat, 1), (bob, 4), (ann, 5)):
            play(workshop, actor, score(made, criterion, value))
    play(workshop, ann, score(made, "cost", None))
    item = workshop.roadmap[made]
    medians = summary.criteria(item)
    assert medians == {**dict.fromkeys(CRITERIA, 4.0), "cost": 2.5}
    spread = {c: (min(s.values()), max(s.values())) for c, s in item.scores.items()}
    assert spread == {**dict.fromkeys(CRITERIA, (1, 5)), "cost": (1, 4)}
    assert summary.effort(item) == pytest.approx((2.5 + 4 + 4) / 3)


def test_classify_sets_a_class_by_hand_that_wins_over_the_rules() -> None:
    """roadmap.classify overrides the rules' class; None gives the item back to the rules."""
    workshop, pat, _ = room()
    made = item_from(workshop, pat, "Item").id
    play(workshop, pat, score(made, "customer", 5))
    assert summary.roadmap_class(workshop.roadmap[made], workshop.rules) == "must_have"
    play(workshop, FACILITATOR, ClassifyRoadmapItem(op_id="c", item=made, klass="waow"))
    assert workshop.roadmap[made].override == "waow"
    assert summary.roadmap_class(workshop.roadmap[made], workshop.rules) == "waow"
    assert (
        decide(workshop, FACILITATOR, ClassifyRoadmapItem(op_id="c", item=made, klass="waow")) == []
    )
    play(workshop, FACILITATOR, ClassifyRoadmapItem(op_id="c", item=made, klass=None))
    assert summary.roadmap_class(workshop.roadmap[made], workshop.rules) == "must_have"
    missing = ClassifyRoadmapItem(op_id="c", item="w999", klass="waow")
    assert refused(workshop, FACILITATOR, missing).code == "not_found"


def test_classify_travels_as_class_and_knows_only_the_four() -> None:
    """On the wire the class is the field ``class``; an unknown class never decodes."""
    found = client_decoder.decode(
        json.dumps({"type": "roadmap.classify", "op_id": "x", "item": "w1", "class": "quick_win"})
    )
    assert isinstance(found, ClassifyRoadmapItem) and found.klass == "quick_win"
    assert not decodes({"type": "roadmap.classify", "item": "w1", "class": "urgent"})


def test_place_puts_an_item_in_one_of_eight_quarters_or_off_the_timeline() -> None:
    """roadmap.place takes quarters 0..7 and None; 8 or -1 never decode."""
    workshop, pat, _ = room()
    made = item_from(workshop, pat, "Item").id
    for quarter in (0, 7, None):
        play(workshop, pat, PlaceRoadmapItem(op_id="p", item=made, quarter=quarter))
        assert workshop.roadmap[made].quarter == quarter
    assert decide(workshop, pat, PlaceRoadmapItem(op_id="p", item=made, quarter=None)) == []
    missing = PlaceRoadmapItem(op_id="p", item="w999", quarter=1)
    assert refused(workshop, pat, missing).code == "not_found"
    for quarter in (8, -1):
        assert not decodes({"type": "roadmap.place", "item": made, "quarter": quarter})


def test_adjust_moves_the_item_on_the_matrix_over_its_scores() -> None:
    """roadmap.adjust sets impact and effort on the matrix; position() and the class use them,
    one at a time too; None gives the scores back."""
    workshop, pat, _ = room()
    made = item_from(workshop, pat, "Item").id
    for criterion, value in (("impact", 2), ("cost", 4), ("delay", 4)):
        play(workshop, pat, score(made, criterion, value))
    assert summary.position(workshop.roadmap[made]) == (4.0, 2.0)
    play(workshop, FACILITATOR, AdjustRoadmapItem(op_id="a", item=made, impact=4.5, effort=1.5))
    item = workshop.roadmap[made]
    assert (item.impact, item.effort, summary.position(item)) == (4.5, 1.5, (1.5, 4.5))
    assert summary.roadmap_class(item, workshop.rules) == "quick_win"
    play(workshop, FACILITATOR, AdjustRoadmapItem(op_id="a", item=made, impact=5, effort=None))
    assert summary.position(workshop.roadmap[made]) == (4.0, 5.0)
    play(workshop, FACILITATOR, AdjustRoadmapItem(op_id="a", item=made, impact=None, effort=None))
    assert summary.position(workshop.roadmap[made]) == (4.0, 2.0)
    same = AdjustRoadmapItem(op_id="a", item=made, impact=None, effort=None)
    assert decide(workshop, FACILITATOR, same) == []
    missing = AdjustRoadmapItem(op_id="a", item="w999", impact=1, effort=1)
    assert refused(workshop, FACILITATOR, missing).code == "not_found"
    assert not decodes({"type": "roadmap.adjust", "item": made, "impact": 0.5, "effort": 3})
    assert not decodes({"type": "roadmap.adjust", "item": made, "impact": 3, "effort": 5.5})


def test_an_unplaced_item_has_no_position() -> None:
    """Without impact or effort (scored or dragged) an item is not on the matrix."""
    workshop, pat, _ = room()
    made = item_from(workshop, pat, "Item").id
    assert summary.position(workshop.roadmap[made]) is None
    play(workshop, FACILITATOR, AdjustRoadmapItem(op_id="a", item=made, impact=3, effort=None))
    assert summary.position(workshop.roadmap[made]) is None


def test_remove_item() -> None:
    """roadmap.remove deletes the item; a missing one is not_found."""
    workshop, pat, _ = room()
    made = item_from(workshop, pat, "Item").id
    events = play(workshop, FACILITATOR, RemoveRoadmapItem(op_id="r", item=made))
    assert events == [RoadmapItemDeleted(item=made)] and workshop.roadmap == {}
    missing = RemoveRoadmapItem(op_id="r", item=made)
    assert refused(workshop, FACILITATOR, missing).code == "not_found"


def test_rules_set_moves_the_thresholds_of_this_workshop() -> None:
    """rules.set stores the thresholds in the workshop; the same ones are a no-op."""
    workshop, _, _ = room()
    assert workshop.rules == ClassRules()
    events = play(workshop, FACILITATOR, SetRules(op_id="r", strong=3.5, light=3, expected=5))
    assert events == [RulesSet(rules=ClassRules(strong=3.5, light=3, expected=5))]
    assert workshop.rules == ClassRules(strong=3.5, light=3.0, expected=5.0)
    same = SetRules(op_id="r", strong=3.5, light=3, expected=5)
    assert decide(workshop, FACILITATOR, same) == []
    assert not decodes({"type": "rules.set", "strong": 6, "light": 3, "expected": 4})


# -- classes at their boundaries: see tests/unit/test_roadmap_classes.py -------------------


# -- scenarios ------------------------------------------------------------------------------


def scenario_of(workshop: Workshop, actor: Actor, title: str = "Welcome", **links: Any) -> str:
    events = play(workshop, actor, AddScenario(op_id="c", title=title, **links))
    assert isinstance(events[0], ScenarioSaved)
    return events[0].scenario.id


def edit(scenario: str, field: str, value: str) -> EditScenario:
    fields = {"op_id": "e", "scenario": scenario, "field": field, "value": value}
    return msgspec.convert(fields, EditScenario)


def test_scenario_add_with_its_moment_and_links() -> None:
    """A scenario has a tidied title, a moment, an optional persona and stage, no field yet."""
    workshop, pat, _ = room()
    who, stage = workshop.personas[0].id, workshop.stages[2].id
    made = scenario_of(
        workshop, pat, "  Abandoned   cart ", moment="commercial", persona=who, stage=stage
    )
    assert workshop.scenarios[made] == Scenario(
        id=made, title="Abandoned cart", moment="commercial", persona=who, stage=stage
    )
    bare = scenario_of(workshop, pat, "Birthday")
    assert workshop.scenarios[bare] == Scenario(id=bare, title="Birthday")
    assert roadmap.completeness(workshop.scenarios[bare]) == (0, len(SCENARIO_FIELDS))


def test_scenario_add_is_refused_blank_unlinked_or_past_the_limit() -> None:
    """A blank title is invalid, a missing persona or stage not_found, past MAX_SCENARIOS limit."""
    workshop, pat, _ = room()
    assert refused(workshop, pat, AddScenario(op_id="c", title="  ")).code == "invalid"
    assert refused(workshop, pat, AddScenario(op_id="c", title="x", persona="a999")).code == (
        "not_found"
    )
    assert refused(workshop, pat, AddScenario(op_id="c", title="x", stage="s999")).code == (
        "not_found"
    )
    for i in range(MAX_SCENARIOS):
        scenario_of(workshop, pat, f"S{i}")
    assert refused(workshop, pat, AddScenario(op_id="c", title="more")).code == "limit"


@pytest.mark.parametrize("field", SCENARIO_FIELDS)
def test_each_checklist_field_is_filled_and_an_empty_value_removes_it(field: str) -> None:
    """A checklist field is written alone and counts in completeness; blank removes it."""
    workshop, pat, bob = room()
    made = scenario_of(workshop, pat)
    play(workshop, bob, edit(made, field, "Filled in"))
    assert workshop.scenarios[made].fields == {field: "Filled in"}
    assert roadmap.completeness(workshop.scenarios[made]) == (1, len(SCENARIO_FIELDS))
    assert decide(workshop, pat, edit(made, field, "Filled in")) == []
    play(workshop, pat, edit(made, field, " \n "))
    assert workshop.scenarios[made].fields == {}
    assert decide(workshop, pat, edit(made, field, "")) == []


def test_completeness_counts_every_field_filled() -> None:
    """Completeness is the number of filled checklist fields out of all of them."""
    workshop, pat, _ = room()
    made = scenario_of(workshop, pat)
    for field in SCENARIO_FIELDS[:5]:
        play(workshop, pat, edit(made, field, "x"))
    assert roadmap.completeness(workshop.scenarios[made]) == (5, len(SCENARIO_FIELDS))
    for field in SCENARIO_FIELDS:
        play(workshop, pat, edit(made, field, "x"))
    assert roadmap.completeness(workshop.scenarios[made]) == (14, 14)


def test_scenario_title_and_moment_edits() -> None:
    """The title is tidied and never blank; the moment is one of three."""
    workshop, pat, _ = room()
    made = scenario_of(workshop, pat)
    play(workshop, pat, edit(made, "title", "  Win   back "))
    play(workshop, pat, edit(made, "moment", "brand"))
    assert (workshop.scenarios[made].title, workshop.scenarios[made].moment) == (
        "Win back",
        "brand",
    )
    for field, value in (("title", " "), ("title", "x" * (TITLE_MAX + 1)), ("moment", "holiday")):
        assert refused(workshop, pat, edit(made, field, value)).code == "invalid", (field, value)


@pytest.mark.parametrize("link", ["persona", "stage"])
def test_scenario_links_name_existing_items_or_nothing(link: str) -> None:
    """A scenario's persona or stage is set to an existing one or cleared with an empty value;
    an unknown one is not_found."""
    workshop, pat, _ = room()
    made = scenario_of(workshop, pat)
    target = workshop.personas[0].id if link == "persona" else workshop.stages[3].id
    play(workshop, pat, edit(made, link, target))
    assert getattr(workshop.scenarios[made], link) == target
    assert refused(workshop, pat, edit(made, link, f"{link[0]}999")).code == "not_found"
    play(workshop, pat, edit(made, link, ""))
    assert getattr(workshop.scenarios[made], link) == ""


def test_scenario_edit_or_remove_of_a_missing_one_is_not_found() -> None:
    """Editing or removing a scenario that does not exist is refused with not_found."""
    workshop, pat, _ = room()
    assert refused(workshop, pat, edit("c999", "cta", "Book")).code == "not_found"
    missing = RemoveScenario(op_id="r", scenario="c999")
    assert refused(workshop, FACILITATOR, missing).code == "not_found"


def test_scenario_remove() -> None:
    """scenario.remove deletes the card."""
    workshop, pat, _ = room()
    made = scenario_of(workshop, pat)
    events = play(workshop, FACILITATOR, RemoveScenario(op_id="r", scenario=made))
    assert events == [ScenarioDeleted(scenario=made)] and workshop.scenarios == {}


# -- removals and the links that outlive them ---------------------------------------------------


def linked_room() -> tuple[Workshop, Actor, str, str, str]:
    """A second persona whose stage 1 holds a solution (made into an item), ratings and a
    scenario: the workshop, Pat, the persona, the item and the scenario."""
    workshop, pat, _ = room()
    other = persona(workshop)
    stage = workshop.stages[1].id
    solution = note(workshop, pat, "solution", lane="solutions", stage=1, persona=other)
    made = item_from(workshop, pat, "", solution.id).id
    play(workshop, pat, RateStage(op_id="r", persona=other, stage=stage, value=1))
    play(workshop, FACILITATOR, FixEmotion(op_id="f", persona=other, stage=stage, value=-1))
    card = scenario_of(workshop, pat, persona=other, stage=stage)
    return workshop, pat, other, made, card


def test_removing_a_persona_clears_its_emotions_and_links() -> None:
    """When a persona goes, its ratings go; items and scenarios stop naming it or its notes."""
    workshop, _, other, made, card = linked_room()
    play(workshop, FACILITATOR, RemovePersona(op_id="r", persona=other, with_notes=True))
    assert not [e for e in workshop.emotions.values() if e.persona == other]
    item, scenario = workshop.roadmap[made], workshop.scenarios[card]
    assert (item.persona, item.notes, scenario.persona) == ("", [], "")
    assert item.stage == scenario.stage == workshop.stages[1].id, "the stage is still there"


def test_removing_a_stage_clears_its_emotions_and_links() -> None:
    """When a stage goes, its ratings go; items and scenarios stop naming it or its notes."""
    workshop, _, other, made, card = linked_room()
    stage = workshop.stages[1].id
    play(workshop, FACILITATOR, RemoveStage(op_id="r", stage=stage, with_notes=True))
    assert not [e for e in workshop.emotions.values() if e.stage == stage]
    item, scenario = workshop.roadmap[made], workshop.scenarios[card]
    assert (item.stage, item.notes, scenario.stage) == ("", [], "")
    assert item.persona == scenario.persona == other


def test_deleting_a_note_unlinks_it_from_the_items() -> None:
    """A deleted note leaves the items made from it and the irritants they answer, with the
    item's new state in the same entry (browsers only upsert)."""
    workshop, pat, bob = room()
    solution = note(workshop, pat, "solution", lane="solutions")
    kept = note(workshop, pat, "kept", lane="solutions")
    pain = note(workshop, bob, "pain", lane="irritants")
    made = item_from(workshop, pat, "", solution.id, kept.id)
    assert made.answers == [pain.id]
    events = play(workshop, bob, DeleteNote(op_id="d", note=solution.id))
    after = msgspec.structs.replace(made, notes=[kept.id])
    assert RoadmapItemSaved(item=after) in events
    play(workshop, bob, DeleteNote(op_id="d", note=pain.id))
    assert workshop.roadmap[made.id] == msgspec.structs.replace(after, answers=[])


# -- facilitator only -------------------------------------------------------------------


def facilitator_roadmap_commands(workshop: Workshop) -> list[Command]:
    """One of each facilitator-only roadmap and scenario command, valid for the workshop."""
    made, card = next(iter(workshop.roadmap)), next(iter(workshop.scenarios))
    return [
        ClassifyRoadmapItem(op_id="f", item=made, klass="quick_win"),
        AdjustRoadmapItem(op_id="f", item=made, impact=2, effort=2),
        RemoveRoadmapItem(op_id="f", item=made),
        SetRules(op_id="f", strong=3, light=3, expected=3),
        RemoveScenario(op_id="f", scenario=card),
    ]


def test_those_roadmap_commands_are_the_facilitators() -> None:
    """Classify, adjust, remove, rules.set and scenario.remove are facilitator-only; adding,
    editing, scoring and placing items and editing scenarios are everyone's."""
    workshop, pat, _ = room()
    item_from(workshop, pat, "Item")
    scenario_of(workshop, pat)
    assert {type(c) for c in facilitator_roadmap_commands(workshop)} <= FACILITATOR_COMMANDS
    everyone = {AddRoadmapItem, EditRoadmapItem, ScoreRoadmapItem, PlaceRoadmapItem}
    assert not (everyone | {AddScenario, EditScenario}) & FACILITATOR_COMMANDS


@pytest.mark.parametrize("index", range(5))
def test_participant_is_forbidden_every_facilitator_roadmap_command(index: int) -> None:
    """A participant sending a facilitator-only roadmap or scenario command gets forbidden."""
    workshop, pat, _ = room()
    item_from(workshop, pat, "Item")
    scenario_of(workshop, pat)
    command = facilitator_roadmap_commands(workshop)[index]
    assert decide(workshop, FACILITATOR, command, NOW), "the facilitator may do it"
    assert refused(workshop, pat, command).code == "forbidden"


# -- save as template -------------------------------------------------------------------------


def test_capture_then_build_from_keeps_the_workshop_s_content() -> None:
    """A workshop saved as a template builds one with the same stages, personas and sheets,
    curves, notes in their cells and order, and objectives."""
    workshop, pat, _ = room("travel")
    who = persona(workshop, "Sam")
    for field in PERSONA_FIELDS:
        fields = {"op_id": "e", "persona": who, "field": field, "value": f"{field}!"}
        play(workshop, pat, msgspec.convert(fields, EditPersona))
    play(
        workshop,
        FACILITATOR,
        FixEmotion(op_id="f", persona=who, stage=workshop.stages[1].id, value=2),
    )
    play(
        workshop,
        FACILITATOR,
        FixEmotion(op_id="f", persona=who, stage=workshop.stages[3].id, value=-1),
    )
    note(workshop, pat, "Sam's first note", persona=who, stage=4, lane="irritants", channel="phone")
    note(workshop, pat, "Sam's second note", persona=who, stage=4, lane="irritants")
    play(
        workshop, FACILITATOR, AddObjective(op_id="o", title="Grow", description="Why", kpis="NPS")
    )
    first = workshop.objectives[0].id
    play(workshop, FACILITATOR, EditObjective(op_id="o", objective=first, description="Because"))

    saved = templates.capture(workshop, "Our journey")
    raw = msgspec.json.encode(saved)  # saved templates are kept as JSON
    built = templates.build_from(
        msgspec.json.decode(raw, type=templates.Template), "en", "ghijkl", "Again", "Fay"
    )

    assert [s.title for s in built.stages] == [s.title for s in workshop.stages]
    assert [msgspec.structs.replace(p, id="") for p in built.personas] == [
        msgspec.structs.replace(p, id="") for p in workshop.personas
    ]
    for old, new in zip(workshop.personas, built.personas, strict=True):
        before = summary.curve(workshop, old.id)
        kept = [(p.value, True) if p.fixed else (None, False) for p in before]
        assert [(p.value, p.fixed) for p in summary.curve(built, new.id)] == kept, old.name
    assert cells(built) == cells(workshop)
    assert [(o.title, o.description, o.kpis) for o in built.objectives] == [
        (o.title, o.description, o.kpis) for o in workshop.objectives
    ]
    assert built.rules == ClassRules() and not built.roadmap and not built.rounds
    assert list(built.participants) == ["p1"]


def cells(workshop: Workshop) -> dict[tuple[int, int, str], list[tuple[str, str]]]:
    """Every note as (text, channel) by (persona index, stage index, lane kind), in order."""
    persona_at = {p.id: i for i, p in enumerate(workshop.personas)}
    stage_at = {s.id: i for i, s in enumerate(workshop.stages)}
    kind = {lane.id: lane.kind for lane in workshop.lanes}
    found: dict[tuple[int, int, str], list[tuple[str, str]]] = {}
    for n in sorted(workshop.notes.values(), key=lambda n: (n.pos, int(n.id[1:]))):
        key = (persona_at[n.persona], stage_at[n.stage], kind[n.lane])
        found.setdefault(key, []).append((n.text, n.channel))
    return found


# -- replicas of the whole method ---------------------------------------------------------------

METHOD_KINDS = (
    "note.add",
    "note.add",
    "note.add",
    "note.delete",
    "note.tag",
    "persona.add",
    "persona.edit",
    "persona.move",
    "persona.remove",
    "emotion.rate",
    "emotion.rate",
    "emotion.fix",
    "lane.add",
    "lane.rename",
    "lane.move",
    "lane.remove",
    "stage.add",
    "stage.remove",
    "phase.set",
    "timer.set",
    "board.lock",
    "private.set",
    "private.set",
    "notes.reveal",
    "follow.set",
    "roadmap.add",
    "roadmap.add",
    "roadmap.edit",
    "roadmap.score",
    "roadmap.score",
    "roadmap.classify",
    "roadmap.place",
    "roadmap.adjust",
    "roadmap.remove",
    "rules.set",
    "scenario.add",
    "scenario.edit",
    "scenario.remove",
)


def pick(data: st.DataObject, existing: list[str], prefix: str) -> str:
    """One of the ids that exist, or now and then one that never did (to get refusals too)."""
    return data.draw(st.sampled_from([*existing, f"{prefix}999"]))


def draw_method_command(data: st.DataObject, workshop: Workshop) -> dict[str, Any]:
    """A random command of the method as a client frame (decoded by the real decoder)."""
    kind = data.draw(st.sampled_from(METHOD_KINDS))
    notes = sorted(workshop.notes, key=id_number)
    stages = [s.id for s in workshop.stages]
    lanes = [lane.id for lane in workshop.lanes]
    personas = [p.id for p in workshop.personas]
    items = sorted(workshop.roadmap, key=id_number)
    scenarios = sorted(workshop.scenarios, key=id_number)
    text = st.text(max_size=8)
    title = st.text(min_size=1, max_size=8)
    index = st.integers(0, 5)
    rating = st.none() | st.integers(-2, 2)
    scale = st.none() | st.sampled_from([1.0, 2.5, 4.0, 5.0])
    frame: dict[str, Any] = {"type": kind}
    match kind:
        case "note.add":
            frame |= {
                "persona": pick(data, personas, "a"),
                "stage": pick(data, stages, "s"),
                "lane": pick(data, lanes, "l"),
                "text": data.draw(text),
                "channel": data.draw(st.sampled_from(["web", "app", "phone"])),
            }
        case "note.delete":
            frame |= {"note": pick(data, notes, "n")}
        case "note.tag":
            tags = st.lists(st.sampled_from(["customer", "internal", "external"]), max_size=3)
            frame |= {"note": pick(data, notes, "n"), "tags": data.draw(tags)}
        case "persona.add":
            frame |= {"name": data.draw(title), "emoji": data.draw(st.sampled_from(["", "🙂"]))}
        case "persona.edit":
            field = data.draw(st.sampled_from(["name", "emoji", *PERSONA_FIELDS]))
            frame |= {
                "persona": pick(data, personas, "a"),
                "field": field,
                "value": data.draw(text),
            }
        case "persona.move" | "lane.move":
            key, ids, prefix = (
                ("persona", personas, "a") if kind == "persona.move" else ("lane", lanes, "l")
            )
            frame |= {key: pick(data, ids, prefix), "index": data.draw(index)}
        case "persona.remove":
            frame |= {"persona": pick(data, personas, "a"), "with_notes": data.draw(st.booleans())}
        case "emotion.rate" | "emotion.fix":
            frame |= {
                "persona": pick(data, personas, "a"),
                "stage": pick(data, stages, "s"),
                "value": data.draw(rating),
            }
        case "lane.add":
            frame |= {"title": data.draw(title), "index": data.draw(st.none() | index)}
        case "lane.rename":
            frame |= {"lane": pick(data, lanes, "l"), "title": data.draw(title)}
        case "lane.remove":
            frame |= {"lane": pick(data, lanes, "l"), "with_notes": data.draw(st.booleans())}
        case "stage.add":
            frame |= {"title": data.draw(title)}
        case "stage.remove":
            frame |= {"stage": pick(data, stages, "s"), "with_notes": data.draw(st.booleans())}
        case "phase.set":
            frame |= {"phase": data.draw(st.sampled_from(["personas", "roadmap", "scenarios"]))}
        case "timer.set":
            frame |= {"seconds": data.draw(st.none() | st.integers(1, 600))}
        case "board.lock":
            frame |= {"locked": data.draw(st.booleans())}
        case "private.set":
            frame |= {"private": data.draw(st.booleans())}
        case "follow.set":
            frame |= {"persona": data.draw(st.none() | st.just(pick(data, personas, "a")))}
        case "roadmap.add":
            chosen = data.draw(st.lists(st.sampled_from(notes), max_size=3)) if notes else []
            frame |= {"title": data.draw(st.sampled_from(["", "Item"])), "notes": chosen}
        case "roadmap.edit":
            frame |= {
                "item": pick(data, items, "w"),
                "title": data.draw(st.none() | title),
                "owner": data.draw(st.none() | text),
            }
        case "roadmap.score":
            frame |= {
                "item": pick(data, items, "w"),
                "criterion": data.draw(st.sampled_from(CRITERIA)),
                "value": data.draw(st.none() | st.integers(1, 5)),
            }
        case "roadmap.classify":
            classes = st.none() | st.sampled_from(
                ["quick_win", "must_have", "nice_to_have", "waow"]
            )
            frame |= {"item": pick(data, items, "w"), "class": data.draw(classes)}
        case "roadmap.place":
            frame |= {
                "item": pick(data, items, "w"),
                "quarter": data.draw(st.none() | st.integers(0, 7)),
            }
        case "roadmap.adjust":
            frame |= {
                "item": pick(data, items, "w"),
                "impact": data.draw(scale),
                "effort": data.draw(scale),
            }
        case "roadmap.remove":
            frame |= {"item": pick(data, items, "w")}
        case "rules.set":
            values = st.sampled_from([1.0, 2.5, 3.0, 4.0])
            frame |= {k: data.draw(values) for k in ("strong", "light", "expected")}
        case "scenario.add":
            frame |= {
                "title": data.draw(title),
                "persona": data.draw(st.none() | st.just(pick(data, personas, "a"))),
                "stage": data.draw(st.none() | st.just(pick(data, stages, "s"))),
            }
        case "scenario.edit":
            field = data.draw(
                st.sampled_from(["title", "moment", "persona", "stage", *SCENARIO_FIELDS[:3]])
            )
            value = {
                "moment": st.sampled_from(["brand", "customer", "holiday"]),
                "persona": st.sampled_from(["", *personas]),
                "stage": st.sampled_from(["", *stages]),
            }.get(field, text)
            frame |= {
                "scenario": pick(data, scenarios, "c"),
                "field": field,
                "value": data.draw(value),
            }
        case "scenario.remove":
            frame |= {"scenario": pick(data, scenarios, "c")}
        case _:
            pass  # notes.reveal names nothing
    return frame


FACILITATOR_TAGS = {tags(kind)[0] for kind in FACILITATOR_COMMANDS}


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), st.sampled_from(["blank", "travel"]))
def test_replicas_of_the_method_converge(data: st.DataObject, template: str) -> None:
    """Random method commands from the facilitator and two participants: a replica fed the
    events as decided and one fed them through JSON stay equal and sound (snapshot.check), a
    late joiner ends equal, and a participant's redacted replica equals their fresh snapshot."""
    start, pat, bob = room(template)
    item_from(start, pat, "Seed")
    scenario_of(start, bob, "Seed")
    people = [FACILITATOR, pat, bob]
    here, there = clone(start), clone(start)
    pats_board = clone(views.redact_workshop(start, pat.id))
    log: list[bytes] = []
    seq, now = 0, NOW
    for op in range(data.draw(st.integers(1, 50))):
        frame = {**draw_method_command(data, here), "op_id": f"op{op}"}
        actor = data.draw(st.sampled_from(people))
        if frame["type"] in FACILITATOR_TAGS and data.draw(st.integers(0, 3)) != 2:
            actor = FACILITATOR  # mostly accepted, sometimes refused as forbidden
        try:
            command = client_decoder.decode(json.dumps(frame))
        except msgspec.ValidationError:
            continue
        assert isinstance(command, Command)
        now += data.draw(st.integers(0, 100))
        try:
            events = decide(here, actor, command, now)
        except errors.DomainError:
            continue
        assert decide(there, actor, command, now) == events, "decide is deterministic"
        if not events:
            continue
        seq += 1
        entry = Entry(seq=seq, op_id=command.op_id, actor=actor.id, events=events)
        raw = encoder.encode(entry)
        log.append(raw)
        apply_all(here, events)
        apply_all(there, entry_decoder.decode(raw).events)
        assert here == there
        assert snapshot.check(here) == []
        seen = encoder.encode(views.redact(entry_decoder.decode(raw), here, pat.id))
        apply_all(pats_board, entry_decoder.decode(seen).events)
        reloaded = views.redact_workshop(here, pat.id)
        assert msgspec.structs.replace(pats_board, counter=reloaded.counter) == reloaded
    late = msgspec.json.decode(encoder.encode(start), type=Workshop)
    for raw in log:
        apply_all(late, entry_decoder.decode(raw).events)
    assert late == here == there
    assert encoder.encode(late) == encoder.encode(here)
