// The browser's `apply` (board/static/js/state.js) against the Python domain's: for every case
// of the fixture file (made by tests/browser_fixtures.py from sessions/), the same snapshot and
// the same entries must give the same workshop. Run by tests/unit/test_browser_state.py, which
// writes the fixtures and passes their path in PARCOURS_STATE_FIXTURES.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { applyEntry } from "../../board/static/js/state.js";

const path = process.env.PARCOURS_STATE_FIXTURES;
if (!path) throw new Error("PARCOURS_STATE_FIXTURES is not set: run pytest tests/unit/test_browser_state.py");
const cases = JSON.parse(readFileSync(path, "utf8"));

/**
 * The workshop as both sides must agree on it. `counter` is left out: it is the server's (the
 * browser never makes an id), and Python's apply raises it while the browser's does not.
 * @param {Record<string, unknown>} workshop
 */
function comparable(workshop) {
  const { counter: _counter, ...rest } = workshop;
  return rest;
}

test("the fixture file holds cases", () => {
  assert.ok(cases.length > 0);
});

for (const { name, start, entries, expected } of cases) {
  test(`${name}: ${entries.length} entries give Python's workshop`, () => {
    const workshop = structuredClone(start);
    let seq = 0;
    for (const entry of entries) {
      applyEntry(workshop, entry);
      seq += 1;
      assert.equal(entry.seq > 0, true);
    }
    assert.equal(seq, entries.length);
    assert.deepStrictEqual(comparable(workshop), comparable(expected));
  });
}
