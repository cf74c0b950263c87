"""Privacy, French typography and colours in every export: anonymisation of whole and partial
names (pictures included), private notes left out unless asked for, decimal commas, narrow
no-break spaces and plurals, the channel colours' single source."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from PIL import Image
from pypdf import PdfReader

from server import export
from server.export import journey, palette
from server.export.anonymise import fold, parts, scrubber
from server.export.words import NNBSP, Words
from sessions.model import Participant, Workshop
from tests.unit.test_export_workshops import filled

AT = "2026-11-26T10:00:00Z"
ROOT = Path(__file__).resolve().parents[2]


def _texts(workshop: Workshop, only: tuple[str, ...] = (), **options: object) -> dict[str, str]:
    """The readable text of every format (or of ``only`` those), every part, as its reader
    gets it; a PNG as its bytes in hex."""
    chosen = export.Options(exported_at=AT, **options)  # type: ignore[arg-type]
    if only:
        files = {
            export.file_name(workshop, fmt, part): export.export(workshop, fmt, chosen, part)
            for fmt in (export.FORMATS[name] for name in only)
            for part in (fmt.parts(workshop) if fmt.parts else [None])
        }
    else:
        raw = export.export(workshop, export.FORMATS["pack"], chosen)
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    out: dict[str, str] = {}
    for name, body in files.items():
        match name.rsplit(".", 1)[1]:
            case "pdf":
                pages = PdfReader(io.BytesIO(body)).pages
                out[name] = "\n".join(p.extract_text() for p in pages)
            case "xlsx":
                book = openpyxl.load_workbook(io.BytesIO(body))
                out[name] = "\n".join(
                    str(c.value) for s in book for row in s.iter_rows() for c in row if c.value
                )
            case "png":
                Image.open(io.BytesIO(body)).verify()
                out[name] = body.hex()
            case "svg" | "html":
                out[name] = html.unescape(re.sub(r"<[^>]+>", " ", body.decode()))
            case _:
                out[name] = body.decode("utf-8-sig")
    return out


def _named(lang: str = "en") -> Workshop:
    """The demo where a participant, Zoé Nguyen, is named whole and in part in every field."""
    w = filled(lang)
    w.participants["p90"] = Participant(id="p90", name="Zoé Nguyen")
    w.participants["p91"] = Participant(id="p91", name="Anne-Marie de la Tour")
    w.counter = max(w.counter, 100)
    mentions = ["Zoé Nguyen said so", "zoe agrees", "ask NGUYEN", "Anne-Marie and Tour", "ZOÉ"]
    for index, note in enumerate(w.notes.values()):
        note.text = f"{note.text} ({mentions[index % len(mentions)]})"
    for persona in w.personas:
        persona.profile = "Met Zoé at the fair; Nguyen's idea"
        persona.insight = "tour of nguyen, by anne"
    for objective in w.objectives:
        objective.title += " for Zoe"
        objective.description = "As Anne-Marie put it"
        objective.kpis = "asked by Nguyen"
    for vote in w.rounds:
        vote.title += " (Zoé)"
    for item in w.roadmap.values():
        item.title += " by Nguyen"
        item.description = "zoé's plan"
        item.owner = "Anne-Marie de la Tour"
    for scenario in w.scenarios.values():
        scenario.title += " (nguyen)"
        scenario.fields = {f: f"{v}, for Zoé" for f, v in scenario.fields.items()}
    return w


def test_names_are_found_whole_in_part_in_any_case_and_accent() -> None:
    """The scrubber replaces a name, each of its parts, in any case, with or without accents;
    particles and other words are left alone."""
    scrub = scrubber({"Zoé Nguyen": "P1", "Anne-Marie de la Tour": "P2"}, "Participant")
    assert parts("Anne-Marie de la Tour") == ["Anne", "Marie", "Tour"]
    assert scrub("zoe, ZOÉ, Zoé Nguyen, nguyen.") == "P1, P1, P1, P1."
    assert scrub("Anne-Marie de la Tour and marie") == "P2 and P2"
    assert scrub("de la part de Zoéline, à Tours") == "de la part de Zoéline, à Tours"
    assert fold("Élodie ÇA") == "elodie ca" and len(fold("Œuvre")) == len("Œuvre")
    shared = scrubber({"Léa Martin": "P1", "Paul Martin": "P2"}, "Participant")
    assert shared("Martin, Léa, Paul") == "Participant, P1, P2"


def test_anonymised_formats_hold_no_part_of_any_name() -> None:
    """Anonymised, no format (pictures included) holds a participant's name or a part of it,
    in any field; the pictures differ from the plain ones."""
    w = _named()
    plain = _texts(w, ("png", "svg"))
    hidden = _texts(w, anonymise=True)
    assert set(plain) < set(hidden)
    forbidden = {fold(p) for person in w.participants.values() for p in parts(person.name)}
    forbidden -= {"hyperlink"}  # "=HYPERLINK(1)" is a name too; its word is checked below
    for name, text in hidden.items():
        if name.endswith(".png"):
            assert text != plain[name], "the picture was drawn from the anonymised copy"
            continue
        found = set(re.findall(r"\w+", fold(text))) & forbidden
        assert not found, (name, found)
    for name in plain:
        if name.endswith(".svg"):
            assert "zoe" in fold(plain[name]), "the plain picture does name her"
    assert "Participant" in hidden["voyages-sportifs-2027.json"]


def test_picture_scenes_of_the_anonymised_copy_hold_no_name() -> None:
    """The PNG is drawn from the very scene the SVG is written from: it holds no name."""
    w = export.prepare(_named(), export.Options(anonymise=True))
    for persona in w.personas:
        drawn = journey.scene(w, persona, Words("en"))
        words = {fold(x) for item in drawn.items for line in getattr(item, "lines", []) for x in
                 re.findall(r"\w+", line)}  # fmt: skip
        assert not words & {"zoe", "nguyen", "anne", "marie", "tour", "chloe", "bob"}


def test_private_notes_are_left_out_unless_asked_for_then_marked() -> None:
    """A private note not yet revealed is in no format by default; asked for, it is in every
    one, marked as private."""
    w = filled("en")
    secret = next(n for n in w.notes.values() if n.hidden)
    for name, text in _texts(w).items():
        assert "hidden extra costs" not in text, name
    shown = _texts(w, private=True)
    for name in ("voyages-sportifs-2027.pdf", "voyages-sportifs-2027.html",
                 "voyages-sportifs-2027-lea-the-image-hunter.svg"):  # fmt: skip
        text = " ".join(shown[name].split())
        assert secret.text in text, name
        assert "Private, not revealed" in text, name
    assert "private, not revealed" in shown["voyages-sportifs-2027-notes.csv"]
    book = shown["voyages-sportifs-2027.xlsx"]
    assert "hidden extra costs on site\n— Private, not revealed" in book
    assert "Includes the private notes" in shown["voyages-sportifs-2027.pdf"]


def test_french_documents_use_french_typography() -> None:
    """In French: decimal commas, narrow no-break spaces before : ; ! ? and inside « », real
    plurals; user text is left as written."""
    words = Words("fr")
    assert words("votes.voters", n=1, dots=0) == "1 participant a voté, 0 gommette posée."
    assert words("votes.voters", n=3, dots=9) == "3 participants ont voté, 9 gommettes posées."
    assert Words("en")("votes.voters", n=0, dots=1) == "0 participants voted, 1 dot cast."
    assert words.number(-1.5, signed=True) == "-1,5" and words.number(2.0) == "2"
    assert words("votes.hidden").startswith(f"Vote en cours{NNBSP}:")
    texts = _texts(filled("fr"), ("pdf", "html", "csv"), lang="fr")
    pdf = texts["voyages-sportifs-2027.pdf"]
    page = texts["voyages-sportifs-2027.html"]
    for text in (pdf, page):
        assert "(s)" not in text
        assert "2 personas, 5 étapes, 26 notes, 5 participants" in text
        assert f"Seuils{NNBSP}: impact fort dès 4, effort léger jusqu'à 2,5, attendu dès 4" in text
    assert re.search(r"[+-]\d,\d", pdf) and not re.search(r"(?<![\d.])[+-]\d\.\d(?!\d)", pdf)
    assert "A1 T1" in pdf and f"Vote en cours{NNBSP}:" in page
    rows = list(csv.reader(io.StringIO(texts["voyages-sportifs-2027-roadmap.csv"]), delimiter=";"))
    assert "2,83" in rows[1]


def test_channel_colours_have_one_source() -> None:
    """The board, its legend and every export read the channel colours from channels.css."""
    css = (ROOT / "board/static/css/channels.css").read_text()
    board = (ROOT / "board/static/css/board.css").read_text()
    page = (ROOT / "board/static/index.html").read_text()
    assert not re.search(r"--ch-\w+(-edge)?\s*:", board), "board.css only uses them"
    assert page.index("channels.css") < page.index("board.css")
    for channel in ("web", "email", "crc", "onsite"):
        fill = re.search(rf"--ch-{channel}:\s*(#\w+)", css)
        assert fill and palette.channel_colour(channel) == fill.group(1).upper()
    report = export.export(filled("en"), export.FORMATS["html"], export.Options()).decode()
    assert f".ch-web {{ background: {palette.channel_colour('web')};" in report
