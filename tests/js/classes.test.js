// The browser's roadmap classes (board/static/js/classes.js) against the Python domain's: for
// every case of the fixture file (written by tests/unit/test_browser_classes.py from
// sessions.summary), the same item and thresholds give the same class and matrix position.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { position, roadmapClass } from "../../board/static/js/classes.js";

const path = process.env.PARCOURS_CLASS_FIXTURES;
if (!path) throw new Error("PARCOURS_CLASS_FIXTURES is not set: run pytest tests/unit/test_browser_classes.py");
const cases = JSON.parse(readFileSync(path, "utf8"));

test("the fixture file holds cases", () => {
  assert.ok(cases.length > 0);
});

test("every case gets Python's class and position", () => {
  for (const { item, rules, klass, placed } of cases) {
    assert.deepEqual([roadmapClass(item, rules), position(item)], [klass, placed], JSON.stringify({ item, rules }));
  }
});
