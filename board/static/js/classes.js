// @ts-check
// The roadmap's classes, by the rules of sessions/summary.py (same order, same lines): pure
// functions of an item and the workshop's thresholds, shared by the board and the screen, and
// checked against Python's by tests/unit/test_browser_classes.py.

export const CRITERIA = ["impact", "cost", "delay", "complexity", "customer", "internal", "external", "buzz", "underway"];
export const CLASSES = ["quick_win", "must_have", "nice_to_have", "waow"];
const EFFORT = ["cost", "delay", "complexity"];

/** @typedef {import("./state.js").RoadmapItem} Item */

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of each scored criterion. @param {Item} item @returns {Record<string, number>} */
export function criteria(item) {
  /** @type {Record<string, number>} */
  const found = {};
  for (const [criterion, scores] of Object.entries(item.scores)) {
    const values = Object.values(scores);
    if (values.length) found[criterion] = median(values);
  }
  return found;
}

/** @param {Item} item @returns {[number, number] | null} [effort, impact] */
export function position(item) {
  const found = criteria(item);
  const parts = EFFORT.filter((c) => c in found).map((c) => found[c]);
  const effort = item.effort ?? (parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : null);
  const impact = item.impact ?? found.impact ?? null;
  return effort === null || impact === null ? null : [effort, impact];
}

/** @typedef {{strong: number, light: number, expected: number, real: number, buzz: number}} Rules */

/** The class by the rules of sessions/summary.py (same order, same lines). @param {Item} item @param {Rules} rules */
export function roadmapClass(item, rules) {
  if (item.override && CLASSES.includes(item.override)) return item.override;
  const found = criteria(item);
  if (Math.max(found.customer ?? 0, found.internal ?? 0) >= rules.expected) return "must_have";
  const placed = position(item);
  if (placed && placed[1] >= rules.strong && placed[0] <= rules.light) return "quick_win";
  if ((found.buzz ?? 0) >= rules.buzz) return "waow";
  if (placed && placed[1] >= rules.real) return "nice_to_have";
  return null;
}
