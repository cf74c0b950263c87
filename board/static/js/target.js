// @ts-check
// The target journey: the journey of tomorrow, drawn beside today's. Its solutions are the notes
// marked `target`; an irritant is answered when a chosen solution sits at its stage or a roadmap
// item made from one names it. The same rules as sessions/summary.py's `answered_irritants`.
import { formatNumber, t, tn } from "./i18n.js";
import { curve, stageTable } from "./curve.js";
import { h } from "./render.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").Note} Note */

/** @param {Workshop} workshop @param {string} kind */
function lanesOf(workshop, kind) {
  return new Set(workshop.lanes.filter((l) => l.kind === kind).map((l) => l.id));
}

/** The chosen solutions of `persona`. @param {Workshop} workshop @param {string} persona @returns {Note[]} */
export function targetSolutions(workshop, persona) {
  const solutions = lanesOf(workshop, "solutions");
  return Object.values(workshop.notes).filter((n) => n.persona === persona && n.target && solutions.has(n.lane));
}

/** Ids of the irritants of `persona` that the target journey answers. @param {Workshop} workshop @param {string} persona */
export function answeredIrritants(workshop, persona) {
  const chosen = targetSolutions(workshop, persona);
  const stages = new Set(chosen.map((n) => n.stage));
  const ids = new Set(chosen.map((n) => n.id));
  const named = new Set(
    Object.values(workshop.roadmap ?? {})
      .filter((item) => item.notes.some((n) => ids.has(n)))
      .flatMap((item) => item.answers ?? []),
  );
  const irritants = lanesOf(workshop, "irritants");
  return new Set(
    Object.values(workshop.notes)
      .filter((n) => n.persona === persona && irritants.has(n.lane) && (stages.has(n.stage) || named.has(n.id)))
      .map((n) => n.id),
  );
}

/**
 * The switch between today's journey and the target one (the grid's filter, and which curve
 * your ratings go to). @param {boolean} target @param {(target: boolean) => void} onChange
 */
export function journeySwitch(target, onChange) {
  // data-keep: a way to look around, usable on a locked board too.
  const group = h("div", { class: "journey-switch", role: "group", "aria-label": t("journey.switch"), "data-keep": "" });
  for (const [value, label] of /** @type {[boolean, string][]} */ ([[false, t("journey.today")], [true, t("journey.target")]])) {
    const button = h("button", { type: "button", class: "btn toggle", "aria-pressed": String(value === target), "data-journey": value ? "target" : "today", text: label });
    button.addEventListener("click", () => onChange(value));
    group.append(button);
  }
  const wrap = h("div", { class: "journey-mode" }, [group]);
  if (target) wrap.append(h("p", { class: "hint", id: "target-help", text: t("journey.target.help") }));
  return wrap;
}

/** @param {number | null} v */
function signed(v) {
  if (v === null) return t("target.none");
  return `${v > 0 ? "+" : v < 0 ? "−" : ""}${formatNumber(Math.abs(v))}`;
}

/**
 * Today's curve against the target's, per persona and stage, with the chosen solutions.
 * @param {Workshop} workshop
 */
export function targetTable(workshop) {
  const { table, body } = stageTable(workshop, "heatmap target-table", t("target.title"), t("target.persona"));
  for (const persona of workshop.personas) {
    const today = curve(workshop, persona.id);
    const target = curve(workshop, persona.id, true);
    const chosen = targetSolutions(workshop, persona.id);
    const row = h("tr", {}, [h("th", { scope: "row", text: `${persona.emoji ? `${persona.emoji} ` : ""}${persona.name}` })]);
    workshop.stages.forEach((stage, i) => {
      const n = chosen.filter((note) => note.stage === stage.id).length;
      const [from, to] = [today[i].value, target[i].value];
      const td = h("td", { class: "heat", "data-stage": stage.id, "aria-label": tn("target.cell", n, { today: signed(from), target: signed(to) }) });
      td.append(h("span", { class: "today", text: signed(from) }), " → ", h("span", { class: "target", text: signed(to) }));
      if (n) td.append(h("span", { class: "chosen", text: ` 🎯 ${n}` }));
      if (from !== null && to !== null) {
        const tone = to >= from ? "22 163 74" : "220 38 38";
        td.style.background = `rgb(${tone} / ${Math.round(10 + 8 * Math.abs(to - from))}%)`;
      }
      row.append(td);
    });
    body.append(row);
  }
  return h("div", { class: "grid-scroll", tabindex: "0", role: "region", "aria-label": t("target.title") }, [table]);
}
