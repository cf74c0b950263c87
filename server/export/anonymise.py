"""The anonymised copy of a workshop that every export can be made from.

- each participant's name becomes a pseudonym ("Participant 3"; the facilitator keeps the role's
  name), and every whole-word mention of a participant's name in free text (notes, persona
  sheets, objectives, vote rounds, roadmap items, scenarios) becomes that pseudonym too. Persona
  names and the workshop's title stay: they are the workshop's own, not a person's;
- the verbatims of every persona (customers' own words, which often carry names) are withheld.

Ids, structure and figures stay, so the anonymised snapshot still imports and every count, vote
and curve is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from server.export.words import Words
from sessions.model import PERSONA_FIELDS, Workshop, clone
from sessions.protocol import NOTE_TEXT_MAX


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
    names = {
        copy.participants[pid].name: alias
        for pid, alias in pseudonyms.items()
        if len(copy.participants[pid].name.strip()) > 1
    }
    for pid, alias in pseudonyms.items():
        copy.participants[pid].name = alias
    scrub = _scrubber(names, words("role.participant"))

    for persona in copy.personas:
        for field in PERSONA_FIELDS:
            setattr(persona, field, scrub(getattr(persona, field)))
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
    return copy


def _scrubber(names: dict[str, str], fallback: str) -> Callable[[str], str]:
    if not names:
        return lambda text: text
    ordered = sorted(names, key=len, reverse=True)  # "Anne-Marie" before "Anne"
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(name) for name in ordered) + r")(?!\w)",
        re.IGNORECASE,
    )
    folded = {name.casefold(): alias for name, alias in names.items()}

    def scrub(text: str) -> str:
        return pattern.sub(lambda m: folded.get(m.group(1).casefold(), fallback), text)

    return scrub
