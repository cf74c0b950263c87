from __future__ import annotations

from sessions import summary
from sessions.model import Emotion, RoadmapItem, Stage, Tally, VoteRound, Workshop


def _workshop() -> Workshop:
    stages = [Stage(id=f"s{i}", title=f"Stage {i}") for i in (1, 2, 3)]
    return Workshop(id="w1", title="T", stages=stages, counter=9)


def _item(override: str | None = None, **medians: int) -> RoadmapItem:
    return RoadmapItem(
        id="i1",
        title="Item",
        scores={criterion: {"p1": value} for criterion, value in medians.items()},
        override=override,
    )


def test_curve_is_the_median_of_ratings_per_stage_in_stage_order() -> None:
    """Each point is the median of the room's ratings, with the lowest and highest."""
    w = _workshop()
    w.emotions["a1:s2"] = Emotion(persona="a1", stage="s2", ratings={"p1": -2, "p2": 1, "p3": 2})
    w.emotions["a1:s1"] = Emotion(persona="a1", stage="s1", ratings={"p1": 1, "p2": 2})
    points = summary.curve(w, "a1")
    assert [p.stage for p in points] == ["s1", "s2", "s3"]
    assert (points[0].value, points[0].low, points[0].high, points[0].count) == (1.5, 1, 2, 2)
    assert (points[1].value, points[1].low, points[1].high) == (1.0, -2, 2)
    assert points[2].value is None and points[2].count == 0 and not points[2].fixed


def test_curve_takes_the_facilitators_value_when_fixed() -> None:
    """A value fixed by the facilitator wins over the median; the spread stays the room's."""
    w = _workshop()
    w.emotions["a1:s1"] = Emotion(persona="a1", stage="s1", ratings={"p1": 2}, fixed=-1)
    w.emotions["a1:s3"] = Emotion(persona="a1", stage="s3", fixed=0)
    points = summary.curve(w, "a1")
    assert points[0].value == -1.0 and points[0].fixed and points[0].high == 2
    assert points[2].value == 0.0 and points[2].fixed and points[2].low is None


def test_curve_ignores_other_personas() -> None:
    """Ratings of another persona do not move this persona's curve."""
    w = _workshop()
    w.emotions["a2:s1"] = Emotion(persona="a2", stage="s1", ratings={"p1": 2})
    assert all(p.value is None for p in summary.curve(w, "a1"))


def test_criteria_are_medians_and_effort_their_mean() -> None:
    """Criteria sum up by median; effort is the mean of cost, delay and complexity scored."""
    item = RoadmapItem(
        id="i1",
        title="x",
        scores={"impact": {"p1": 5, "p2": 3, "p3": 4}, "cost": {"p1": 1, "p2": 2}, "delay": {}},
    )
    assert summary.criteria(item) == {"impact": 4.0, "cost": 1.5}
    assert summary.effort(item) == 1.5
    assert summary.position(item) == (1.5, 4.0)
    assert summary.effort(_item(impact=3)) is None
    assert summary.position(_item(cost=3)) is None


def test_roadmap_classes_follow_the_documented_rules() -> None:
    """Override, then must have, quick win, waow, nice to have, else no class."""
    assert summary.roadmap_class(_item("waow", customer=5)) == "waow"
    assert summary.roadmap_class(_item(customer=4)) == "must_have"
    assert summary.roadmap_class(_item(internal=4, impact=1, cost=5)) == "must_have"
    assert summary.roadmap_class(_item(impact=4, cost=2, delay=3)) == "quick_win"
    assert summary.roadmap_class(_item(impact=5, cost=2, delay=4)) == "nice_to_have"
    assert summary.roadmap_class(_item(impact=2, cost=5, buzz=4)) == "waow"
    assert summary.roadmap_class(_item(impact=3, cost=1)) == "nice_to_have"
    assert summary.roadmap_class(_item(impact=2, cost=5, customer=3)) is None
    assert summary.roadmap_class(_item(impact=5)) is None
    assert summary.roadmap_class(_item()) is None
    assert summary.roadmap_class(_item("bogus", impact=5, cost=1)) == "quick_win"


def test_thresholds_can_move() -> None:
    """Other thresholds change the class of the same scores."""
    item = _item(impact=3, cost=3, customer=3)
    assert summary.roadmap_class(item) == "nice_to_have"
    assert summary.roadmap_class(item, summary.Thresholds(strong=3, light=3)) == "quick_win"
    assert summary.roadmap_class(item, summary.Thresholds(expected=3)) == "must_have"


def test_ranked_sums_dots_and_shares_ranks_on_ties() -> None:
    """Dots add up over participants; equal dots share a rank and the next rank skips."""
    vote = VoteRound(
        id="r1",
        items=["o1", "o2", "o3", "o4"],
        dots={"p1": {"o2": 2, "o3": 1, "zz": 9}, "p2": {"o3": 1, "o1": 1}, "p3": {"o4": 0}},
    )
    assert [(t.item, t.dots, t.rank) for t in summary.ranked(vote)] == [
        ("o2", 2, 1),
        ("o3", 2, 1),
        ("o1", 1, 3),
        ("o4", 0, 4),
    ]
    assert summary.voters(vote) == 2


def test_ranked_of_an_empty_round_is_empty() -> None:
    """A round without items has no result."""
    assert summary.ranked(VoteRound(id="r1")) == []


def test_result_prefers_the_stored_one() -> None:
    """A revealed round's stored result wins over a recount."""
    stored = [Tally(item="o1", dots=7, rank=1)]
    vote = VoteRound(id="r1", items=["o1"], dots={"p1": {"o1": 1}}, result=stored)
    assert summary.result(vote) == stored
    vote.result = None
    assert summary.result(vote) == [Tally(item="o1", dots=1, rank=1)]


def test_shown_hides_only_rounds_still_hidden() -> None:
    """Tallies show once revealed or closed, or when the round was never hidden."""
    assert not summary.shown(VoteRound(id="r", status="open", hidden=True))
    assert not summary.shown(VoteRound(id="r", status="paused", hidden=True))
    assert summary.shown(VoteRound(id="r", status="open", hidden=False))
    assert summary.shown(VoteRound(id="r", status="closed", hidden=True))
    assert summary.shown(VoteRound(id="r", status="revealed", hidden=True))


def test_quarters_count_years_and_quarters_from_one() -> None:
    """Quarter indexes 0..7 are year 1 Q1 to year 2 Q4."""
    assert summary.quarter_of(0) == (1, 1)
    assert summary.quarter_of(3) == (1, 4)
    assert summary.quarter_of(4) == (2, 1)
    assert summary.quarter_of(7) == (2, 4)
