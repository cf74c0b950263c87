from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from PIL import Image
from pypdf import PdfReader

from server import export
from server.export import palette, tables
from server.export.text import FORMULA_STARTS, slug
from server.export.words import _EN, _FR
from server.export.xlsx import _SheetNames
from sessions.model import Note, Workshop
from sessions.templates import build
from tests.unit.test_export_workshops import filled, workshops

AT = "2026-11-26T10:00:00Z"
SVG = "{http://www.w3.org/2000/svg}"


def _render(workshop: Workshop, name: str, part: str | None = None, **options: object) -> bytes:
    chosen = export.Options(exported_at=AT, **options)  # type: ignore[arg-type]
    return export.export(workshop, export.FORMATS[name], chosen, part)


def _squash(text: str) -> str:
    """Text without any whitespace (a PDF or picture wraps lines wherever it fits)."""
    return re.sub(r"\s+", "", text)


def _visible(workshop: Workshop) -> list[Note]:
    """The notes an export shows by default: all but the private ones not yet revealed."""
    return [n for n in workshop.notes.values() if not n.hidden]


def _pdf_text(raw: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def test_every_language_has_every_word() -> None:
    """The French and English word lists have the same keys."""
    assert set(_EN) == set(_FR)


def test_registry_lists_every_format_with_its_media_type() -> None:
    """The registry maps each format to a media type, an extension and a render function."""
    assert list(export.FORMATS) == ["json", "xlsx", "csv", "html", "pdf", "svg", "png", "pack"]
    for name, fmt in export.FORMATS.items():
        assert fmt.name == name and fmt.media_type and callable(fmt.render)
    assert export.FORMATS["pdf"].media_type == "application/pdf"
    assert export.FORMATS["csv"].parts is not None and export.FORMATS["json"].parts is None


def test_file_names_are_ascii_slugs_of_the_title_and_part() -> None:
    """Files are named after the workshop and, for parts, the persona or table."""
    w = filled("fr")
    assert export.file_name(w, export.FORMATS["pdf"]) == "voyages-sportifs-2027.pdf"
    svg = export.file_name(w, export.FORMATS["svg"], w.personas[0].id)
    assert svg == "voyages-sportifs-2027-lea-la-chasseuse-d-images.svg"
    assert export.file_name(w, export.FORMATS["csv"], "notes") == "voyages-sportifs-2027-notes.csv"
    assert slug("!!!") == "workshop" and slug("Été à Paris") == "ete-a-paris"


def test_unknown_parts_are_refused() -> None:
    """A part the workshop does not have, or a part of a one-file format, is a KeyError."""
    w = filled()
    with pytest.raises(KeyError):
        _render(w, "svg", "a999")
    with pytest.raises(KeyError):
        _render(w, "svg")
    with pytest.raises(KeyError):
        _render(w, "pdf", "notes")


def test_bundle_zips_every_part() -> None:
    """A multi-part format bundles one file per part in a zip."""
    w = filled()
    raw = export.bundle(w, export.FORMATS["png"], export.Options(exported_at=AT))
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = archive.namelist()
        assert len(names) == len(w.personas)
        for name in names:
            Image.open(io.BytesIO(archive.read(name))).verify()


def test_xlsx_has_a_grid_per_persona_and_every_table() -> None:
    """The workbook reads back: sheet names, notes in their grid cells, channel colours."""
    w = filled("en")
    book = openpyxl.load_workbook(io.BytesIO(_render(w, "xlsx")))
    names = [p.name for p in w.personas]
    assert book.sheetnames == ["Overview", *names, "Notes", "Vote results", "Roadmap",
                               "Key moments", "Marketing-automation scenarios",
                               "Animation plan"]  # fmt: skip
    lea = book[names[0]]
    assert [lea.cell(row=3, column=c).value for c in range(2, 7)] == [s.title for s in w.stages]
    found = {}
    for row in lea.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, str):
                found[cell.value] = cell
    for note in _visible(w):
        if note.persona != w.personas[0].id:
            continue
        cell = next(c for text, c in found.items() if text.startswith(note.text + "\n— "))
        stage_column = 2 + [s.id for s in w.stages].index(note.stage)
        assert cell.column == stage_column
        colour = palette.channel_colour(note.channel).lstrip("#")
        assert cell.fill.fgColor.rgb == "FF" + colour
    notes = book["Notes"]
    assert notes.max_row == len(_visible(w)) + 1
    assert notes.auto_filter.ref is not None
    roadmap = book["Roadmap"]
    header = [cell.value for cell in roadmap[1]]
    assert "Already under way" in header and "Will make a buzz" in header
    classes = [roadmap.cell(row=r, column=18).value for r in range(2, roadmap.max_row + 1)]
    assert classes == ["Nice to have", "Must have", "Nice to have", None, "Waow", None]
    assert lea._charts, "the emotion curve is drawn as a chart"


def test_xlsx_curve_figures_are_the_summary_medians() -> None:
    """The journey sheet lists the curve drawn, and the room's own median beside the value
    the facilitator set."""
    w = filled("en")
    w.emotions[f"{w.personas[0].id}:{w.stages[2].id}"].fixed = 1
    sheet = openpyxl.load_workbook(io.BytesIO(_render(w, "xlsx")))[w.personas[0].name]
    rows = {row[0].value: [c.value for c in row[1:6]] for row in sheet.iter_rows()}
    assert rows["Curve (value drawn)"] == [0.5, -1.5, 1, 1.5, 0.5]
    assert rows["Median"] == [0.5, -1.5, -2, 1.5, 0.5]
    assert rows["Set by the facilitator"] == [None, None, 1, None, None]


def test_csv_of_notes_and_roadmap_parse_with_a_bom() -> None:
    """Both CSV files start with a BOM and parse back: one row per note or item."""
    w = filled("en")
    raw = _render(w, "csv", "notes")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Id", "Persona", "Stage", "Lane"]
    assert {r[0] for r in rows[1:]} == {n.id for n in _visible(w)}
    roadmap = list(csv.reader(io.StringIO(_render(w, "csv", "roadmap").decode("utf-8-sig"))))
    assert len(roadmap) == len(w.roadmap) + 1


def test_french_csv_uses_semicolons_and_decimal_commas() -> None:
    """In French the CSV is what a French spreadsheet expects."""
    raw = _render(filled("fr"), "csv", "roadmap", lang="fr").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert rows[0][1] == "Titre"
    assert "2,83" in rows[1] and "2,5" in rows[1]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_formula_like_cells_are_neutralised(start: str) -> None:
    """A cell starting with = + - @ tab or CR gets a leading quote in CSV; in xlsx it is a
    string cell (never a formula) shown as written, without a quote."""
    w = filled("en")
    note = next(iter(w.notes.values()))
    note.text = f"{start}1+cmd|' /C calc'!A0"
    rows = list(csv.reader(io.StringIO(_render(w, "csv", "notes").decode("utf-8-sig"))))
    assert next(r for r in rows if r[0] == note.id)[6] == "'" + note.text
    book = openpyxl.load_workbook(io.BytesIO(_render(w, "xlsx")))
    expected = note.text.replace("\r", "\n")  # XML reads a carriage return as a newline
    cells = [c for row in book["Notes"].iter_rows() for c in row if c.value == expected]
    assert cells and all(c.data_type == "s" for c in cells)
    people = [c for row in book["Overview"].iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert people and all(c.data_type == "s" for c in people)
    every = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("'") for v in every)


def test_pdf_holds_every_persona_and_every_note() -> None:
    """The PDF's extracted text names every persona and holds every note, in both languages."""
    for lang in ("en", "fr"):
        w = filled(lang)
        raw = _render(w, "pdf", lang=lang)
        assert raw.startswith(b"%PDF-")
        text = _squash(_pdf_text(raw))
        for persona in w.personas:
            assert _squash(persona.name) in text
        for note in _visible(w):
            assert _squash(note.text) in text, note.text
        for item in w.roadmap.values():
            assert _squash(item.title) in text
        assert _squash("Trip preparation") in text


def test_reports_show_answered_irritants_tags_authors_and_objectives() -> None:
    """The PDF and the HTML show, for each item, the irritants it answers, its notes' solution
    tags and scored criteria (already under way too); each note's author; every objective with
    its description, vote or not."""
    w = filled("en")
    w.rounds = []
    w.objectives[0].description = "So that nobody books the wrong level"
    item = next(i for i in w.roadmap.values() if i.answers)
    item.scores["underway"] = {"p1": 4}
    answered = w.notes[item.answers[0]].text
    for raw in (_pdf_text(_render(w, "pdf")), _render(w, "html").decode()):
        text = _squash(raw.replace("&#x27;", "'"))
        assert _squash(answered) in text and _squash("customer expectation") in text
        assert _squash("Already under way 4") in text
        assert _squash("So that nobody books the wrong level") in text
        assert "Claire" in text and "Novoteyet." in text


def test_reports_and_workbook_list_key_moments_priorities_and_campaigns() -> None:
    """The travel demo's key moments, its ranked scenarios (the first three marked) and each
    scenario's campaigns are in the PDF, the HTML and the workbook, in both languages."""
    for lang, first, moment in (
        ("en", "launch first", "Key moments"),
        ("fr", "à lancer", "Moments"),
    ):
        w = build("travel", lang, "travel01", "Moments", "Anne")  # type: ignore[arg-type]
        quote = next(m.title for m in w.moments.values() if m.note and m.objective)
        campaign = next(c.content for s in w.scenarios.values() for c in s.campaigns)
        pdf, html = _render(w, "pdf", lang=lang), _render(w, "html", lang=lang)
        for raw in (_pdf_text(pdf), html.decode()):
            text = _squash(raw.replace("&#x27;", "'"))
            for wanted in (quote, campaign, first, moment):
                assert _squash(wanted) in text, (lang, wanted)
        book = openpyxl.load_workbook(io.BytesIO(_render(w, "xlsx", lang=lang)))
        sheet = book.worksheets[-3]  # key moments, then the scenarios and the animation plan
        assert quote in [c.value for c in sheet["A"]]


def test_pdf_of_the_travel_template_continues_long_journeys_on_new_pages() -> None:
    """A journey taller than a page is cut between lanes, stage titles repeated."""
    w = build("travel", "en", "travel01", "Long", "Anne")
    persona, stage, lane = w.personas[0].id, w.stages[0].id, w.lanes[1].id
    for i in range(30):
        note_id = f"n{100 + i}"
        w.notes[note_id] = Note(id=note_id, persona=persona, stage=stage, lane=lane,
                                text=f"Long note number {i} " * 3, pos=float(i))  # fmt: skip
    w.counter = 200
    reader = PdfReader(io.BytesIO(_render(w, "pdf")))
    pages = [page.extract_text() for page in reader.pages]
    journey = [p for p in pages if w.stages[0].title in p]
    assert len(journey) >= 3
    for i in range(30):
        assert f"Long note number {i} " in " ".join(pages).replace("\n", " ")


def test_svg_is_xml_with_every_note_of_its_persona() -> None:
    """Each persona's SVG parses as XML and holds its notes, and only its notes."""
    w = filled("en")
    w.notes[next(iter(w.notes))].text = "<script>alert(1)</script> & co"
    for persona in w.personas:
        root = ET.fromstring(_render(w, "svg", persona.id))
        assert root.tag == f"{SVG}svg"
        text = _squash("".join(root.itertext()))
        for note in _visible(w):
            assert (_squash(note.text) in text) == (note.persona == persona.id)
        assert root.find(f".//{SVG}script") is None


def test_png_decodes_and_shows_channel_colours() -> None:
    """The PNG decodes, is twice the SVG's size, and has pixels of each channel used."""
    w = filled("en")
    persona = w.personas[0]
    image = Image.open(io.BytesIO(_render(w, "png", persona.id)))
    image.load()
    assert image.format == "PNG" and image.mode == "RGB"
    svg = ET.fromstring(_render(w, "svg", persona.id))
    assert image.width == 2 * float(svg.get("width", "0"))
    colours = {c for _, c in image.getcolors(maxcolors=1_000_000) or []}
    for note in _visible(w):
        if note.persona == persona.id:
            assert palette.rgb(palette.channel_colour(note.channel)) in colours


def test_html_report_is_escaped_printable_and_complete() -> None:
    """The report escapes user text, has a print stylesheet and holds every note."""
    w = filled("fr")
    w.notes[next(iter(w.notes))].text = "<script>alert(1)</script>"
    raw = _render(w, "html", lang="fr").decode()
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    assert "@media print" in raw and '<html lang="fr">' in raw
    parser = _Text()
    parser.feed(raw)
    text = _squash("".join(parser.chunks))
    for note in _visible(w):
        assert _squash(note.text) in text
    assert "Objectifs et vote" in raw and "Feuille de route" in raw
    assert parser.tags.count("svg") == len(w.personas) + 1  # curves and the matrix


def test_hidden_vote_tallies_stay_out_of_documents() -> None:
    """A round still hidden shows its status, not its tallies."""
    w = filled("en")
    table = tables.votes(w, export.Words("en"))
    hidden = [r for r in table.rows if r[0] == "Solutions"]
    assert hidden == [["Solutions", "open", None, export.Words("en")("votes.hidden"), None, ""]]


def test_anonymised_exports_hold_no_name_nor_verbatim() -> None:
    """With anonymise, no participant name and no verbatim appears in any format."""
    w = filled("en")
    names = [p.name for p in w.participants.values()]
    verbatim = "Je veux savoir avec qui je plonge"
    options = {"anonymise": True}
    outputs = {
        "json": _render(w, "json", **options).decode(),
        "csv": _render(w, "csv", "notes", **options).decode("utf-8-sig"),
        "html": _render(w, "html", **options).decode(),
        "pdf": _pdf_text(_render(w, "pdf", **options)),
        "svg": _render(w, "svg", w.personas[0].id, **options).decode(),
    }
    book = openpyxl.load_workbook(io.BytesIO(_render(w, "xlsx", **options)))
    outputs["xlsx"] = " ".join(
        str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value
    )
    for name, text in outputs.items():
        assert verbatim not in text, name
        for person in names:
            assert person not in text, (name, person)
    assert "Participant 1" in outputs["json"] and "verbatims withheld" in outputs["pdf"]
    # the anonymised snapshot still imports, with the same figures
    from sessions import snapshot

    back = snapshot.read(outputs["json"].encode())
    assert len(back.notes) == len(_visible(w)) and back.rounds == w.rounds
    assert "Bob" not in back.personas[0].verbatims


def test_anonymising_leaves_the_workshop_untouched() -> None:
    """Anonymising works on a copy."""
    w = filled("en")
    before = _render(w, "json")
    _render(w, "pdf", anonymise=True)
    assert _render(w, "json") == before


def test_sheet_names_are_valid_and_unique() -> None:
    """Excel sheet names: 31 characters at most, no []:*?/\\, unique ignoring case."""
    names = _SheetNames()
    taken = [names.take(n) for n in ["Notes", "notes", "a/b:c" * 10, "x" * 40, "x" * 40, ""]]
    assert len({t.casefold() for t in taken}) == len(taken)
    assert all(len(t) <= 31 and not re.search(r"[\[\]:*?/\\]", t) for t in taken)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workshops())
def test_every_format_renders_random_workshops_readably(workshop: Workshop) -> None:
    """Any valid workshop renders in every format, and each file opens in its reader."""
    options = export.Options(exported_at=AT, lang=workshop.lang)
    for fmt in export.FORMATS.values():
        if fmt.name == "pack":
            continue  # every other format, zipped: checked on the demo
        parts = fmt.parts(workshop) if fmt.parts else [None]
        for part in parts:
            raw = export.export(workshop, fmt, options, part)
            match fmt.name:
                case "xlsx":
                    openpyxl.load_workbook(io.BytesIO(raw))
                case "csv":
                    delimiter = ";" if workshop.lang == "fr" else ","
                    list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))
                case "pdf":
                    assert _pdf_text(raw)
                case "svg":
                    ET.fromstring(raw)
                case "png":
                    Image.open(io.BytesIO(raw)).verify()
                case "html":
                    _Text().feed(raw.decode())


def test_the_report_says_which_group_worked_on_each_persona() -> None:
    """With groups, each persona's sheet in the HTML and PDF reports names its group and members."""
    from sessions.protocol import SplitGroups
    from tests.unit.ballots import play
    from tests.unit.workshops import FACILITATOR, enter

    workshop = build("travel", "fr", "abcdef", "Groupes", "Claire")
    enter(workshop, "Samira Benali")
    enter(workshop, "Jules Petit")
    play(workshop, FACILITATOR, SplitGroups(op_id="s", count=2))
    html = _render(workshop, "html", lang="fr").decode()
    assert html.count("Travaillé par") == 2
    assert "Groupe 1" in html and "Samira Benali" in html and "Jules Petit" in html
    pdf = _squash(_pdf_text(_render(workshop, "pdf", lang="fr")))
    assert "Travaillépar" in pdf and "Groupe2" in pdf
