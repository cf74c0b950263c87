"""Workshop templates, kept as JSON data files beside this module.

A template names its stages, personas and starting notes in every language it supports;
:func:`build` turns one into a fresh :class:`~sessions.model.Workshop`. Reading a file shipped
inside the package is the only thing here that touches the disk, and it is deterministic.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import Literal

import msgspec

from sessions import errors
from sessions.model import Lane, LaneKind, Note, Participant, Persona, Stage, Workshop

Lang = Literal["en", "fr"]


class _Text(msgspec.Struct):
    en: str
    fr: str

    def pick(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


class _Persona(msgspec.Struct):
    name: _Text
    emoji: str = ""


class _Note(msgspec.Struct):
    persona: int
    stage: int
    lane: str
    text: _Text
    channel: str = "web"


class Template(msgspec.Struct):
    name: str
    label: _Text
    stages: list[_Text]
    personas: list[_Persona]
    notes: list[_Note] = []


NAMES: tuple[str, ...] = ("blank", "travel", "aarrr", "loop")


@functools.cache
def load(name: str) -> Template:
    """The template called ``name``; raises NotFound for any other name."""
    if name not in NAMES:
        raise errors.NotFound(f"There is no template called {name!r}.")
    raw = importlib.resources.files(__name__).joinpath(f"{name}.json").read_bytes()
    return msgspec.json.decode(raw, type=Template)


def catalog(lang: Lang) -> list[dict[str, str]]:
    """Names and labels of every template, for the home page."""
    return [{"name": n, "label": load(n).label.pick(lang)} for n in NAMES]


def build(name: str, lang: Lang, workshop_id: str, title: str, facilitator: str) -> Workshop:
    """A new workshop from template ``name``, with its facilitator as participant ``p1``."""
    template = load(name)
    counter = 0

    def new_id(prefix: str) -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}{counter}"

    participant = Participant(id=new_id("p"), name=facilitator, role="facilitator")
    kinds: list[LaneKind] = ["enchantments", "irritants", "expectations", "solutions"]
    lanes = [Lane(id=new_id("l"), kind=kind) for kind in kinds]
    stages = [Stage(id=new_id("s"), title=t.pick(lang)) for t in template.stages]
    personas = [
        Persona(id=new_id("a"), name=p.name.pick(lang), emoji=p.emoji) for p in template.personas
    ]
    lane_by_kind: dict[str, str] = {lane.kind: lane.id for lane in lanes}
    notes: dict[str, Note] = {}
    for item in template.notes:
        note_id = new_id("n")
        notes[note_id] = msgspec.convert(
            {
                "id": note_id,
                "persona": personas[item.persona].id,
                "stage": stages[item.stage].id,
                "lane": lane_by_kind[item.lane],
                "text": item.text.pick(lang),
                "channel": item.channel,
                "pos": float(len(notes) + 1),
                "author": participant.id,
            },
            Note,
        )
    return Workshop(
        id=workshop_id,
        title=title,
        lang=lang,
        template=name,
        counter=counter,
        stages=stages,
        lanes=lanes,
        personas=personas,
        notes=notes,
        participants={participant.id: participant},
    )
