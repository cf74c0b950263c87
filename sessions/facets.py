"""Facets: the parts of an item a person changes, flat, so that a change can be compared and
put back one part at a time (``sessions.history``).

A note's facets are its text, channel, tags, target mark and place (stage, lane, position
together); a
persona's, each field of its sheet; a roadmap item's, its title, description, owner, class,
quarter, place on the matrix and *each person's* score of each criterion (``score.impact.p3``);
a scenario's, its title, moment, links (persona, stage, key moment, answered notes), each field
of its checklist (``field.trigger``), each campaign (``campaign.e7``) and each person's score of
each priority (``score.roi.p3``); a key moment's, its title, kind, objective, persona, stage
and note; an emotion cell's, each person's rating (``rating.p3``) and the facilitator's fixed
value, and the same for the target curve (``target.p3``, ``target_fixed``); an objective's, its
title, description and KPIs; a plan row's, each field the room edits (``PLAN_FIELDS``). Facets
never include what the system keeps by itself (versions, votes, links to deleted notes).
"""

from __future__ import annotations

from typing import Any

import msgspec

from sessions.events import (
    EmotionSaved,
    Event,
    MomentSaved,
    NoteSaved,
    ObjectivesSet,
    PersonaSaved,
    PlanRowSaved,
    RoadmapItemSaved,
    ScenarioSaved,
)
from sessions.model import (
    PERSONA_FIELDS,
    PLAN_FIELDS,
    Campaign,
    Emotion,
    ItemKind,
    KeyMoment,
    Note,
    Objective,
    Persona,
    PlanRow,
    RoadmapItem,
    Scenario,
    Workshop,
)

Item = Note | Persona | RoadmapItem | Scenario | Emotion | Objective | KeyMoment | PlanRow
Facets = dict[str, Any]
_PLACE = ("persona", "stage", "note")


def facets(item: Item) -> Facets:
    """The undoable fields of ``item``, flat: one person's score is ``score.impact.p3``."""
    match item:
        case Note():
            return {
                "text": item.text,
                "channel": item.channel,
                "tags": item.tags,
                "target": item.target,
                "place": (item.stage, item.lane, item.pos),
            }
        case Persona():
            return {f: getattr(item, f) for f in ("name", "emoji", "photo", *PERSONA_FIELDS)}
        case RoadmapItem():
            found: Facets = {
                f: getattr(item, f)
                for f in ("title", "description", "owner", "override", "quarter")
            }
            found["matrix"] = [item.impact, item.effort]
            for criterion, by in item.scores.items():
                for person, value in by.items():
                    found[f"score.{criterion}.{person}"] = value
            return found
        case Scenario():
            names = ("title", "moment", "persona", "stage", "key_moment")
            found = {f: getattr(item, f) for f in names}
            found["answers"] = list(item.answers)
            found.update({f"field.{k}": v for k, v in item.fields.items()})
            for campaign in item.campaigns:
                found[f"campaign.{campaign.id}"] = [
                    campaign.channel,
                    campaign.timing,
                    campaign.content,
                ]
            for criterion, by in item.scores.items():
                for person, value in by.items():
                    found[f"score.{criterion}.{person}"] = value
            return found
        case KeyMoment():
            return {f: getattr(item, f) for f in ("title", "kind", "objective", *_PLACE)}
        case Emotion():
            found = {"fixed": item.fixed, "target_fixed": item.target_fixed}
            found.update({f"rating.{person}": v for person, v in item.ratings.items()})
            found.update({f"target.{person}": v for person, v in item.target.items()})
            return found
        case Objective():
            return {"title": item.title, "description": item.description, "kpis": item.kpis}
        case PlanRow():
            return {f: _plain(getattr(item, f)) for f in PLAN_FIELDS}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def with_facets(item: Item, values: Facets) -> Item:
    """``item`` with some facets set back (None removes a score, a rating, a field)."""
    match item:
        case Note():
            changes: dict[str, Any] = {k: v for k, v in values.items() if k != "place"}
            if "tags" in values:
                changes["tags"] = tuple(values["tags"])
            if "place" in values:
                stage, lane, pos = values["place"]
                changes |= {"stage": stage, "lane": lane, "pos": float(pos)}
            return msgspec.structs.replace(item, **changes, version=item.version + 1)
        case RoadmapItem():
            scores = {c: dict(by) for c, by in item.scores.items()}
            plain: dict[str, Any] = {}
            for key, value in values.items():
                if key.startswith("score."):
                    _, criterion, person = key.split(".", 2)
                    by = scores.setdefault(criterion, {})
                    if value is None:
                        by.pop(person, None)
                    else:
                        by[person] = value
                elif key == "matrix":
                    plain["impact"], plain["effort"] = values["matrix"]
                else:
                    plain[key] = value
            scores = {c: by for c, by in scores.items() if by}
            return msgspec.structs.replace(item, **plain, scores=scores)
        case Scenario():
            return _scenario_with(item, values)
        case Emotion():
            curves = {"rating": dict(item.ratings), "target": dict(item.target)}
            plain = {}
            for key, value in values.items():
                if key in ("fixed", "target_fixed"):
                    plain[key] = value
                    continue
                curve, _, person = key.partition(".")
                if value is None:
                    curves[curve].pop(person, None)
                else:
                    curves[curve][person] = value
            return msgspec.structs.replace(
                item, **plain, ratings=curves["rating"], target=curves["target"]
            )
        case _:
            return msgspec.structs.replace(item, **values)


def _scenario_with(item: Scenario, values: Facets) -> Scenario:
    fields = dict(item.fields)
    campaigns = {c.id: c for c in item.campaigns}
    scores = {c: dict(by) for c, by in item.scores.items()}
    plain: dict[str, Any] = {}
    for key, value in values.items():
        name, _, rest = key.partition(".")
        if name == "field":
            if value:
                fields[rest] = value
            else:
                fields.pop(rest, None)
        elif name == "campaign":
            if value is None:
                campaigns.pop(rest, None)
            else:
                channel, timing, content = value
                campaigns[rest] = Campaign(id=rest, channel=channel, timing=timing, content=content)
        elif name == "score":
            criterion, _, person = rest.partition(".")
            by = scores.setdefault(criterion, {})
            if value is None:
                by.pop(person, None)
            else:
                by[person] = value
        else:
            plain[key] = list(value) if key == "answers" else value
    return msgspec.structs.replace(
        item,
        **plain,
        fields=fields,
        campaigns=sorted(campaigns.values(), key=lambda c: int(c.id[1:])),
        scores={c: by for c, by in scores.items() if by},
    )


def current(workshop: Workshop, kind: ItemKind, item_id: str) -> Item | None:
    """The item as it is now (an emotion cell exists, empty, while its persona and stage do)."""
    match kind:
        case "note":
            return workshop.notes.get(item_id)
        case "persona":
            return next((p for p in workshop.personas if p.id == item_id), None)
        case "roadmap":
            return workshop.roadmap.get(item_id)
        case "scenario":
            return workshop.scenarios.get(item_id)
        case "objective":
            return next((o for o in workshop.objectives if o.id == item_id), None)
        case "moment":
            return workshop.moments.get(item_id)
        case "plan":
            return next((r for r in workshop.plan if r.id == item_id), None)
        case "emotion":
            found = workshop.emotions.get(item_id)
            if found is not None:
                return found
            persona, _, stage = item_id.partition(":")
            if any(p.id == persona for p in workshop.personas) and any(
                s.id == stage for s in workshop.stages
            ):
                return Emotion(persona=persona, stage=stage)
            return None
    return None  # pragma: no cover - every kind is matched above


def saved(workshop: Workshop, item: Item) -> Event:
    match item:
        case Note():
            return NoteSaved(note=item)
        case Persona():
            return PersonaSaved(persona=item)
        case RoadmapItem():
            return RoadmapItemSaved(item=item)
        case Scenario():
            # Undo never brings back a link to something deleted since.
            return ScenarioSaved(
                scenario=msgspec.structs.replace(
                    item,
                    answers=[n for n in item.answers if n in workshop.notes],
                    key_moment=item.key_moment if item.key_moment in workshop.moments else "",
                )
            )
        case KeyMoment():
            return MomentSaved(moment=placed(workshop, item))
        case Emotion():
            return EmotionSaved(emotion=item)
        case Objective():
            objectives = [item if o.id == item.id else o for o in workshop.objectives]
            return ObjectivesSet(objectives=objectives)
        case PlanRow():
            return PlanRowSaved(row=item)


def placed(workshop: Workshop, moment: KeyMoment) -> KeyMoment:
    """``moment`` without its links to a persona, stage or note that is gone."""
    persona = moment.persona if any(p.id == moment.persona for p in workshop.personas) else ""
    stage = moment.stage if any(s.id == moment.stage for s in workshop.stages) else ""
    note = moment.note if moment.note in workshop.notes else ""
    return msgspec.structs.replace(moment, persona=persona, stage=stage, note=note)
