"""Key moments, the stages' macro-objectives, and the scenarios' answers, campaigns, scores and
priorities: decided by the pure domain."""

from __future__ import annotations

import msgspec
import pytest

from sessions import errors, keeping, moments
from sessions.limits import MAX_CAMPAIGNS, MAX_ITEM_NOTES, MAX_MOMENTS
from sessions.model import KeyMoment, Workshop
from sessions.protocol import (
    AddMoment,
    AddNote,
    AddScenario,
    AnswerScenario,
    DeleteNote,
    EditMoment,
    EditScenario,
    RemoveCampaign,
    RemoveMoment,
    RenameStage,
    RestoreTrashed,
    ScoreScenario,
    SetCampaign,
    SetPrivate,
    SetStageObjective,
    Undo,
)
from sessions.rules import Actor, apply_all
from sessions.snapshot import check
from tests.unit.workshops import FACILITATOR, enter, fresh


def play(workshop: Workshop, actor: Actor, command: object) -> list[object]:
    events = keeping.decide(workshop, actor, command, 1000.0)  # type: ignore[arg-type]
    apply_all(workshop, events)
    return events  # type: ignore[return-value]


def refused(workshop: Workshop, actor: Actor, command: object, error: type) -> None:
    before = msgspec.json.encode(workshop)
    with pytest.raises(error):
        keeping.decide(workshop, actor, command, 1000.0)  # type: ignore[arg-type]
    assert msgspec.json.encode(workshop) == before


def note(workshop: Workshop, actor: Actor, kind: str, text: str = "x") -> str:
    lane = next(lane.id for lane in workshop.lanes if lane.kind == kind)
    where = {"persona": workshop.personas[0].id, "stage": workshop.stages[1].id, "lane": lane}
    events = play(workshop, actor, AddNote(op_id="n", **where, text=text))
    return events[0].note.id  # type: ignore[attr-defined]


class Room:
    def __init__(self) -> None:
        self.w = fresh("blank")
        self.pat = enter(self.w, "Pat")
        self.irritant = note(self.w, self.pat, "irritants", "lost vouchers")
        self.expectation = note(self.w, self.pat, "expectations", "one wallet")
        self.moment = self.mark(AddMoment(op_id="m", title="Booking done", note=self.irritant))
        events = play(self.w, self.pat, AddScenario(op_id="c", title="Wallet reminder"))
        self.scenario = events[0].scenario.id  # type: ignore[attr-defined]

    def mark(self, command: AddMoment) -> str:
        return play(self.w, self.pat, command)[0].moment.id  # type: ignore[attr-defined]


def test_a_moment_on_a_note_takes_its_persona_and_stage():
    """Marked on a note, a key moment sits on that note's journey and stage."""
    r = Room()
    marked = r.w.moments[r.moment]
    assert (marked.persona, marked.stage, marked.note, marked.kind) == (
        r.w.personas[0].id,
        r.w.stages[1].id,
        r.irritant,
        "customer",
    )
    assert check(r.w) == []


def test_moments_on_a_journey_a_stage_or_nothing():
    """A brand moment may name nothing; a customer one a journey, or a stage of it."""
    r = Room()
    brand = r.mark(AddMoment(op_id="b", title="New catalogue", kind="brand"))
    journey = r.mark(AddMoment(op_id="j", title="Birthday", persona=r.w.personas[0].id))
    staged = r.mark(AddMoment(op_id="s", title="Quote", stage=r.w.stages[0].id))
    assert (r.w.moments[brand].persona, r.w.moments[brand].stage) == ("", "")
    assert r.w.moments[journey].persona == r.w.personas[0].id
    assert r.w.moments[staged].stage == r.w.stages[0].id


def test_a_moment_on_something_missing_or_private_is_refused():
    """A missing note, persona or stage, or a note written in private: refused, nothing changes."""
    r = Room()
    refused(r.w, r.pat, AddMoment(op_id="x", title="t", note="n999"), errors.NotFound)
    refused(r.w, r.pat, AddMoment(op_id="x", title="t", stage="s999"), errors.NotFound)
    refused(r.w, r.pat, AddMoment(op_id="x", title="t", persona="a999"), errors.NotFound)
    refused(r.w, r.pat, AddMoment(op_id="x", title="   "), errors.InvalidCommand)
    play(r.w, FACILITATOR, SetPrivate(op_id="p", private=True))
    secret = note(r.w, r.pat, "irritants")
    refused(r.w, r.pat, AddMoment(op_id="x", title="t", note=secret), errors.Conflict)


def test_moments_are_bounded():
    """Past MAX_MOMENTS key moments, one more is refused."""
    r = Room()
    for i in range(MAX_MOMENTS - 1):
        r.mark(AddMoment(op_id=f"m{i}", title="t"))
    refused(r.w, r.pat, AddMoment(op_id="x", title="t"), errors.LimitReached)


def test_editing_a_moment_and_its_objective():
    """Title, kind and objective change; "" sends the objective back to the stage's."""
    r = Room()
    play(r.w, r.pat, EditMoment(op_id="e", moment=r.moment, kind="commercial", objective="up_sell"))
    assert moments.stage_objective(r.w, r.w.moments[r.moment]) == "up_sell"
    play(
        r.w, FACILITATOR, SetStageObjective(op_id="o", stage=r.w.stages[1].id, objective="welcome")
    )
    play(r.w, r.pat, EditMoment(op_id="e", moment=r.moment, objective=""))
    assert moments.stage_objective(r.w, r.w.moments[r.moment]) == "welcome"
    assert r.w.moments[r.moment].kind == "commercial"
    assert keeping.decide(r.w, r.pat, EditMoment(op_id="e", moment=r.moment, objective="")) == []
    refused(r.w, r.pat, EditMoment(op_id="x", moment="m999", title="t"), errors.NotFound)


def test_only_the_facilitator_sets_objectives_and_removes_moments():
    """A participant's stage.objective and moment.remove are forbidden."""
    r = Room()
    stage = r.w.stages[0].id
    refused(
        r.w, r.pat, SetStageObjective(op_id="x", stage=stage, objective="lead"), errors.Forbidden
    )
    refused(r.w, r.pat, RemoveMoment(op_id="x", moment=r.moment), errors.Forbidden)
    refused(
        r.w,
        FACILITATOR,
        SetStageObjective(op_id="x", stage="s999", objective="lead"),
        errors.NotFound,
    )


def test_a_stage_keeps_its_objective_when_renamed():
    """Renaming a stage leaves its macro-objective; setting the same one changes nothing."""
    r = Room()
    stage = r.w.stages[0].id
    play(r.w, FACILITATOR, SetStageObjective(op_id="o", stage=stage, objective="conversion"))
    play(r.w, FACILITATOR, RenameStage(op_id="r", stage=stage, title="Dreaming"))
    assert r.w.stages[0].objective == "conversion"
    same = SetStageObjective(op_id="o", stage=stage, objective="conversion")
    assert keeping.decide(r.w, FACILITATOR, same) == []


def test_removing_a_moment_unlinks_its_scenarios_and_restoring_links_them_again():
    """The scenarios that served a removed key moment stop naming it, and name it again when
    it comes back from the trash."""
    r = Room()
    play(
        r.w, r.pat, EditScenario(op_id="k", scenario=r.scenario, field="key_moment", value=r.moment)
    )
    play(r.w, FACILITATOR, RemoveMoment(op_id="x", moment=r.moment))
    assert r.w.scenarios[r.scenario].key_moment == "" and r.w.trash[r.moment].kind == "moment"
    assert check(r.w) == []
    play(r.w, FACILITATOR, RestoreTrashed(op_id="t", item=r.moment))
    assert r.w.scenarios[r.scenario].key_moment == r.moment
    refused(r.w, r.pat, RemoveMoment(op_id="x", moment="m999"), errors.Forbidden)
    refused(r.w, FACILITATOR, RemoveMoment(op_id="x", moment="m999"), errors.NotFound)
    bad = EditScenario(op_id="k", scenario=r.scenario, field="key_moment", value="m999")
    refused(r.w, r.pat, bad, errors.NotFound)


def test_a_deleted_note_leaves_its_moment_and_answers_and_undo_brings_them_back():
    """Deleting the note frees the key moment and the scenario's answer; undoing it links both
    again."""
    r = Room()
    play(r.w, r.pat, AnswerScenario(op_id="a", scenario=r.scenario, note=r.irritant))
    play(r.w, r.pat, DeleteNote(op_id="d", note=r.irritant))
    assert r.w.moments[r.moment].note == "" and r.w.scenarios[r.scenario].answers == []
    assert check(r.w) == []
    play(r.w, r.pat, Undo(op_id="u"))
    assert r.w.moments[r.moment].note == r.irritant
    assert r.w.scenarios[r.scenario].answers == [r.irritant]


def test_a_scenario_answers_irritants_and_expectations_only():
    """Answers toggle; a solution note, a missing note or one too many are refused."""
    r = Room()
    for n in (r.irritant, r.expectation):
        play(r.w, r.pat, AnswerScenario(op_id="a", scenario=r.scenario, note=n))
    assert r.w.scenarios[r.scenario].answers == [r.irritant, r.expectation]
    again = AnswerScenario(op_id="a", scenario=r.scenario, note=r.irritant)
    assert keeping.decide(r.w, r.pat, again) == []
    play(r.w, r.pat, AnswerScenario(op_id="a", scenario=r.scenario, note=r.irritant, on=False))
    assert r.w.scenarios[r.scenario].answers == [r.expectation]
    solution = note(r.w, r.pat, "solutions")
    wrong = AnswerScenario(op_id="x", scenario=r.scenario, note=solution)
    refused(r.w, r.pat, wrong, errors.InvalidCommand)
    missing = AnswerScenario(op_id="x", scenario=r.scenario, note="n999")
    refused(r.w, r.pat, missing, errors.NotFound)
    refused(
        r.w, r.pat, AnswerScenario(op_id="x", scenario="c999", note=r.irritant), errors.NotFound
    )
    for i in range(MAX_ITEM_NOTES - 1):
        n = note(r.w, r.pat, "irritants", f"i{i}")
        play(r.w, r.pat, AnswerScenario(op_id="a", scenario=r.scenario, note=n))
    last = note(r.w, r.pat, "irritants", "one too many")
    over = AnswerScenario(op_id="x", scenario=r.scenario, note=last)
    refused(r.w, r.pat, over, errors.LimitReached)


def test_campaigns_are_added_changed_removed_and_bounded():
    """Each campaign has its own id; parts left out stay; past MAX_CAMPAIGNS one more is refused."""
    r = Room()
    add = SetCampaign(op_id="c", scenario=r.scenario, channel="email", timing=" D-42 ")
    play(r.w, r.pat, add)
    [first] = r.w.scenarios[r.scenario].campaigns
    assert (first.channel, first.timing, first.content) == ("email", "D-42", "")
    edit = SetCampaign(op_id="c", scenario=r.scenario, campaign=first.id, content="Pack")
    play(r.w, r.pat, edit)
    assert r.w.scenarios[r.scenario].campaigns[0].channel == "email"
    play(r.w, r.pat, SetCampaign(op_id="c", scenario=r.scenario, campaign=first.id, channel=""))
    assert r.w.scenarios[r.scenario].campaigns[0].channel is None
    for _ in range(MAX_CAMPAIGNS - 1):
        play(r.w, r.pat, SetCampaign(op_id="c", scenario=r.scenario))
    refused(r.w, r.pat, SetCampaign(op_id="x", scenario=r.scenario), errors.LimitReached)
    play(r.w, r.pat, RemoveCampaign(op_id="r", scenario=r.scenario, campaign=first.id))
    assert first.id not in [c.id for c in r.w.scenarios[r.scenario].campaigns]
    gone = RemoveCampaign(op_id="x", scenario=r.scenario, campaign=first.id)
    refused(r.w, r.pat, gone, errors.NotFound)
    stale = SetCampaign(op_id="x", scenario=r.scenario, campaign=first.id, timing="D-1")
    refused(r.w, r.pat, stale, errors.NotFound)
    assert check(r.w) == []


def scored(r: Room, title: str, marks: dict[str, list[int]]) -> str:
    """A scenario scored by as many people as each list holds."""
    events = play(r.w, r.pat, AddScenario(op_id="c", title=title))
    scenario = events[0].scenario.id  # type: ignore[attr-defined]
    people = [FACILITATOR, r.pat, *(enter(r.w, f"P{i}") for i in range(3))]
    for criterion, values in marks.items():
        for who, value in zip(people, values, strict=False):
            cmd = ScoreScenario(op_id="s", scenario=scenario, criterion=criterion, value=value)  # type: ignore[arg-type]
            play(r.w, who, cmd)
    return scenario


def test_scores_are_one_per_person_and_can_be_taken_back():
    """A second score replaces the first; None takes it back."""
    r = Room()
    for value in (2, 5):
        play(
            r.w, r.pat, ScoreScenario(op_id="s", scenario=r.scenario, criterion="roi", value=value)
        )
    assert r.w.scenarios[r.scenario].scores == {"roi": {r.pat.id: 5}}
    play(r.w, r.pat, ScoreScenario(op_id="s", scenario=r.scenario, criterion="roi", value=None))
    assert r.w.scenarios[r.scenario].scores == {}
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(
            {"op_id": "s", "scenario": "c1", "criterion": "roi", "value": 6}, ScoreScenario
        )


def test_the_three_to_launch_first_with_ties_explained():
    """Ranked by total; an equal total is broken by the objective served, then by ROI; equal on
    everything is a tie sharing its rank; unscored scenarios are not ranked."""
    r = Room()
    best = scored(r, "Abandoned quote", {"objective": [5], "roi": [5], "expected": [4]})
    objective = scored(r, "Preparation", {"objective": [5], "roi": [3], "expected": [4]})
    roi = scored(r, "Upgrade", {"objective": [4], "roi": [4], "expected": [4]})
    twin = scored(r, "Upgrade bis", {"objective": [4], "roi": [4], "expected": [4]})
    low = scored(r, "Newsletter", {"objective": [1, 2], "roi": [1]})
    ranked = moments.priorities(r.w)
    assert [(x.scenario, x.rank, x.tie) for x in ranked] == [
        (best, 1, ""),
        (objective, 2, ""),
        (roi, 3, "objective"),
        (twin, 3, "tied"),
        (low, 5, ""),
    ]
    assert ranked[-1].means == {"objective": 1.5, "roi": 1.0}
    assert [x.scenario for x in moments.first_three(r.w)] == [best, objective, roi, twin]
    assert r.scenario not in {x.scenario for x in ranked}


def test_undo_of_a_moment_edit_and_of_scores():
    """A key moment's edit and a scenario's score go on their author's undo stack."""
    r = Room()
    play(r.w, r.pat, EditMoment(op_id="e", moment=r.moment, title="Renamed"))
    play(r.w, r.pat, ScoreScenario(op_id="s", scenario=r.scenario, criterion="expected", value=3))
    play(r.w, r.pat, Undo(op_id="u"))
    assert r.w.scenarios[r.scenario].scores == {}
    play(r.w, r.pat, Undo(op_id="u"))
    assert r.w.moments[r.moment].title == "Booking done"


def test_the_travel_demo_has_key_moments_and_scored_scenarios_with_campaigns():
    """A new travel workshop shows key moments, stages with objectives, and a first three."""
    for lang in ("en", "fr"):
        w = fresh("travel", lang)  # type: ignore[arg-type]
        assert len(w.moments) >= 3 and check(w) == []
        assert all(isinstance(m, KeyMoment) and m.title for m in w.moments.values())
        assert any(s.objective for s in w.stages)
        assert any(s.campaigns and s.key_moment and s.answers for s in w.scenarios.values())
        assert len(moments.first_three(w)) >= 2
