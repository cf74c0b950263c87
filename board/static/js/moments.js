// @ts-check
// Key moments: marked on a journey's stage or on one of its notes (a ★ on the stage header opens
// them, by keyboard and thumb), the per-persona overview stage -> key moment -> scenarios, and
// the ranking of scenarios (a mirror of sessions/moments.py `priorities`).
import { formatNumber, t } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { h } from "./render.js";

export const MOMENT_KINDS = ["customer", "commercial", "brand"];
export const MACRO_OBJECTIVES = ["lead", "conversion", "welcome", "cross_sell", "up_sell", "satisfaction", "loyalty", "engagement"];
export const PRIORITIES = ["objective", "roi", "expected"];

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").KeyMoment} KeyMoment */
/** @typedef {{scenario: string, rank: number, total: number, means: Record<string, number>, tie: string}} Ranked */

/** Key moments of one persona's stage (on the stage or on one of its notes). @param {Workshop} workshop @param {string} persona @param {string} stage */
export function momentsAt(workshop, persona, stage) {
  return Object.values(workshop.moments ?? {}).filter((m) => m.persona === persona && m.stage === stage);
}

/** The macro-objective a key moment serves: its own, else its stage's. @param {Workshop} workshop @param {KeyMoment} moment */
export function objectiveOf(workshop, moment) {
  return moment.objective ?? workshop.stages.find((s) => s.id === moment.stage)?.objective ?? null;
}

/** @param {string | null | undefined} objective */
export function objectiveName(objective) {
  return objective ? t(/** @type {any} */ (`objective.${objective}`)) : t("moments.noObjective");
}

/** @param {number} x */
const round6 = (x) => Math.round(x * 1e6) / 1e6;

/** Scored scenarios, best first, ties explained (as sessions/moments.py). @param {Workshop} workshop @returns {Ranked[]} */
export function priorities(workshop) {
  const rows = [];
  for (const scenario of Object.values(workshop.scenarios)) {
    /** @type {Record<string, number>} */
    const means = {};
    for (const c of PRIORITIES) {
      const values = Object.values(scenario.scores?.[c] ?? {});
      if (values.length) means[c] = round6(values.reduce((a, b) => a + b, 0) / values.length);
    }
    if (!Object.keys(means).length) continue;
    rows.push({ id: scenario.id, means, total: round6(Object.values(means).reduce((a, b) => a + b, 0)) });
  }
  const num = (/** @type {string} */ id) => Number.parseInt(id.slice(1), 10) || 0;
  rows.sort((a, b) => b.total - a.total || PRIORITIES.reduce((d, c) => d || (b.means[c] ?? 0) - (a.means[c] ?? 0), 0) || num(a.id) - num(b.id));
  /** @type {Ranked[]} */
  const ranked = [];
  rows.forEach((row, i) => {
    let rank = i + 1;
    let tie = "";
    const above = ranked[ranked.length - 1];
    if (above && above.total === row.total) {
      tie = PRIORITIES.find((c) => (above.means[c] ?? 0) !== (row.means[c] ?? 0)) ?? "tied";
      if (tie === "tied") rank = above.rank;
    }
    ranked.push({ scenario: row.id, rank, total: row.total, means: row.means, tie });
  });
  return ranked;
}

/** @param {string} id @param {string} label @param {string[]} values @param {(v: string) => string} name @param {string} value @param {string} [empty] */
function select(id, label, values, name, value, empty) {
  const control = h("select", { id });
  if (empty !== undefined) control.append(h("option", { value: "", text: empty }));
  for (const v of values) control.append(h("option", { value: v, text: name(v) }));
  control.value = value;
  return { control, field: h("div", { class: "field" }, [h("label", { for: id, text: label }), control]) };
}

/**
 * The key moments of one stage of a persona's journey, in a dialog: mark one (on the stage or a
 * note), rename, change its kind or objective; the facilitator sets the stage's macro-objective
 * and removes moments.
 * @param {{workshop: Workshop, persona: string, stage: string, facilitator: boolean, readOnly: boolean,
 *          send: (command: Record<string, any>) => string, note?: string}} options
 */
export function openMoments({ workshop, persona, stage, facilitator, readOnly, send, note = "" }) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  const stageInfo = workshop.stages.find((s) => s.id === stage);
  if (!stageInfo) return;
  const dialog = h("dialog", { class: "dialog moments-dialog", "aria-labelledby": "moments-title" });
  const close = h("button", { type: "button", class: "btn", text: t("menu.close") });
  close.addEventListener("click", () => dialog.close());
  /** @type {HTMLElement[]} */
  const body = [h("h2", { id: "moments-title", text: t("moments.of", { stage: stageInfo.title }) })];
  if (facilitator) {
    const aim = select("moment-stage-objective", t("moments.stageObjective"), MACRO_OBJECTIVES, objectiveName, stageInfo.objective ?? "", t("moments.noObjective"));
    aim.control.addEventListener("change", () => send({ type: Command.STAGE_OBJECTIVE, stage, objective: aim.control.value || null }));
    body.push(aim.field);
  } else {
    body.push(h("p", { class: "hint", text: t("moments.stageObjectiveIs", { objective: objectiveName(stageInfo.objective) }) }));
  }
  const list = h("ul", { class: "moment-list" });
  const here = momentsAt(workshop, persona, stage);
  if (!here.length) list.append(h("li", { class: "hint", text: t("moments.none") }));
  for (const moment of here) {
    const title = h("input", { type: "text", id: `mt-${moment.id}`, maxlength: String(Limits.TITLE_MAX), "aria-label": t("moments.title") });
    title.value = moment.title;
    title.addEventListener("change", () => title.value.trim() && send({ type: Command.MOMENT_EDIT, moment: moment.id, title: title.value.trim() }));
    const kind = select(`mk-${moment.id}`, t("moments.kind"), MOMENT_KINDS, (k) => t(/** @type {any} */ (`moment.${k}`)), moment.kind);
    kind.control.addEventListener("change", () => send({ type: Command.MOMENT_EDIT, moment: moment.id, kind: kind.control.value }));
    const aim = select(`mo-${moment.id}`, t("moments.objective"), MACRO_OBJECTIVES, objectiveName, moment.objective ?? "", t("moments.stages"));
    aim.control.addEventListener("change", () => send({ type: Command.MOMENT_EDIT, moment: moment.id, objective: aim.control.value }));
    const on = moment.note ? workshop.notes[moment.note]?.text ?? "" : "";
    const item = h("li", { class: "moment-item", "data-moment": moment.id }, [
      h("div", { class: "field" }, [h("label", { for: title.id, text: t("moments.title") }), title]),
      h("div", { class: "row two" }, [kind.field, aim.field]),
      h("p", { class: "hint", text: on ? t("moments.onNote", { text: on }) : t("moments.onStage") }),
    ]);
    if (facilitator) {
      const remove = h("button", { type: "button", class: "btn danger small", text: t("moments.remove") });
      remove.addEventListener("click", () => {
        send({ type: Command.MOMENT_REMOVE, moment: moment.id });
        item.remove();
      });
      item.append(remove);
    }
    list.append(item);
  }
  body.push(h("h3", { text: t("moments.here") }), list);
  if (!readOnly) {
    const title = h("input", { type: "text", id: "moment-new-title", required: "", maxlength: String(Limits.TITLE_MAX) });
    const kind = select("moment-new-kind", t("moments.kind"), MOMENT_KINDS, (k) => t(/** @type {any} */ (`moment.${k}`)), "customer");
    const notes = Object.values(workshop.notes).filter((n) => n.persona === persona && n.stage === stage && !n.hidden);
    const onNote = select("moment-new-note", t("moments.note"), notes.map((n) => n.id), (id) => workshop.notes[id]?.text || t("note.empty"), note, t("moments.onStage"));
    const aim = select("moment-new-objective", t("moments.objective"), MACRO_OBJECTIVES, objectiveName, "", t("moments.stages"));
    const form = h("form", { class: "moment-add", id: "moment-form" }, [
      h("h3", { text: t("moments.add") }),
      h("div", { class: "field" }, [h("label", { for: title.id, text: t("moments.title") }), title]),
      h("div", { class: "row two" }, [kind.field, aim.field]),
      onNote.field,
      h("button", { type: "submit", class: "btn primary", text: t("moments.mark") }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!title.value.trim()) return;
      send({
        type: Command.MOMENT_ADD,
        title: title.value.trim(),
        kind: kind.control.value,
        persona,
        stage,
        note: onNote.control.value || null,
        objective: aim.control.value || null,
      });
      dialog.close();
    });
    body.push(form);
  }
  body.push(h("div", { class: "actions" }, [h("span", { class: "spacer" }), close]));
  dialog.append(...body);
  dialog.addEventListener("close", () => {
    dialog.remove();
    const again = opener?.isConnected ? opener : document.querySelector(`.moment-marker[data-stage="${CSS.escape(stage)}"]`);
    /** @type {HTMLElement | null} */ (again ?? document.getElementById("main"))?.focus();
  });
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.body.append(dialog);
  dialog.showModal();
}

/** @param {Ranked} row */
function tieText(row) {
  if (!row.tie) return "";
  if (row.tie === "tied") return t("priorities.tied");
  return t("priorities.behind", { priority: t(/** @type {any} */ (`priority.${row.tie}`)) });
}

/** The ranked scenarios, the first three marked. @param {Workshop} workshop */
export function rankingView(workshop) {
  const ranked = priorities(workshop);
  const section = h("section", { class: "card priorities", "aria-labelledby": "priorities-title" }, [
    h("h3", { id: "priorities-title", text: t("priorities.title") }),
    h("p", { class: "hint", text: t("priorities.help") }),
  ]);
  if (!ranked.length) {
    section.append(h("p", { class: "hint", text: t("priorities.none") }));
    return section;
  }
  const list = h("ol", { class: "ranking" });
  for (const row of ranked) {
    const scenario = workshop.scenarios[row.scenario];
    const first = row.rank <= 3;
    const figures = PRIORITIES.map((c) => `${t(/** @type {any} */ (`priority.${c}`))} ${c in row.means ? formatNumber(row.means[c]) : "—"}`).join(" · ");
    list.append(h("li", { class: `rank${first ? " first" : ""}`, "data-scenario": row.scenario }, [
      h("span", { class: "rank-number", text: `${row.rank}.` }),
      h("span", { class: "rank-title", text: scenario?.title ?? "" }),
      first ? h("span", { class: "tag launch", text: t("priorities.launch") }) : "",
      h("span", { class: "hint", text: `${t("priorities.total", { total: formatNumber(row.total) })} (${figures})${tieText(row) ? ` — ${tieText(row)}` : ""}` }),
    ]));
  }
  section.append(list);
  return section;
}

/** Per persona: stage -> key moment -> scenarios; then the commercial and brand moments. @param {Workshop} workshop */
export function overviewView(workshop) {
  const section = h("section", { class: "card moments-overview", "aria-labelledby": "overview-title" }, [
    h("h3", { id: "overview-title", text: t("moments.overview") }),
  ]);
  const scenarios = Object.values(workshop.scenarios);
  const titles = (/** @type {import("./state.js").Scenario[]} */ found) => found.map((s) => s.title).join(" · ") || "—";
  for (const persona of workshop.personas) {
    const body = h("tbody");
    for (const stage of workshop.stages) {
      const here = momentsAt(workshop, persona.id, stage.id);
      const loose = scenarios.filter((s) => !s.key_moment && s.persona === persona.id && s.stage === stage.id);
      const rows = here.map((m) => [`${m.title} (${t(/** @type {any} */ (`moment.${m.kind}`))}, ${objectiveName(objectiveOf(workshop, m))})`, titles(scenarios.filter((s) => s.key_moment === m.id))]);
      if (loose.length) rows.push([t("moments.noMoment"), titles(loose)]);
      rows.forEach(([moment, list], i) => {
        const tr = h("tr");
        if (i === 0) tr.append(h("th", { scope: "row", rowspan: String(rows.length), text: `${stage.title}${stage.objective ? ` — ${objectiveName(stage.objective)}` : ""}` }));
        tr.append(h("td", { text: moment }), h("td", { text: list }));
        body.append(tr);
      });
    }
    if (!body.children.length) continue;
    section.append(h("table", { class: "overview", "data-persona": persona.id }, [
      h("caption", { text: `${persona.emoji || "👤"} ${persona.name}` }),
      h("thead", {}, [h("tr", {}, [t("moments.stage"), t("moments.moment"), t("moments.scenarios")].map((text) => h("th", { scope: "col", text })))]),
      body,
    ]));
  }
  const calendar = Object.values(workshop.moments ?? {}).filter((m) => !m.persona);
  if (calendar.length) {
    section.append(h("h4", { text: t("moments.calendar") }), h("ul", { class: "calendar" }, calendar.map((m) => h("li", {
      text: `${m.title} (${t(/** @type {any} */ (`moment.${m.kind}`))}) — ${titles(scenarios.filter((s) => s.key_moment === m.id))}`,
    }))));
  }
  if (section.children.length === 1) section.append(h("p", { class: "hint", text: t("moments.empty") }));
  return section;
}

/** Mark a commercial or brand moment (from the brand's calendar: no journey). @param {(command: Record<string, any>) => string} send */
export function calendarForm(send) {
  const title = h("input", { type: "text", id: "calendar-title", required: "", maxlength: String(Limits.TITLE_MAX) });
  const kind = select("calendar-kind", t("moments.kind"), ["commercial", "brand"], (k) => t(/** @type {any} */ (`moment.${k}`)), "commercial");
  const form = h("form", { class: "card calendar-add", id: "calendar-form" }, [
    h("h3", { text: t("moments.calendarAdd") }),
    h("div", { class: "row two" }, [h("div", { class: "field" }, [h("label", { for: title.id, text: t("moments.title") }), title]), kind.field]),
    h("button", { type: "submit", class: "btn", text: t("moments.mark") }),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!title.value.trim()) return;
    send({ type: Command.MOMENT_ADD, title: title.value.trim(), kind: kind.control.value });
    title.value = "";
  });
  return form;
}
