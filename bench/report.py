"""The report: one table of every figure beside its baseline, printed, and kept as JSON/Markdown."""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import psutil

RESULTS = Path(__file__).resolve().parent / "results"


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("/s",) or abs(value) >= 1000:
        return f"{value:,.0f}"
    if unit == "cores":
        return f"{value:.2f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def lines(rows: list[dict[str, Any]]) -> list[str]:
    """Markdown table rows: figure, Parcours, baseline, ratio, target, met."""
    out = [
        "| scenario | figure | Parcours | baseline | baseline value | ratio | target | met |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    for r in rows:
        unit = r["unit"]
        ours = _fmt(r["parcours"], unit) + (f" {unit}" if unit and unit != "/s" else "")
        base = _fmt(r["base"], unit) if r["base"] is not None else "-"
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-"
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]
        out.append(
            f"| {r['scenario']} | {r['figure']} | {ours} | {r['baseline'] or '-'} | "
            f"{base} | {ratio} | {r['target']} | {met} |"
        )
    return out


def machine() -> dict[str, Any]:
    loop = "asyncio"
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        pass
    return {
        "cpus": psutil.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loop": loop,
        "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }


def write(mode: str, scenarios: list[dict[str, Any]], extra: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    rows = [r for s in scenarios for r in s.get("rows", [])]
    doc = {
        "mode": mode,
        "machine": machine(),
        **extra,
        "rows": rows,
        "scenarios": {s["name"]: s for s in scenarios},
    }
    path = RESULTS / f"{mode}-latest.json"
    path.write_text(json.dumps(doc, indent=1, default=str))
    notes = [f"- note: {n}" for s in scenarios for n in s.get("notes", [])]
    md = [f"# bench {mode}: {doc['machine']['when']}", "", *lines(rows), "", *notes]
    (RESULTS / f"{mode}-latest.md").write_text("\n".join(md))
    return path


def show(rows: list[dict[str, Any]]) -> None:
    sys.stdout.write("\n".join(lines(rows)) + "\n")
    sys.stdout.flush()
