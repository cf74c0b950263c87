"""The animation plan in every export: its sheet, its CSV, its report section and calendar."""

from __future__ import annotations

import csv
import io

import openpyxl

from tests.unit.test_export_formats import _pdf_text, _render, _squash
from tests.unit.test_export_workshops import filled


def test_the_workbook_has_an_animation_plan_sheet_with_every_row() -> None:
    """Sheet "Animation plan" (French: "Plan d'animation"): a header, then a line per action."""
    for lang, name, month in (("en", "Animation plan", "Feb"), ("fr", "Plan d'animation", "févr.")):
        w = filled(lang)
        book = openpyxl.load_workbook(io.BytesIO(_render(w, "xlsx", lang=lang)))
        sheet = book[name]
        lines = list(sheet.iter_rows(values_only=True))
        assert len(lines) == 1 + len(w.plan)
        assert [line[0] for line in lines[1:]] == [r.title for r in w.plan]
        newsletter = next(line for line in lines if line[0] == w.plan[2].title)
        assert month in str(newsletter[4]) and newsletter[8] == w.objectives[0].title


def test_the_plan_csv_and_the_report_hold_every_action_and_its_months() -> None:
    """The CSV part "plan" has a row per action; the PDF and HTML have the section and the
    twelve months, a mark in each month an action runs."""
    w = filled("en")
    rows = list(csv.reader(io.StringIO(_render(w, "csv", "plan").decode("utf-8-sig"))))
    assert len(rows) == 1 + len(w.plan) and rows[0][0] == "Action"
    pdf = _squash(_pdf_text(_render(w, "pdf")))
    html = _render(w, "html").decode()
    assert "Annualanimationplan" in pdf and 'id="plan"' in html
    for row in w.plan:
        assert _squash(row.title) in pdf and row.title.replace("'", "&#x27;") in html
    marks = sum(len(r.months) for r in w.plan)
    assert html.count(">●<") == marks


def test_an_anonymised_plan_names_nobody() -> None:
    """A participant's name written in a plan row becomes their pseudonym."""
    w = filled("en")
    w.plan[0].owner = "Chloé Martin"
    w.plan[1].content = "Dev writes the texts"
    options = {"anonymise": True}
    book = openpyxl.load_workbook(io.BytesIO(_render(w, "xlsx", **options)))
    text = " ".join(
        str(c) for line in book["Animation plan"].iter_rows(values_only=True) for c in line
    )
    assert "Chloé" not in text and "Dev " not in text and "Participant" in text
