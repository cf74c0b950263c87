"""The copies of a workshop that exports are made from: without the private notes not yet
revealed (unless the facilitator asks for them), and anonymised when asked.

Anonymised means:

- each participant's name becomes a pseudonym ("Participant 3"; the facilitator keeps the
  role's name);
- every mention of a participant's name in free text (notes, persona sheets, objectives, vote
  rounds, roadmap items, scenarios, plan rows) becomes that pseudonym: the whole name, and each
  of its parts (first name, last name, each half of "Anne-Marie") of two letters or more, as a whole
  word, in any case and with or without accents ("zoe" for "Zoé"). A part two people share
  becomes the role's name. Name particles ("de", "van", ...) are not names on their own;
- the verbatims of every persona (customers' own words, which often carry names) are withheld.

Persona names and the workshop's title stay: they are the workshop's own, not a person's, and a
persona's name written in a note ("Les Martin") is left as it is even when a participant shares
a part of it. Ids, structure and figures stay, so the anonymised snapshot still imports and every
count, vote and curve is unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from server.export.words import Words
from sessions.model import PERSONA_FIELDS, Workshop, clone
from sessions.protocol import NOTE_TEXT_MAX

PARTICLES = frozenset(
    {"de", "des", "du", "la", "le", "les", "d", "l", "van", "von", "der", "den", "di", "da"}
    | {"del", "della", "dos", "das", "el", "al", "bin", "ben", "mc"}
)
"""Words of a name that are not a name on their own ("Marie de la Tour")."""


def without_private(workshop: Workshop) -> Workshop:
    """A copy without the notes written in private mode and not yet revealed, nor any
    reference to them (roadmap links, vote items)."""
    copy = clone(workshop)
    gone = {n.id for n in copy.notes.values() if n.hidden}
    if not gone:
        return copy
    for note_id in gone:
        del copy.notes[note_id]
    for item in copy.roadmap.values():
        item.notes = [n for n in item.notes if n not in gone]
        item.answers = [n for n in item.answers if n not in gone]
    for vote in copy.rounds:
        vote.items = [i for i in vote.items if i not in gone]
        vote.dots = {p: {i: d for i, d in c.items() if i not in gone} for p, c in vote.dots.items()}
        if vote.result is not None:
            vote.result = [t for t in vote.result if t.item not in gone]
    return copy


def anonymised(workshop: Workshop, words: Words) -> Workshop:
    """A copy of ``workshop`` without participant names nor verbatims."""
    copy = clone(workshop)
    pseudonyms: dict[str, str] = {}
    facilitators = [p for p in copy.participants.values() if p.role == "facilitator"]
    others = [p for p in copy.participants.values() if p.role != "facilitator"]
    for number, person in enumerate(facilitators, start=1):
        label = words("role.facilitator")
        pseudonyms[person.id] = label if len(facilitators) == 1 else f"{label} {number}"
    for number, person in enumerate(others, start=1):
        pseudonyms[person.id] = words("pseudonym", n=number)
    names = {copy.participants[pid].name: alias for pid, alias in pseudonyms.items()}
    kept = [p.name for p in copy.personas]
    for pid, alias in pseudonyms.items():
        copy.participants[pid].name = alias
    scrub = scrubber(names, words("role.participant"), kept)

    for persona in copy.personas:
        for field in PERSONA_FIELDS:
            setattr(persona, field, scrub(getattr(persona, field)))
        persona.photo = ""  # it may show a real customer's face
        if persona.verbatims.strip():
            persona.verbatims = words("verbatims.withheld")
    for note in copy.notes.values():
        note.text = scrub(note.text)[:NOTE_TEXT_MAX]
    for objective in copy.objectives:
        objective.title = scrub(objective.title)
        objective.description = scrub(objective.description)
        objective.kpis = scrub(objective.kpis)
    for round_ in copy.rounds:
        round_.title = scrub(round_.title)
    for item in copy.roadmap.values():
        item.title = scrub(item.title)
        item.description = scrub(item.description)
        item.owner = scrub(item.owner)
    for scenario in copy.scenarios.values():
        scenario.title = scrub(scenario.title)
        scenario.fields = {field: scrub(text) for field, text in scenario.fields.items()}
        for campaign in scenario.campaigns:
            campaign.timing = scrub(campaign.timing)
            campaign.content = scrub(campaign.content)
    for moment in copy.moments.values():
        moment.title = scrub(moment.title)
    for row in copy.plan:
        for field in ("title", "segment", "content", "frequency", "trigger", "owner", "kpis"):
            setattr(row, field, scrub(getattr(row, field)))
    return copy


def fold(text: str) -> str:
    """``text`` lower-cased and without accents, one character for one (so that positions in
    the folded text are positions in ``text``)."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0]
        low = base.lower()
        out.append(low if len(low) == 1 else base)
    return "".join(out)


def parts(name: str) -> list[str]:
    """The parts of a name that identify a person: its words of two letters or more, not
    particles (``"Anne-Marie de la Tour"`` -> Anne, Marie, Tour)."""
    words = re.findall(r"[^\W\d_]+", name)
    return [w for w in words if len(w) > 1 and fold(w) not in PARTICLES]


def scrubber(
    names: dict[str, str], fallback: str, kept: list[str] | None = None
) -> Callable[[str], str]:
    """A function replacing every mention of a name of ``names`` (whole, or any of its
    :func:`parts`) by its pseudonym; phrases of ``kept`` are left as they are."""
    aliases: dict[str, str] = {}
    for name, alias in names.items():
        whole = fold(name.strip())
        if len(whole) > 1:
            aliases[whole] = alias
    owners: dict[str, set[str]] = {}
    for name, alias in names.items():
        for part in parts(name):
            owners.setdefault(fold(part), set()).add(alias)
    for part, who in owners.items():
        if part not in aliases:
            aliases[part] = who.pop() if len(who) == 1 else fallback
    if not aliases:
        return lambda text: text
    ordered = sorted(aliases, key=len, reverse=True)  # "anne-marie" before "anne"
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in ordered) + r")(?!\w)")
    guarded = sorted({fold(k) for k in kept or [] if k.strip()}, key=len, reverse=True)
    guard = (
        re.compile(r"(?<!\w)(" + "|".join(re.escape(g) for g in guarded) + r")(?!\w)")
        if guarded
        else None
    )

    def scrub(text: str) -> str:
        folded = fold(text)
        spared = [m.span() for m in guard.finditer(folded)] if guard else []
        out, last = [], 0
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(a <= start and end <= b for a, b in spared):
                continue
            out.append(text[last:start])
            out.append(aliases[match.group(1)])
            last = end
        out.append(text[last:])
        return "".join(out)

    return scrub
