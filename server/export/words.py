"""Every word the exports print, in English and French (the board's own words where it has them)."""

from __future__ import annotations

import re
from typing import Literal

from sessions.model import Lane, Note, Workshop

Lang = Literal["en", "fr"]

_EN: dict[str, str] = {
    "report": "Workshop restitution",
    "votes.voters": "{n} {n|participant|participants} voted, {dots} {dots|dot|dots} cast.",
    "summary": (
        "{personas} {personas|persona|personas}, {stages} {stages|stage|stages}, "
        "{notes} {notes|note|notes}, {people} {people|participant|participants}"
    ),
    "synthesis": "Synthesis",
    "top.irritant": "Most voted irritant",
    "objectives.list": "Objectives",
    "roadmap.items": "Items",
    "scenarios.one": "Scenario",
    "total": "Total",
    "synthesis.irritants": "Top irritants by stage and channel",
    "synthesis.irritants.none": "No irritant written yet.",
    "synthesis.vote": "What the room chose",
    "synthesis.priorities": "Quick wins and must-haves",
    "synthesis.priorities.none": "No quick win nor must-have yet.",
    "synthesis.timeline": "The two years at a glance",
    "synthesis.scenarios": "Scenarios to launch first",
    "irritants.count": "{n} {n|irritant|irritants}",
    "main.channel": "Main channel",
    "low.point": "Lowest emotion",
    "heatmap": "Channels x stages",
    "heatmap.help": (
        "Notes per channel and stage, all personas together; the darker the cell, the more "
        "notes. In brackets: the irritants among them."
    ),
    "heatmap.none": "No note yet.",
    "objectives": "Objectives and vote",
    "objectives.none": "No objective yet.",
    "answers": "Answers",
    "solution.tags": "Solution tags",
    "authors": "Authors",
    "private": "Private, not revealed",
    "private.included": "Includes the private notes not yet revealed (marked).",
    "overview.moments": "Stages, key moments and scenarios",
    "moments": "Key moments",
    "moments.none": "No key moment marked.",
    "moment.key": "Key moment",
    "macro_objective": "Macro-objective",
    "on.note": "On the note",
    "objective.lead": "Lead generation",
    "objective.conversion": "Conversion",
    "objective.welcome": "Welcome",
    "objective.cross_sell": "Cross-sell",
    "objective.up_sell": "Up-sell",
    "objective.satisfaction": "Satisfaction",
    "objective.loyalty": "Loyalty",
    "objective.engagement": "Engagement",
    "priority.objective": "Serves the objectives",
    "priority.roi": "Expected return",
    "priority.expected": "Expected by the personas",
    "priorities": "Which scenarios to launch first",
    "priorities.none": "No scenario scored yet.",
    "score.total": "Score",
    "launch.first": "launch first",
    "tie.tied": "tied with the one above",
    "tie.behind": "same score as the one above, ahead on “{priority}”",
    "campaigns": "Campaigns",
    "campaign.timing": "When",
    "campaign.content": "Content",
    "scenarios.count": "{n} {n|scenario|scenarios}",
    "items.count": "{n} {n|item|items}",
    "pack": "Restitution pack",
    "page": "Page {n}",
    "thresholds": (
        "Thresholds: strong impact from {strong}, light effort up to {light}, expected from"
        " {expected}, real impact from {real}, buzz from {buzz}."
    ),
    "at.stage": "at {stage}",
    "error.format": "Unknown export format: choose one of {known}.",
    "error.lang": "The language must be en or fr.",
    "error.token": "Exporting needs the facilitator's link.",
    "error.access": "This link does not give access to this workshop.",
    "error.role": "Only the facilitator can export the workshop.",
    "error.version": "This version no longer exists.",
    "error.part": "This workshop has no part {part} in {format}.",
    "exported": "Exported on {date}",
    "contents": "Contents",
    "personas": "Personas",
    "persona": "Persona",
    "journeys": "Customer journeys",
    "journey": "Journey of {persona}",
    "curve": "Emotion curve",
    "curve.none": "No emotion rated yet.",
    "target": "Target journey of {persona}",
    "target.curve": "Target curve",
    "target.today": "Today",
    "target.value": "Target",
    "target.solutions": "Chosen solutions",
    "target.answered": "Irritants answered",
    "target.col": "Target journey",
    "votes": "Vote results",
    "votes.none": "No vote yet.",
    "votes.hidden": "Vote in progress: the tallies stay hidden until the reveal.",
    "roadmap": "Roadmap",
    "roadmap.none": "No roadmap item yet.",
    "matrix": "Impact x effort matrix",
    "timeline": "Timeline over two years",
    "unplanned": "Not planned yet",
    "unscored": "Not scored yet",
    "plan": "Animation plan",
    "plan.title": "Annual animation plan",
    "plan.none": "No action in the plan yet.",
    "plan.action": "Action",
    "plan.target": "Target",
    "plan.segment": "Segment",
    "plan.channels": "Channels",
    "plan.months": "Months",
    "plan.when": "When",
    "plan.trigger": "Trigger",
    "plan.frequency": "Frequency",
    "plan.content": "Content",
    "plan.objective": "Objective served",
    "plan.calendar": "The year at a glance",
    "plan.on.trigger": "on its trigger",
    "plan.count": "{n} {n|action|actions}",
    "month.1": "Jan",
    "month.2": "Feb",
    "month.3": "Mar",
    "month.4": "Apr",
    "month.5": "May",
    "month.6": "Jun",
    "month.7": "Jul",
    "month.8": "Aug",
    "month.9": "Sep",
    "month.10": "Oct",
    "month.11": "Nov",
    "month.12": "Dec",
    "scenarios": "Marketing-automation scenarios",
    "scenarios.none": "No scenario yet.",
    "notes": "Notes",
    "participants": "Participants",
    "overview": "Overview",
    "title": "Title",
    "stage": "Stage",
    "stages": "Stages",
    "lane": "Lane",
    "channel": "Channel",
    "channels": "Channels",
    "text": "Text",
    "author": "Author",
    "tags": "Tags",
    "votes.col": "Votes",
    "position": "Order",
    "id": "Id",
    "rank": "Rank",
    "dots": "Dots",
    "item": "Item",
    "round": "Round",
    "status": "Status",
    "kpis": "Indicators (KPIs)",
    "votes.by_group": "Per group",
    "objective": "Objective",
    "description": "Description",
    "owner": "Owner",
    "class": "Class",
    "class.manual": "set by hand",
    "quarter": "Quarter",
    "effort": "Effort",
    "moment": "Moment",
    "value": "Value",
    "median": "Median",
    "min": "Min",
    "max": "Max",
    "ratings": "Ratings",
    "fixed": "set by the facilitator",
    "median.room": "median of the room",
    "curve.value": "Curve (value drawn)",
    "role": "Role",
    "name": "Name",
    "language": "Language",
    "template": "Template",
    "yes": "yes",
    "hidden": "private, not revealed",
    "year.quarter": "Y{y} Q{q}",
    "anonymised": "Anonymised: participant names and verbatims are withheld.",
    "verbatims.withheld": "[verbatims withheld]",
    "role.facilitator": "Facilitator",
    "role.participant": "Participant",
    "pseudonym": "Participant {n}",
    "status.open": "open",
    "status.paused": "paused",
    "status.closed": "closed",
    "status.revealed": "revealed",
    "moment.commercial": "commercial moment",
    "moment.brand": "brand moment",
    "moment.customer": "customer moment",
    "lane.enchantments": "Enchantments",
    "lane.irritants": "Irritants",
    "lane.expectations": "Expectations",
    "lane.solutions": "Solutions",
    "lane.custom": "Lane",
    "channel.web": "Web",
    "channel.email": "Email",
    "channel.chatbot": "Chatbot",
    "channel.app": "Mobile app",
    "channel.vr": "Virtual reality",
    "channel.social": "Social media",
    "channel.phone": "Phone",
    "channel.crc": "Customer-relation centre",
    "channel.onsite": "On site",
    "tag.customer": "customer expectation",
    "tag.internal": "internal expectation",
    "tag.external": "needs external resources",
    "class.quick_win": "Quick win",
    "class.must_have": "Must have",
    "class.nice_to_have": "Nice to have",
    "class.waow": "Waow",
    "class.weak": "Weak impact",
    "criterion.impact": "Business impact",
    "criterion.cost": "Cost",
    "criterion.delay": "Delay",
    "criterion.complexity": "Technical complexity",
    "criterion.customer": "Expected by customers",
    "criterion.internal": "Expected internally",
    "criterion.external": "Needs external resources",
    "criterion.buzz": "Will make a buzz",
    "criterion.underway": "Already under way",
    "field.tagline": "Tagline",
    "field.age": "Age",
    "field.family": "Family situation",
    "field.job": "Job",
    "field.city": "City",
    "field.profile": "Story",
    "field.process": "Search and purchase process",
    "field.purchases": "Purchases",
    "field.motivations": "Motivations",
    "field.expectations": "Expectations",
    "field.frictions": "Frictions",
    "field.verbatims": "Verbatims",
    "field.insight": "Customer insight",
    "field.promise": "Promise",
    "field.levers": "Brand strengths and differentiating levers",
    "field.sources": "Sources (interviews, mystery visits, data)",
    "field.group": "Worked on by",
    "group.default": "Group {n}",
    "scenario.prerequisite": "Prerequisite",
    "scenario.objective": "Business objective",
    "scenario.trigger": "Trigger",
    "scenario.targeting": "Targeting",
    "scenario.channels": "Channels",
    "scenario.channel_priority": "Channel priority",
    "scenario.frequency": "Execution frequency",
    "scenario.executions": "Number of executions",
    "scenario.delays": "Delays between messages",
    "scenario.messages": "Number of messages",
    "scenario.contents": "Content of each message",
    "scenario.personalisation": "Personalisation fields",
    "scenario.variants": "Variants",
    "scenario.cta": "Call to action",
    "emotion.-2": "very negative",
    "emotion.2": "very positive",
    "emotion.0": "neutral",
}

_FR: dict[str, str] = {
    "report": "Restitution de l'atelier",
    "votes.voters": (
        "{n} {n|participant a|participants ont} voté, "
        "{dots} {dots|gommette posée|gommettes posées}."
    ),
    "summary": (
        "{personas} {personas|persona|personas}, {stages} {stages|étape|étapes}, "
        "{notes} {notes|note|notes}, {people} {people|participant|participants}"
    ),
    "synthesis": "Synthèse",
    "top.irritant": "Irritant le plus voté",
    "objectives.list": "Objectifs",
    "roadmap.items": "Chantiers",
    "scenarios.one": "Scénario",
    "total": "Total",
    "synthesis.irritants": "Principaux irritants par étape et par canal",
    "synthesis.irritants.none": "Aucun irritant noté pour l'instant.",
    "synthesis.vote": "Ce que la salle a choisi",
    "synthesis.priorities": "Quick wins et must have",
    "synthesis.priorities.none": "Pas encore de quick win ni de must have.",
    "synthesis.timeline": "Les deux ans d'un coup d'œil",
    "synthesis.scenarios": "Scénarios à lancer en premier",
    "irritants.count": "{n} {n|irritant|irritants}",
    "main.channel": "Canal principal",
    "low.point": "Émotion la plus basse",
    "heatmap": "Canaux x étapes",
    "heatmap.help": (
        "Notes par canal et par étape, tous personas confondus ; plus la case est foncée, plus "
        "il y a de notes. Entre parenthèses : les irritants parmi elles."
    ),
    "heatmap.none": "Pas encore de note.",
    "objectives": "Objectifs et vote",
    "objectives.none": "Pas encore d'objectif.",
    "answers": "Répond à",
    "solution.tags": "Étiquettes de solution",
    "authors": "Auteurs",
    "private": "Privée, pas encore révélée",
    "private.included": "Comprend les notes privées pas encore révélées (signalées).",
    "overview.moments": "Étapes, moments clés et scénarios",
    "moments": "Moments clés",
    "moments.none": "Aucun moment clé marqué.",
    "moment.key": "Moment clé",
    "macro_objective": "Macro-objectif",
    "on.note": "Sur la note",
    "objective.lead": "Génération de leads",
    "objective.conversion": "Transformation",
    "objective.welcome": "Accueil",
    "objective.cross_sell": "Vente croisée",
    "objective.up_sell": "Montée en gamme",
    "objective.satisfaction": "Satisfaction",
    "objective.loyalty": "Fidélisation",
    "objective.engagement": "Engagement",
    "priority.objective": "Sert les objectifs",
    "priority.roi": "Retour attendu",
    "priority.expected": "Attendu par les personas",
    "priorities": "Les scénarios à lancer d'abord",
    "priorities.none": "Aucun scénario noté pour l'instant.",
    "score.total": "Score",
    "launch.first": "à lancer d'abord",
    "tie.tied": "à égalité avec celui du dessus",
    "tie.behind": "même score que celui du dessus, devant sur « {priority} »",
    "campaigns": "Campagnes",
    "campaign.timing": "Quand",
    "campaign.content": "Contenu",
    "scenarios.count": "{n} {n|scénario|scénarios}",
    "items.count": "{n} {n|chantier|chantiers}",
    "pack": "Dossier de restitution",
    "page": "Page {n}",
    "thresholds": (
        "Seuils : impact fort dès {strong}, effort léger jusqu'à {light}, attendu dès"
        " {expected}, impact réel dès {real}, buzz dès {buzz}."
    ),
    "at.stage": "à l'étape {stage}",
    "error.format": "Format d'export inconnu : choisissez parmi {known}.",
    "error.lang": "La langue doit être en ou fr.",
    "error.token": "L'export demande le lien de l'animateur.",
    "error.access": "Ce lien ne donne pas accès à cet atelier.",
    "error.role": "Seul l'animateur peut exporter l'atelier.",
    "error.version": "Cette version n'existe plus.",
    "error.part": "Cet atelier n'a pas de partie {part} en {format}.",
    "exported": "Exporté le {date}",
    "contents": "Sommaire",
    "personas": "Personas",
    "persona": "Persona",
    "journeys": "Parcours clients",
    "journey": "Parcours de {persona}",
    "curve": "Courbe des émotions",
    "curve.none": "Aucune émotion notée pour l'instant.",
    "target": "Parcours cible de {persona}",
    "target.curve": "Courbe cible",
    "target.today": "Aujourd'hui",
    "target.value": "Cible",
    "target.solutions": "Solutions retenues",
    "target.answered": "Irritants résolus",
    "target.col": "Parcours cible",
    "votes": "Résultats des votes",
    "votes.none": "Pas encore de vote.",
    "votes.hidden": "Vote en cours : les résultats restent masqués jusqu'à leur révélation.",
    "roadmap": "Feuille de route",
    "roadmap.none": "Pas encore de chantier.",
    "matrix": "Matrice impact x effort",
    "timeline": "Planning sur deux ans",
    "unplanned": "Pas encore planifié",
    "unscored": "Pas encore noté",
    "plan": "Plan d'animation",
    "plan.title": "Plan d'animation annuel",
    "plan.none": "Pas encore d'action dans le plan.",
    "plan.action": "Action",
    "plan.target": "Cible",
    "plan.segment": "Segment",
    "plan.channels": "Canaux",
    "plan.months": "Mois",
    "plan.when": "Quand",
    "plan.trigger": "Déclencheur",
    "plan.frequency": "Fréquence",
    "plan.content": "Contenu",
    "plan.objective": "Objectif servi",
    "plan.calendar": "L'année d'un coup d'œil",
    "plan.on.trigger": "à son déclencheur",
    "plan.count": "{n} {n|action|actions}",
    "month.1": "janv.",
    "month.2": "févr.",
    "month.3": "mars",
    "month.4": "avr.",
    "month.5": "mai",
    "month.6": "juin",
    "month.7": "juil.",
    "month.8": "août",
    "month.9": "sept.",
    "month.10": "oct.",
    "month.11": "nov.",
    "month.12": "déc.",
    "scenarios": "Scénarios de marketing automation",
    "scenarios.none": "Pas encore de scénario.",
    "notes": "Notes",
    "participants": "Participants",
    "overview": "Synthèse",
    "title": "Titre",
    "stage": "Étape",
    "stages": "Étapes",
    "lane": "Ligne",
    "channel": "Canal",
    "channels": "Canaux",
    "text": "Texte",
    "author": "Auteur",
    "tags": "Étiquettes",
    "votes.col": "Votes",
    "position": "Ordre",
    "id": "Id",
    "rank": "Rang",
    "dots": "Gommettes",
    "item": "Élément",
    "round": "Tour",
    "status": "État",
    "kpis": "Indicateurs (KPI)",
    "votes.by_group": "Par groupe",
    "objective": "Objectif",
    "description": "Description",
    "owner": "Responsable",
    "class": "Classe",
    "class.manual": "fixée à la main",
    "quarter": "Trimestre",
    "effort": "Effort",
    "moment": "Moment",
    "value": "Valeur",
    "median": "Médiane",
    "min": "Min",
    "max": "Max",
    "ratings": "Notes",
    "fixed": "fixée par l'animateur",
    "median.room": "médiane de la salle",
    "curve.value": "Courbe (valeur tracée)",
    "role": "Rôle",
    "name": "Nom",
    "language": "Langue",
    "template": "Modèle",
    "yes": "oui",
    "hidden": "privée, pas encore révélée",
    "year.quarter": "A{y} T{q}",
    "anonymised": "Anonymisé : les noms des participants et les verbatims sont masqués.",
    "verbatims.withheld": "[verbatims masqués]",
    "role.facilitator": "Animateur",
    "role.participant": "Participant",
    "pseudonym": "Participant {n}",
    "status.open": "ouvert",
    "status.paused": "en pause",
    "status.closed": "clos",
    "status.revealed": "révélé",
    "moment.commercial": "moment commercial",
    "moment.brand": "moment de marque",
    "moment.customer": "moment client",
    "lane.enchantments": "Enchantements",
    "lane.irritants": "Irritants",
    "lane.expectations": "Attentes",
    "lane.solutions": "Solutions",
    "lane.custom": "Ligne",
    "channel.web": "Web",
    "channel.email": "E-mail",
    "channel.chatbot": "Chatbot",
    "channel.app": "Appli mobile",
    "channel.vr": "Réalité virtuelle",
    "channel.social": "Réseaux sociaux",
    "channel.phone": "Téléphone",
    "channel.crc": "Centre de relation client",
    "channel.onsite": "Sur place",
    "tag.customer": "attente client",
    "tag.internal": "attente interne",
    "tag.external": "ressources externes",
    "class.quick_win": "Quick win",
    "class.must_have": "Must have",
    "class.nice_to_have": "Nice to have",
    "class.waow": "Waow",
    "class.weak": "Impact faible",
    "criterion.impact": "Impact business",
    "criterion.cost": "Coût",
    "criterion.delay": "Délai",
    "criterion.complexity": "Complexité technique",
    "criterion.customer": "Attendu par les clients",
    "criterion.internal": "Attendu en interne",
    "criterion.external": "Ressources externes",
    "criterion.buzz": "Fera le buzz",
    "criterion.underway": "Déjà embarqué",
    "field.tagline": "Accroche",
    "field.age": "Âge",
    "field.family": "Situation familiale",
    "field.job": "Métier",
    "field.city": "Ville",
    "field.profile": "Histoire",
    "field.process": "Processus de recherche et d'achat",
    "field.purchases": "Achats",
    "field.motivations": "Motivations",
    "field.expectations": "Attentes",
    "field.frictions": "Freins",
    "field.verbatims": "Verbatims",
    "field.insight": "Insight client",
    "field.promise": "Promesse",
    "field.levers": "Forces de la marque et leviers de différenciation",
    "field.sources": "Sources (entretiens, visites mystère, données)",
    "field.group": "Travaillé par",
    "group.default": "Groupe {n}",
    "scenario.prerequisite": "Prérequis",
    "scenario.objective": "Objectif business",
    "scenario.trigger": "Déclencheur",
    "scenario.targeting": "Ciblage",
    "scenario.channels": "Canaux",
    "scenario.channel_priority": "Priorité des canaux",
    "scenario.frequency": "Fréquence d'exécution",
    "scenario.executions": "Nombre d'exécutions",
    "scenario.delays": "Délais entre messages",
    "scenario.messages": "Nombre de messages",
    "scenario.contents": "Contenu de chaque message",
    "scenario.personalisation": "Champs de personnalisation",
    "scenario.variants": "Variantes",
    "scenario.cta": "Appel à l'action",
    "emotion.-2": "très négatif",
    "emotion.2": "très positif",
    "emotion.0": "neutre",
}

_WORDS: dict[str, dict[str, str]] = {"en": _EN, "fr": _FR}


_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")
NNBSP = "\u202f"
"""The narrow no-break space French puts before ``: ; ! ?`` and inside « »."""


def french_spacing(text: str) -> str:
    """``text`` with French spacing: a narrow no-break space before ``: ; ! ?`` and inside
    « » (a space already there is replaced; none is added where the text has none, so that
    times, ratios and ids are left alone)."""
    text = re.sub(r"[ \u00a0\u202f]+([:;!?»])", NNBSP + r"\1", text)
    return re.sub(r"«[ \u00a0\u202f]+", "«" + NNBSP, text)


class Words:
    """The words of one language: ``words("journey", persona="Léa")``.

    A template names a count's plural forms as ``{n|one|many}`` (French treats 0 and 1 as
    singular, English only 1); French templates get French spacing before user values are put
    in, so that user text is never changed.
    """

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang
        self._table = _WORDS[lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self._table.get(key) or _EN.get(key) or key

        def form(match: re.Match[str]) -> str:
            count = values.get(match.group(1))
            single = isinstance(count, int) and (count < 2 if self.lang == "fr" else count == 1)
            return match.group(2) if single else match.group(3)

        text = _PLURAL.sub(form, text)
        if self.lang == "fr":
            text = french_spacing(text)
        for name, value in values.items():
            text = text.replace(f"{{{name}}}", str(value))
        return text

    def lane(self, lane: Lane) -> str:
        return lane.title or self(f"lane.{lane.kind}")

    def tags(self, note: Note) -> list[str]:
        """A note's solution tags, and its mark when it is chosen for the target journey."""
        found = [self(f"tag.{t}") for t in note.tags]
        return [*found, self("target.col")] if note.target else found

    def details(self, note: Note, people: dict[str, str]) -> list[str]:
        """What is written under a note: private mark, author, tags."""
        found = [self("private")] if note.hidden else []
        found += [people[note.author]] if note.author in people else []
        return found + self.tags(note)

    def quarter(self, index: int) -> str:
        return self("year.quarter", y=index // 4 + 1, q=index % 4 + 1)

    def number(self, value: float | None, digits: int = 1, signed: bool = False) -> str:
        """``value`` as people write it: ``1.5`` / ``1,5``, trailing zeros dropped, ``+`` shown
        on positive values when ``signed``; empty for None."""
        if value is None:
            return ""
        text = f"{value:.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
        if signed and value > 0 and text != "0":
            text = "+" + text
        return text.replace(".", ",") if self.lang == "fr" else text

    def spaced(self, text: str) -> str:
        """Our own composed text (never user text) with the language's spacing."""
        return french_spacing(text) if self.lang == "fr" else text


def stage_titles(workshop: Workshop) -> dict[str, str]:
    return {stage.id: stage.title for stage in workshop.stages}


def persona_names(workshop: Workshop) -> dict[str, str]:
    return {persona.id: persona.name for persona in workshop.personas}
