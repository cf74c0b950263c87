"""The roadmap's four classes at their boundaries, each case named after the rule of the
method (seed 004, the Stratello road map) that it checks.

Items are scored through commands, one participant per score, so that the medians, the
effort and the workshop's thresholds are the ones a real room would produce.
"""

from __future__ import annotations

import msgspec
import pytest

from sessions import errors, snapshot, summary
from sessions.model import ClassRules, Workshop
from sessions.protocol import SetRules
from tests.unit.ballots import NOW, play, refused
from tests.unit.test_roadmap import item_from, score
from tests.unit.workshops import FACILITATOR, enter, fresh


def classed(scores: dict[str, list[int]], rules: ClassRules | None = None) -> str | None:
    """The class of an item scored through commands (one participant per score), under the
    workshop's thresholds after ``rules.set`` when ``rules`` is given."""
    workshop = fresh()
    people = [enter(workshop, f"P{i}") for i in range(4)]
    made = item_from(workshop, FACILITATOR, "Item").id
    for criterion, values in scores.items():
        for actor, value in zip(people, values, strict=False):
            play(workshop, actor, score(made, criterion, value))
    if rules is not None:
        play(workshop, FACILITATOR, SetRules(op_id="r", **msgspec.structs.asdict(rules)))
    return summary.roadmap_class(workshop.roadmap[made], workshop.rules)


# Defaults: strong impact from 4, light effort up to 2.5, expected from 4, real impact from 3,
# buzz from 4. Effort is the mean of the cost, delay and complexity medians.
SEED_CASES = [
    # quick win: "a strong business impact and a fast delivery"
    (
        "quick win: strong impact and light effort, both at the line",
        {"impact": [4], "cost": [2], "delay": [3]},
        "quick_win",
    ),
    (
        "quick win: needs a strong impact (3.5 is not)",
        {"impact": [3, 4], "cost": [1]},
        "nice_to_have",
    ),
    (
        "quick win: needs a light effort (2.67 is not)",
        {"impact": [4], "cost": [2], "delay": [3], "complexity": [3]},
        "nice_to_have",
    ),
    # must have: "strongly expected by customers, or internally: the market standard"
    (
        "must have: expected by customers, whatever impact and cost",
        {"customer": [4], "impact": [1], "cost": [5]},
        "must_have",
    ),
    (
        "must have: expected internally counts as much",
        {"internal": [4], "impact": [1], "cost": [5]},
        "must_have",
    ),
    ("must have: needs no impact score to be told", {"internal": [5]}, "must_have"),
    (
        "must have: a 3.5 expectation is not strong",
        {"customer": [3, 4], "internal": [3, 4], "impact": [2], "cost": [5]},
        None,
    ),
    (
        "must have: comes before a quick win (to do soon anyway)",
        {"customer": [5], "impact": [5], "cost": [1]},
        "must_have",
    ),
    # nice to have: "costly and/or long, with a real impact on the customer; not a priority"
    (
        "nice to have: strong impact but costly and long is not a waow",
        {"impact": [5], "cost": [5], "delay": [5]},
        "nice_to_have",
    ),
    (
        "nice to have: a real impact at the line, heavy effort",
        {"impact": [3], "cost": [4]},
        "nice_to_have",
    ),
    ("nice to have: needs a real impact (2.5 is not)", {"impact": [2, 3], "cost": [4]}, None),
    ("nice to have: a weak impact is not one, even cheap", {"impact": [1], "cost": [1]}, None),
    # waow: "projects that will make a buzz"
    (
        "waow: a buzz at the line, whatever impact and effort",
        {"buzz": [4], "impact": [2], "cost": [5]},
        "waow",
    ),
    ("waow: a 3.5 buzz is not one", {"buzz": [3, 4], "impact": [2], "cost": [5]}, None),
    (
        "waow: only once the must-haves are covered, so a must have wins",
        {"buzz": [5], "customer": [4]},
        "must_have",
    ),
    (
        "waow: a buzzing quick win stays a quick win (fast proof first)",
        {"buzz": [5], "impact": [4], "cost": [1]},
        "quick_win",
    ),
    ("waow: wins over nice to have", {"buzz": [5], "impact": [5], "cost": [5]}, "waow"),
    # qualification that does not move a class
    (
        "already under way qualifies without moving the class",
        {"underway": [5], "impact": [4], "cost": [1]},
        "quick_win",
    ),
    ("no class while impact or effort is unscored", {"impact": [5]}, None),
    ("no class without any score", {}, None),
]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [pytest.param(scores, expected, id=rule) for rule, scores, expected in SEED_CASES],
)
def test_classes_follow_the_seed_at_the_default_thresholds(
    scores: dict[str, list[int]], expected: str | None
) -> None:
    """Each class starts exactly at its documented line, and the first rule that fits wins."""
    assert classed(scores) == expected


MOVED = ClassRules(strong=3, light=3, expected=5, real=2, buzz=3)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        pytest.param({"impact": [3], "cost": [3]}, "quick_win", id="quick win: lines at 3 and 3"),
        pytest.param({"customer": [4], "impact": [1], "cost": [1]}, None, id="must have: from 5"),
        pytest.param({"customer": [5]}, "must_have", id="must have: 5 is enough"),
        pytest.param({"impact": [2], "cost": [4]}, "nice_to_have", id="nice to have: real from 2"),
        pytest.param({"impact": [1, 2], "cost": [4]}, None, id="nice to have: 1.5 is weak"),
        pytest.param({"buzz": [3]}, "waow", id="waow: buzz from 3"),
    ],
)
def test_classes_follow_thresholds_moved_by_rules_set(
    scores: dict[str, list[int]], expected: str | None
) -> None:
    """With the lines moved by ``rules.set``, the classes change at exactly those values."""
    assert classed(scores, MOVED) == expected


def test_the_facilitator_override_wins_over_every_rule() -> None:
    """A class set by hand is the class, whatever the scores say."""
    item = summary.RoadmapItem(id="w1", title="x", scores={"customer": {"p": 5}}, override="waow")
    assert summary.roadmap_class(item) == "waow"


def test_rules_set_refuses_a_real_impact_above_the_strong_one() -> None:
    """A real-impact line above the strong one would leave a gap with no class: refused, and
    the workshop's rules stay as they were."""
    workshop = fresh()
    bad = SetRules(op_id="r", strong=3, light=2.5, expected=4, real=3.5, buzz=4)
    assert isinstance(refused(workshop, FACILITATOR, bad, NOW), errors.InvalidCommand)
    assert workshop.rules == ClassRules()


def test_older_workshops_load_with_the_default_new_lines() -> None:
    """A workshop stored or exported before the real-impact and buzz lines decodes with their
    defaults (from the store's JSON and through a snapshot import), and its items keep their
    scores and classes."""
    workshop = fresh()
    made = item_from(workshop, FACILITATOR, "Wallet").id
    workshop.roadmap[made].scores = {"impact": {"p1": 4}, "cost": {"p1": 2}}
    raw = msgspec.json.decode(msgspec.json.encode(workshop))
    raw["rules"] = {"strong": 3.5, "light": 2.0, "expected": 4.5}
    older = msgspec.convert(raw, Workshop)
    assert older.rules == ClassRules(strong=3.5, light=2.0, expected=4.5, real=3.0, buzz=4.0)
    document = msgspec.json.decode(snapshot.dump(workshop, "2026-11-01T00:00:00Z"))
    document["workshop"]["rules"] = raw["rules"]
    imported = snapshot.read(msgspec.json.encode(document))
    assert imported.rules == older.rules
    assert summary.roadmap_class(imported.roadmap[made], imported.rules) == "quick_win"
