"""The PDF and the workbook as real readers see them: poppler (``pdfinfo``, ``pdftotext``) for
the PDF, LibreOffice headless for the xlsx (converted to PDF, as it would print it), openpyxl
for what the workbook says about itself. ``./dev test`` installs the readers where missing.

Two workshops, each rendered once: the travel demo and a large one (95 notes, 3 personas, a
lane taller than a page); LibreOffice runs once for both workbooks (module-scoped fixture).
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from server import export
from server.export import palette
from tests.unit.test_export_workshops import filled, large

AT = "2026-11-26T10:00:00Z"
PT_PER_MM = 72 / 25.4
READERS = ("soffice", "pdfinfo", "pdftotext")

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in READERS),
    reason="LibreOffice and poppler-utils are needed (./dev test installs them)",
)


@dataclass
class Rendered:
    pdf: Path
    xlsx: Path
    xlsx_pdf: Path
    """The workbook as LibreOffice prints it."""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Rendered]]:
    folder = tmp_path_factory.mktemp("readers")
    options = export.Options(lang="fr", exported_at=AT)
    found: dict[str, Rendered] = {}
    for name, workshop in (("demo", filled("fr")), ("large", large("fr"))):
        pdf, xlsx = folder / f"{name}.pdf", folder / f"{name}.xlsx"
        pdf.write_bytes(export.export(workshop, export.FORMATS["pdf"], options))
        xlsx.write_bytes(export.export(workshop, export.FORMATS["xlsx"], options))
        found[name] = Rendered(pdf, xlsx, folder / "printed" / f"{name}.pdf")
    profile = (folder / "profile").as_uri()  # its own profile: other LibreOffice runs may be live
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder / "printed"), *(str(r.xlsx) for r in found.values())],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    yield found


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def _page_texts(path: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")[:-1]


def _smallest_text(path: Path) -> float:
    """The size in points of the smallest piece of text drawn (font size times the scale of
    the text and graphics matrices)."""
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
        c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        sizes.append(size * math.sqrt(abs(a * d - b * c)))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return min(sizes)


def test_pdf_page_counts_stay_within_bounds(files: dict[str, Rendered]) -> None:
    """The report of the demo holds in 10 to 20 pages (it shows target journeys, key moments
    and the animation plan too), a large workshop's in at most 30."""
    assert 10 <= _pages(files["demo"].pdf) <= 20
    assert 14 <= _pages(files["large"].pdf) <= 30


def test_pdf_has_no_text_below_7_points(files: dict[str, Rendered]) -> None:
    """Nothing is shrunk below 7 pt, not even in a lane taller than a page."""
    for rendered in files.values():
        assert _smallest_text(rendered.pdf) >= 6.99


def test_pdf_outline_synthesis_and_headings(files: dict[str, Rendered]) -> None:
    """Bookmarks name every section and journey; the synthesis holds on one page; no
    bookmarked heading sits in the last 35 mm of its page; every page but the cover is
    numbered."""
    for name, rendered in files.items():
        reader = PdfReader(rendered.pdf)
        outline = reader.outline
        top = [item for item in outline if not isinstance(item, list)]
        titles = [item.title for item in top]
        assert titles == [
            "Synthèse", "Personas", "Parcours clients", "Canaux x étapes",
            "Objectifs et vote", "Feuille de route", "Scénarios de marketing automation",
            "Plan d'animation annuel",
        ], name  # fmt: skip
        pages = [reader.get_destination_page_number(item) for item in top]
        assert pages[1] == pages[0] + 1, "the synthesis is one page"
        where = next(i for i, x in enumerate(outline) if x is top[2])
        journeys = outline[where + 1]
        assert isinstance(journeys, list)
        assert len(journeys) == (2 if name == "demo" else 3)
        height = float(reader.pages[0].mediabox.height)
        for item in outline:
            for each in item if isinstance(item, list) else [item]:
                assert float(each.top) > 35 * PT_PER_MM, (name, each.title)
        texts = _page_texts(rendered.pdf)
        for number, text in enumerate(texts[1:], start=2):
            assert f"Page {number} / {len(texts)}" in text
        assert height < float(reader.pages[0].mediabox.width), "landscape"


def test_pdf_journeys_carry_their_curve_and_long_lanes_continue(files: dict[str, Rendered]) -> None:
    """A journey's curve sits under its grid (the same page holds lanes and the curve); the
    lane of 16 notes continues over pages with its stage titles and its name repeated."""
    demo = _page_texts(files["demo"].pdf)
    curves = [t for t in demo if "Courbe des" in t and "Je cherche un voyage" in t]
    assert len(curves) == 2 and all("Solutions" in t and "Irritants" in t for t in curves)
    texts = [" ".join(t.split()) for t in _page_texts(files["large"].pdf)]
    lane = [t for t in texts if "randonneurs" not in t and ("(7), avec" in t or "(13), avec" in t)]
    assert len(lane) >= 2, "the long lane goes on over the next pages"
    assert all("Je réserve" in t and "Irritants" in t for t in lane)
    joined = " ".join(" ".join(t.split()) for t in texts)
    for number in range(1, 17):
        assert f"({number}), avec" in joined


def test_xlsx_prints_one_page_wide_in_libreoffice(files: dict[str, Rendered]) -> None:
    """Every sheet fits its page width once printed by LibreOffice: landscape pages, each
    holding the first and last column titles of its sheet; a handful of pages in all."""
    assert _pages(files["demo"].xlsx_pdf) <= 12
    assert _pages(files["large"].xlsx_pdf) <= 30
    for rendered in files.values():
        book = openpyxl.load_workbook(rendered.xlsx)
        texts = _page_texts(rendered.xlsx_pdf)
        reader = PdfReader(rendered.xlsx_pdf)
        for page in reader.pages:
            assert float(page.mediabox.width) > float(page.mediabox.height)
        for sheet in book.worksheets[1:]:
            printed = [t for t in texts if _sheet_of(t).startswith(sheet.title)]
            assert printed, sheet.title
            row = 3 if sheet.title not in ("Notes", "Résultats des votes", "Feuille de route",
                                           "Scénarios de marketing automation",
                                           "Plan d'animation") else 1  # fmt: skip
            first = max(str(sheet.cell(row, 1).value).split(), key=len)
            last = max(str(sheet.cell(row, sheet.max_column).value).split(), key=len)
            for text in printed:
                assert first in text and last in text, (sheet.title, first, last)


def _sheet_of(text: str) -> str:
    """The footer of a printed page: the sheet's name, then its page number."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def test_xlsx_reads_back_clean(files: dict[str, Rendered]) -> None:
    """openpyxl reads back row heights for wrapped text, the print setup, whole sheet names,
    named fonts, tinted class cells, string cells without a quote, a straight curve."""
    book = openpyxl.load_workbook(files["large"].xlsx)
    assert book.sheetnames[:5] == [
        "Synthèse", "Léa, la chasseuse d'images", "Les Martin, plongée en famille",
        "Hélène et Gérard, randonneurs", "Notes",
    ]  # fmt: skip
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize or 0) == 9  # A4
        assert setup.fitToWidth == 1 and setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr is not None
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.font.name == "Arial", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s" and not cell.value.startswith("'")
    assert book["Notes"].print_title_rows == "$1:$1"
    hiker = book["Hélène et Gérard, randonneurs"]
    assert hiker.print_title_rows == "$3:$3"
    tall = [
        (cell, hiker.row_dimensions[cell.row].height)
        for row in hiker.iter_rows(min_row=4, max_row=40)
        for cell in row
        if isinstance(cell.value, str) and len(cell.value) > 80
    ]
    assert tall and all(height is not None and height >= 3 * 12.75 for _, height in tall)
    texts = [c.value for row in book["Notes"].iter_rows() for c in row]
    assert any(isinstance(t, str) and t.startswith("-20 % sur la location") for t in texts)
    assert any(isinstance(t, str) and t.startswith("+33 1 23 45 67 89") for t in texts)
    roadmap = book["Feuille de route"]
    header = [c.value for c in roadmap[1]]
    column = header.index("Classe") + 1
    for row in range(2, roadmap.max_row + 1):
        cell = roadmap.cell(row, column)
        tints = [*palette.CLASS_TINTS.values(), palette.UNCLASSED_TINT]
        assert cell.fill.fgColor.rgb in {"FF" + t.lstrip("#") for t in tints}
    lea = book["Léa, la chasseuse d'images"]
    chart = lea._charts[0]
    assert chart.series[0].smooth is False
    assert (chart.y_axis.scaling.min, chart.y_axis.scaling.max) == (-2, 2)
