"""Workshop templates: every template builds a valid workshop in every language."""

from __future__ import annotations

import json
from importlib.resources import files

import msgspec
import pytest

from sessions import errors, templates
from sessions.model import Workshop, clone, id_number
from sessions.protocol import MAX_STAGES, AddNote
from sessions.rules import decide
from tests.unit.workshops import FACILITATOR, cell

LANGS: tuple[templates.Lang, ...] = ("en", "fr")


def raw(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(files(templates).joinpath(f"{name}.json").read_text())
    return data


def test_the_four_templates_are_offered():
    """The blank journey, the travel demo, AARRR and the infinite loop are all offered."""
    assert set(templates.NAMES) == {"blank", "travel", "aarrr", "loop"}
    for lang in LANGS:
        assert [c["name"] for c in templates.catalog(lang)] == list(templates.NAMES)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", templates.NAMES)
def test_template_builds_a_valid_workshop(name: str, lang: templates.Lang):
    """A built workshop has the template's stages and personas in its language, ids all unique."""
    workshop = templates.build(name, lang, "abcdef", "My title", "Fay")
    data = raw(name)
    assert (workshop.id, workshop.title, workshop.lang, workshop.template) == (
        "abcdef",
        "My title",
        lang,
        name,
    )
    assert [s.title for s in workshop.stages] == [t[lang] for t in data["stages"]]  # type: ignore[attr-defined]
    assert [p.name for p in workshop.personas] == [p["name"][lang] for p in data["personas"]]  # type: ignore[attr-defined]
    assert 1 <= len(workshop.stages) <= MAX_STAGES
    assert workshop.personas, "a journey needs a persona to put notes on"
    assert [lane.kind for lane in workshop.lanes] == [
        "enchantments",
        "irritants",
        "expectations",
        "solutions",
    ]
    assert list(workshop.participants) == ["p1"]
    assert workshop.participants["p1"].role == "facilitator"
    assert workshop.participants["p1"].name == "Fay"

    ids = [
        *workshop.participants,
        *(s.id for s in workshop.stages),
        *(lane.id for lane in workshop.lanes),
        *(p.id for p in workshop.personas),
        *workshop.notes,
        *(o.id for o in workshop.objectives),
        *workshop.scenarios,
    ]
    assert len(ids) == len(set(ids))
    assert workshop.counter >= max(id_number(i) for i in ids)
    assert len(workshop.notes) == len(data.get("notes", []))  # type: ignore[arg-type]
    for note in workshop.notes.values():
        assert note.persona in {p.id for p in workshop.personas}
        assert note.stage in {s.id for s in workshop.stages}
        assert note.lane in {lane.id for lane in workshop.lanes}
        assert note.author == "p1" and note.text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", templates.NAMES)
def test_built_workshop_survives_the_wire_and_accepts_notes(name: str, lang: templates.Lang):
    """A built workshop round-trips through JSON unchanged, and a note can be added to it."""
    workshop = templates.build(name, lang, "abcdef", "T", "Fay")
    assert msgspec.json.decode(msgspec.json.encode(workshop), type=Workshop) == workshop
    events = decide(workshop, FACILITATOR, AddNote(op_id="o", text="x", **cell(workshop)))
    assert events and events[0].note.id not in workshop.notes  # type: ignore[union-attr]


def test_templates_differ_by_language():
    """The French travel demo is really in French (titles and notes differ from English)."""
    en = templates.build("travel", "en", "abcdef", "T", "Fay")
    fr = templates.build("travel", "fr", "abcdef", "T", "Fay")
    assert [s.title for s in en.stages] != [s.title for s in fr.stages]
    assert {n.text for n in en.notes.values()}.isdisjoint({n.text for n in fr.notes.values()})
    # Same shape: only the words change.
    assert [n.stage for n in en.notes.values()] == [n.stage for n in fr.notes.values()]


def test_build_gives_independent_workshops():
    """Two workshops built from one template share no mutable state."""
    one = templates.build("travel", "en", "abcdef", "T", "Fay")
    copy = clone(one)
    two = templates.build("travel", "en", "abcdef", "T", "Fay")
    two.stages.pop()
    next(iter(two.notes.values())).text = "changed"
    assert one == copy


def test_unknown_template_is_not_found():
    """Asking for a template that does not exist is refused with not_found."""
    with pytest.raises(errors.NotFound) as refused:
        templates.build("../../etc/passwd", "en", "abcdef", "T", "Fay")
    assert refused.value.code == "not_found"
