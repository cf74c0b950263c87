"""``python -m bench.compare A.json B.json``: two full runs side by side, as one Markdown table.

Meant for "the code as it is" (A) against "the code with a proposed change" (B): each run
carries its own baselines, measured in that run, so each ratio compares like with like.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bench.report import _fmt


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return row["scenario"], row["figure"], row["baseline"]


def _cell(row: dict[str, Any] | None) -> list[str]:
    if row is None:
        return ["-", "-", "-", ""]
    unit = row["unit"]
    ours = _fmt(row["parcours"], unit)
    base = _fmt(row["base"], unit) if row["base"] is not None else "-"
    ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "-"
    met = {True: "yes", False: "**no**", None: ""}[row["met"]]
    return [ours, base, ratio, met]


def table(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> list[str]:
    rows_b = {_key(r): r for r in b["rows"]}
    seen = set()
    out = [
        f"| scenario | figure | unit | baseline | {names[0]} | baseline | ratio | met "
        f"| {names[1]} | baseline | ratio | met | target |",
        "|---|---|---|---|---:|---:|---:|---|---:|---:|---:|---|---|",
    ]
    order = [*a["rows"], *[r for r in b["rows"] if _key(r) not in {_key(x) for x in a["rows"]}]]
    for row in order:
        key = _key(row)
        if key in seen:
            continue
        seen.add(key)
        ra = next((r for r in a["rows"] if _key(r) == key), None)
        rb = rows_b.get(key)
        ref = ra or rb
        assert ref is not None
        target = ref["target"] or (rb or {}).get("target", "")
        out.append(
            "| "
            + " | ".join(
                [
                    ref["scenario"],
                    ref["figure"],
                    ref["unit"],
                    ref["baseline"] or "-",
                    *_cell(ra),
                    *_cell(rb),
                    target,
                ]
            )
            + " |"
        )
    return out


if __name__ == "__main__":
    first, second = (json.load(open(p)) for p in sys.argv[1:3])  # noqa: SIM115
    labels = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("A", "B")
    sys.stdout.write("\n".join(table(first, second, labels)) + "\n")
