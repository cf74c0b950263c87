// @ts-check
// The presenter view (/w/ID/screen): what the projector shows the room, following the agenda.
// One "scene" at a time, picked from the workshop: the join screen (before the first step), a
// step (its title, a large countdown, who is done), a vote (who voted, out of the room), its
// revealed result, the roadmap's matrix. A scene's DOM is built once and then only filled in, so
// that the reveal's animation plays once and the bars of progress glide instead of jumping.
import { currentLang, formatNumber, t, tn } from "./i18n.js";
import { curve } from "./curve.js";
import { groupName } from "./groups.js";
import { calendarTable } from "./plan.js";
import { h } from "./render.js";
import { position, roadmapClass } from "./classes.js";
import { currentRound, currentStep, itemTitle, neighbourStep } from "./state.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").VoteRound} VoteRound */
/** @typedef {import("./state.js").Step} Step */
/** @typedef {{id: string, name: string, role: string}} Person */
/** @typedef {{code: string | null, online: Person[]}} ScreenContext */
/**
 * @typedef {{kind: "join" | "step" | "vote" | "results" | "roadmap" | "tour" | "plan", step: Step | null,
 *            round: VoteRound | null}} Scene
 */

const SVG = "http://www.w3.org/2000/svg";
/** Results shown at most: more would not be readable from the back of the room. */
const MAX_RESULTS = 8;

/** @type {{key: string, names: Set<string>}} */
const built = { key: "", names: new Set() };
let ticking = 0;
/** @type {{root: HTMLElement, workshop: Workshop, ctx: ScreenContext} | null} */
let last = null;
let resizing = 0;

// What fits depends on the screen's shape: build again when the window changes.
addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = window.setTimeout(() => {
    if (!last) return;
    built.key = "";
    renderScreen(last.root, last.workshop, last.ctx);
  }, 150);
});

/**
 * @param {HTMLElement} root
 * @param {Workshop} workshop
 * @param {ScreenContext} ctx
 */
export function renderScreen(root, workshop, ctx) {
  const scene = pickScene(workshop);
  const html = document.documentElement;
  html.dataset.section = "screen";
  html.dataset.step = workshop.step ?? "";
  html.dataset.screen = scene.kind;
  document.title = `${workshop.title} · ${t("presenter.label")}`;
  const key = JSON.stringify([
    scene.kind, scene.step?.id, scene.step?.title, scene.round?.id, currentLang(), workshop.title, ctx.code,
    (workshop.agenda ?? []).map((s) => [s.id, s.skipped]),
    scene.kind === "results" ? [scene.round?.result, workshop.objectives] : null,
    scene.kind === "roadmap" ? roadmapKey(workshop) : null,
    scene.kind === "tour" ? tourKey(workshop) : null,
    scene.kind === "plan" ? [workshop.plan, workshop.personas.map((p) => [p.id, p.name])] : null,
  ]);
  if (key !== built.key) {
    built.key = key;
    built.names = new Set();
    root.replaceChildren(...build(scene, workshop, ctx));
    root.className = `screen scene-${scene.kind}`;
    html.dataset.built = String(Number(html.dataset.built ?? 0) + 1);
    for (const list of root.querySelectorAll("[data-fit]")) fitList(/** @type {HTMLElement} */ (list));
    const ranked = /** @type {HTMLElement | null} */ (root.querySelector(".screen-results"));
    if (ranked) fitResults(ranked);
  }
  last = { root, workshop, ctx };
  fill(root, scene, workshop, ctx);
  tick(root);
  if (!ticking) ticking = window.setInterval(() => tick(root), 1000);
}

/**
 * What the room should look at now. A live vote comes first, whatever the step; a closed or
 * revealed vote shows during the vote step (or before any step, for a vote without an agenda).
 * @param {Workshop} workshop
 * @returns {Scene}
 */
export function pickScene(workshop) {
  const step = currentStep(workshop);
  const round = currentRound(workshop);
  if (round && (round.status === "open" || round.status === "paused")) return { kind: "vote", step, round };
  if (round && (!step || step.kind === "vote")) {
    if (round.status === "closed") return { kind: "vote", step, round };
    if (round.status === "revealed") return { kind: "results", step, round };
  }
  if (workshop.presenting || step?.kind === "tour") return { kind: "tour", step, round: null };
  if (!step) return { kind: "join", step, round: null };
  if (step.kind === "roadmap") return { kind: "roadmap", step, round: null };
  if (step.kind === "plan") return { kind: "plan", step, round: null };
  return { kind: "step", step, round: null };
}

// -- counting the room ----------------------------------------------------------------------

/** @param {Workshop} workshop @param {Person[]} online */
function participantsOnline(workshop, online) {
  /** @type {Map<string, string>} */
  const people = new Map();
  for (const person of online) {
    const role = workshop.participants[person.id]?.role ?? person.role;
    if (role !== "facilitator") people.set(person.id, person.name);
  }
  return people;
}

/** Who is done, out of the room: the participants online plus those done who have left. @param {Workshop} workshop @param {Person[]} online */
export function doneCount(workshop, online) {
  const room = new Set(participantsOnline(workshop, online).keys());
  const done = (workshop.done ?? []).filter((id) => workshop.participants[id]?.role !== "facilitator");
  for (const id of done) room.add(id);
  return { done: done.length, total: room.size };
}

/** Who voted, out of the room (people without a phone, voted for by the facilitator, count in). @param {Workshop} workshop @param {VoteRound} round @param {Person[]} online */
export function voteCount(workshop, round, online) {
  const room = new Set(participantsOnline(workshop, online).keys());
  for (const person of Object.values(workshop.participants)) if (person.proxy) room.add(person.id);
  for (const [id, spent] of Object.entries(round.spent)) if (spent > 0) room.add(id);
  return { voted: round.voters, total: Math.max(room.size, round.voters) };
}

// -- building ---------------------------------------------------------------------------------

/** @param {Scene} scene @param {Workshop} workshop @param {ScreenContext} ctx */
function build(scene, workshop, ctx) {
  const top = topBar(scene, workshop);
  if (scene.kind === "join") return [top, joinScene(ctx)];
  /** @type {HTMLElement} */
  let body;
  if (scene.kind === "step") body = stepScene(/** @type {Step} */ (scene.step), neighbourStep(workshop, 1));
  else if (scene.kind === "vote") body = voteScene(workshop, /** @type {VoteRound} */ (scene.round), scene.step);
  else if (scene.kind === "results") body = resultsScene(workshop, /** @type {VoteRound} */ (scene.round), scene.step);
  else if (scene.kind === "tour") body = tourScene(workshop);
  else if (scene.kind === "plan") body = planScene(workshop, /** @type {Step} */ (scene.step));
  else body = roadmapScene(workshop, /** @type {Step} */ (scene.step));
  return [top, h("div", { class: "screen-body" }, [body, joinStrip(ctx)])];
}

/** @param {Scene} scene @param {Workshop} workshop */
function topBar(scene, workshop) {
  const steps = (workshop.agenda ?? []).filter((s) => !s.skipped);
  const at = steps.findIndex((s) => s.id === scene.step?.id);
  const right = h("div", { class: "screen-top-right" });
  if (at >= 0) right.append(h("span", { class: "screen-pill", text: t("step.of", { i: formatNumber(at + 1), n: formatNumber(steps.length) }) }));
  if (scene.kind === "roadmap" || scene.kind === "results") {
    right.append(h("span", { class: "screen-pill timer-pill", "data-role": "timer-pill", role: "timer" }));
  }
  if (scene.kind === "roadmap") right.append(h("span", { class: "screen-pill", "data-role": "done-pill" }));
  right.append(h("span", { class: "screen-pill screen-offline", text: t("conn.offline") }));
  if (document.fullscreenEnabled) {
    const full = h("button", { type: "button", class: "screen-pill screen-fullscreen", text: t("presenter.fullscreen") });
    full.addEventListener("click", () => toggleFullscreen());
    right.append(full);
  }
  return h("header", { class: "screen-top" }, [
    h("span", { class: "screen-brand", "aria-hidden": "true", text: "◆ Parcours" }),
    h("h1", { class: "screen-workshop", text: workshop.title }),
    right,
  ]);
}

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else document.documentElement.requestFullscreen().catch(() => {});
}

// "F" fills the projector, as in slide software.
addEventListener("keydown", (event) => {
  if (document.body.dataset.page !== "screen" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "f" || event.key === "F") toggleFullscreen();
});

/** @param {string | null} code */
function spaced(code) {
  return (code ?? "").replace(/^(...)(...)$/, "$1 $2");
}

/** @param {string} code @param {string} size */
function qr(code, size) {
  return h("img", {
    class: "screen-qr",
    src: `/api/join/${code}/qr.svg`,
    alt: t("presenter.qr", { url: `${location.host}/j/${code}` }),
    width: size,
    height: size,
  });
}

/** @param {ScreenContext} ctx */
function joinScene(ctx) {
  const code = ctx.code ?? "";
  return h("section", { class: "screen-join", "aria-labelledby": "join-title" }, [
    h("div", { class: "screen-qr-card" }, [code ? qr(code, "600") : h("span")]),
    h("div", { class: "screen-join-text" }, [
      h("h2", { class: "screen-kicker", id: "join-title", text: t("presenter.join.title") }),
      h("p", { class: "screen-how", text: t("presenter.scan") }),
      h("p", { class: "screen-how" }, [t("presenter.or"), " ", h("strong", { class: "screen-host", text: location.host })]),
      h("p", { class: "screen-code big-code", text: spaced(code) }),
      h("p", { class: "screen-joined", "data-role": "joined", "aria-live": "polite" }),
      h("ul", { class: "screen-names", "data-role": "names", "aria-label": t("presenter.names") }),
    ]),
  ]);
}

/** The small "join" corner, so that latecomers can come in. @param {ScreenContext} ctx */
function joinStrip(ctx) {
  const code = ctx.code ?? "";
  return h("section", { class: "screen-strip", "aria-label": t("presenter.join.title") }, [
    code ? qr(code, "240") : h("span"),
    h("p", { class: "screen-strip-host", text: location.host }),
    h("p", { class: "screen-strip-code", text: spaced(code) }),
  ]);
}

/** @param {Step} step */
function stepName(step) {
  return step.title || t(/** @type {any} */ (`step.${step.kind}`));
}

/** @param {Step} step @param {Step | null} next */
function stepScene(step, next) {
  return h("section", { class: "screen-step", "aria-labelledby": "step-title" }, [
    h("p", { class: "screen-kicker", text: t("step.current") }),
    h("h2", { class: "screen-step-title clamp", id: "step-title", text: stepName(step) }),
    h("p", { class: "screen-help clamp", text: t(/** @type {any} */ (`step.help.${step.kind}`)) }),
    h("div", { class: "screen-cards" }, [
      h("section", { class: "screen-card timer-card", "data-role": "timer-card", "aria-label": t("presenter.timer") }, [
        h("p", { class: "screen-card-label", "aria-hidden": "true", text: t("presenter.timer") }),
        h("p", { class: "screen-timer", "data-role": "timer", role: "timer" }),
        h("p", { class: "screen-count-text", text: step.minutes ? tn("presenter.minutes", step.minutes) : "" }),
        h("div", { class: "screen-bar", "aria-hidden": "true" }, [h("span", { "data-role": "timer-bar" })]),
      ]),
      h("section", { class: "screen-card done-card", "aria-label": t("presenter.done") }, [
        h("p", { class: "screen-card-label", "aria-hidden": "true", text: t("presenter.done") }),
        h("p", { class: "screen-big-count", "data-role": "done-fraction", "aria-hidden": "true" }),
        h("p", { class: "screen-count-text", "data-role": "done-text", "aria-live": "polite" }),
        h("div", { class: "screen-bar", "aria-hidden": "true" }, [h("span", { "data-role": "done-bar" })]),
      ]),
    ]),
    next ? h("p", { class: "screen-next", text: t("step.next.label", { step: stepName(next) }) }) : h("span"),
  ]);
}

/** @param {Workshop} workshop @param {VoteRound} round @param {Step | null} step */
function voteScene(workshop, round, step) {
  return h("section", { class: "screen-vote", "aria-labelledby": "vote-title" }, [
    h("p", { class: "screen-kicker", "data-role": "vote-status" }),
    h("h2", { class: "screen-step-title clamp", id: "vote-title", text: round.title || (step ? stepName(step) : t("vote.title")) }),
    h("p", { class: "screen-vote-count screen-count", "data-role": "vote-fraction", "aria-hidden": "true" }),
    h("div", { class: "screen-bar wide", "aria-hidden": "true" }, [h("span", { "data-role": "vote-bar" })]),
    h("p", { class: "screen-count-text", "data-role": "vote-text", "aria-live": "polite" }),
    h("p", { class: "screen-vote-timer", "data-role": "vote-timer", role: "timer" }),
  ]);
}

/** @param {Workshop} workshop @param {VoteRound} round @param {Step | null} step */
function resultsScene(workshop, round, step) {
  const tallies = round.result ?? [];
  const shown = tallies.slice(0, MAX_RESULTS);
  const top = Math.max(1, ...tallies.map((r) => r.dots));
  const ranks = new Map();
  for (const tally of tallies) ranks.set(tally.rank, (ranks.get(tally.rank) ?? 0) + 1);
  const list = h("ol", { class: "screen-results results", "aria-labelledby": "results-title" });
  list.style.setProperty("--rows", String(Math.max(shown.length, 3)));
  list.classList.toggle("dense", shown.length > 5);
  list.classList.toggle("roomy", shown.length <= 4);
  shown.forEach((tally, i) => {
    const objective = workshop.objectives.find((o) => o.id === tally.item);
    const tie = ranks.get(tally.rank) > 1;
    const bar = h("span", { class: "screen-result-bar" });
    bar.style.setProperty("--share", String(tally.dots / top));
    const text = h("div", { class: "screen-result-text" }, [h("span", { class: "result-title clamp", text: itemTitle(workshop, tally.item) })]);
    if (objective?.kpis) text.append(h("span", { class: "screen-kpis clamp", text: `${t("presenter.kpis")} ${objective.kpis}` }));
    const row = h("li", { class: `result${tally.rank === 1 ? " winner" : ""}` }, [
      h("span", { class: "screen-rank" }, [
        h("span", { "aria-hidden": "true", text: formatNumber(tally.rank) }),
        h("span", { class: "sr-only", text: `${t("vote.rank", { rank: tally.rank })}${tie ? ` (${t("vote.tie")})` : ""}` }),
      ]),
      text,
      h("span", { class: "screen-result-track", "aria-hidden": "true" }, [bar]),
      h("span", { class: "screen-result-dots", text: tn("presenter.dots", tally.dots) }),
    ]);
    // The lowest rank arrives first, the winner last.
    row.style.setProperty("--order", String(shown.length - 1 - i));
    list.append(row);
  });
  /** @type {HTMLElement[]} */
  const parts = [
    h("p", { class: "screen-kicker", text: `${t("presenter.results")} · ${tn("presenter.voters", round.voters)}` }),
    h("h2", { class: "screen-step-title clamp", id: "results-title", text: round.title || (step ? stepName(step) : t("vote.title")) }),
  ];
  if (!shown.length) parts.push(h("p", { class: "screen-help", text: t("presenter.results.none") }));
  else parts.push(list);
  if (tallies.length > shown.length) parts.push(h("p", { class: "screen-more", text: tn("presenter.more", tallies.length - shown.length) }));
  if (round.groups?.length) parts.push(groupWinners(workshop, round.groups));
  return h("section", { class: "screen-results-scene", "aria-labelledby": "results-title" }, parts);
}

/**
 * A round counted per group: each group's first choice, side by side under the room's ranking.
 * @param {Workshop} workshop @param {import("./state.js").GroupResult[]} groups
 */
function groupWinners(workshop, groups) {
  return h("ul", { class: "screen-group-results", "aria-label": t("vote.byGroup") }, groups.map((g) => {
    const firsts = g.result.filter((r) => r.rank === 1 && r.dots > 0);
    const choice = g.withheld ? "—" : firsts.map((r) => itemTitle(workshop, r.item)).join(" · ") || t("presenter.results.none");
    return h("li", { class: "screen-group-result" }, [
      h("span", { class: "screen-group-name clamp", text: g.name || t("group.default", { n: g.number }) }),
      h("span", { class: "screen-group-choice clamp", text: choice }),
      h("span", { class: "screen-group-voters", text: tn("presenter.voters", g.voters) }),
    ]);
  }));
}

/** Plan rows shown on the projector: more would not be read from the back of the room. */
const PLAN_ROWS = 9;

/**
 * The animation plan step: the year at a glance, the plan's calendar in the projector's theme.
 * @param {Workshop} workshop @param {Step} step
 */
function planScene(workshop, step) {
  const rows = workshop.plan ?? [];
  const shown = rows.slice(0, PLAN_ROWS);
  return h("section", { class: "screen-plan", "aria-labelledby": "plan-title" }, [
    h("p", { class: "screen-kicker", text: `${t("step.current")} · ${tn("presenter.actions", rows.length)}` }),
    h("h2", { class: "screen-step-title clamp", id: "plan-title", text: stepName(step) }),
    rows.length ? calendarTable(workshop, shown) : h("p", { class: "screen-help", text: t("presenter.plan.none") }),
    rows.length > shown.length ? h("p", { class: "screen-more", text: tn("presenter.more", rows.length - shown.length) }) : h("span"),
  ]);
}

/** Notes shown per lane in the tour: more would not be read from the back of the room. */
const TOUR_NOTES = 4;

/** @param {Workshop} workshop */
function tourKey(workshop) {
  const group = (workshop.groups ?? []).find((g) => g.id === workshop.presenting);
  const notes = Object.values(workshop.notes).filter((n) => n.persona === group?.persona && !n.hidden);
  const feelings = Object.values(workshop.emotions ?? {}).filter((e) => e.persona === group?.persona);
  return [workshop.presenting, group, workshop.personas.find((p) => p.id === group?.persona), workshop.lanes, workshop.stages, feelings, notes.map((n) => [n.id, n.text, n.lane, n.pos])];
}

/**
 * The groups' tour: the presented group's persona and its journey, lane by lane.
 * @param {Workshop} workshop
 */
function tourScene(workshop) {
  const groups = workshop.groups ?? [];
  const at = groups.findIndex((g) => g.id === workshop.presenting);
  const group = groups[at];
  if (!group) {
    return h("section", { class: "screen-step", "aria-labelledby": "tour-title" }, [
      h("p", { class: "screen-kicker", text: t("step.current") }),
      h("h2", { class: "screen-step-title clamp", id: "tour-title", text: t("step.tour") }),
      h("p", { class: "screen-help clamp", text: t("presenter.tour.none") }),
    ]);
  }
  const persona = workshop.personas.find((p) => p.id === group.persona);
  const notes = Object.values(workshop.notes).filter((n) => n.persona === group.persona && !n.hidden);
  const lanes = workshop.lanes.map((lane) => {
    const mine = notes.filter((n) => n.lane === lane.id).sort((a, b) => a.pos - b.pos || a.id.localeCompare(b.id));
    const shown = mine.slice(0, TOUR_NOTES);
    return h("section", { class: `screen-tour-lane lane-${lane.kind}`, "aria-label": lane.title || t(/** @type {any} */ (`lane.${lane.kind}`)) }, [
      h("h3", { class: "screen-tour-lane-title", text: `${lane.title || t(/** @type {any} */ (`lane.${lane.kind}`))} · ${formatNumber(mine.length)}` }),
      h("ul", { class: "screen-tour-notes" }, shown.map((n) => {
        const item = h("li", { class: "screen-tour-note" }, [h("span", { class: "clamp", text: n.text })]);
        item.style.setProperty("--channel", `var(--ch-${n.channel})`);
        return item;
      })),
      mine.length > shown.length ? h("p", { class: "screen-more", text: tn("presenter.more", mine.length - shown.length) }) : h("span"),
    ]);
  });
  return h("section", { class: "screen-tour", "aria-labelledby": "tour-title" }, [
    h("p", { class: "screen-kicker", text: `${t("presenter.tour", { n: at + 1, total: groups.length })} · ${tn("group.members", group.members.length)}` }),
    h("h2", { class: "screen-step-title clamp", id: "tour-title", text: `${groupName(workshop, group)} — ${persona ? `${persona.emoji || "👤"} ${persona.name}` : t("group.nopersona")}` }),
    h("p", { class: "screen-help clamp", text: /** @type {{tagline?: string} | undefined} */ (persona)?.tagline ?? "" }),
    feelingStrip(workshop, group.persona),
    h("div", { class: "screen-tour-lanes" }, lanes),
  ]);
}

/**
 * How the persona feels at each stage, today and in the target journey ("−1 → +2"), for the group
 * to tell the story of its curve.
 * @param {Workshop} workshop @param {string} persona
 */
function feelingStrip(workshop, persona) {
  const today = curve(workshop, persona);
  const target = curve(workshop, persona, true);
  if (![...today, ...target].some((p) => p.value !== null)) return h("span");
  const signed = (/** @type {number | null} */ v) => (v === null ? "·" : `${v > 0 ? "+" : v < 0 ? "−" : ""}${formatNumber(Math.abs(v))}`);
  return h("ol", { class: "screen-feelings", "aria-label": t("presenter.feelings") }, workshop.stages.map((stage, i) => {
    const now = today[i].value;
    const goal = target[i].value;
    const mood = now === null ? "" : now < 0 ? " low" : now > 0 ? " high" : "";
    return h("li", { class: `screen-feeling${mood}` }, [
      h("span", { class: "screen-feeling-stage clamp", text: stage.title }),
      h("span", { class: "screen-feeling-values", text: goal === null ? signed(now) : `${signed(now)} → ${signed(goal)}` }),
    ]);
  }));
}

/** @param {Workshop} workshop */
function roadmapKey(workshop) {
  return [Object.values(workshop.roadmap).map((i) => [i.id, i.title, position(i), roadmapClass(i, workshop.rules)]), workshop.rules];
}

/** @param {string} tag @param {Record<string, string>} attrs @param {string} [text] */
function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The impact x effort matrix, drawn for a projector (the board's own is drawn for a laptop). @param {Workshop} workshop @param {Step} step */
function roadmapScene(workshop, step) {
  const items = Object.values(workshop.roadmap);
  const size = 1000;
  const pad = 80;
  const inset = 56; // the dots of a 1 or a 5 stay inside the frame
  const x = (/** @type {number} */ effort) => pad + inset + ((effort - 1) / 4) * (size - 2 * pad - 2 * inset);
  const y = (/** @type {number} */ impact) => size - pad - inset - ((impact - 1) / 4) * (size - 2 * pad - 2 * inset);
  const chart = svg("svg", { viewBox: `0 0 ${size} ${size}`, class: "screen-matrix", role: "img", "aria-labelledby": "matrix-title" });
  const sx = x(workshop.rules.light);
  const sy = y(workshop.rules.strong);
  const ry = y(workshop.rules.real);
  const inner = size - 2 * pad;
  chart.append(
    svg("rect", { x: String(pad), y: String(pad), width: String(inner), height: String(inner), class: "frame", rx: "12" }),
    svg("rect", { x: String(pad), y: String(pad), width: String(sx - pad), height: String(sy - pad), class: "zone quick" }),
    svg("rect", { x: String(sx), y: String(pad), width: String(size - pad - sx), height: String(ry - pad), class: "zone nice" }),
    svg("rect", { x: String(pad), y: String(sy), width: String(sx - pad), height: String(ry - sy), class: "zone nice" }),
    // The top zones are named above the frame, where no dot can cover their name.
    svg("text", { x: String(pad + 6), y: String(pad - 20), class: "zone-label quick" }, t("class.quick_win")),
    svg("text", { x: String(sx + 6), y: String(pad - 20), class: "zone-label nice" }, t("class.nice_to_have")),
    svg("text", { x: String(pad + 18), y: String(size - pad - 22), class: "zone-label" }, t("roadmap.class.weak")),
    svg("text", { x: String(size / 2), y: String(size - 22), class: "axis-label" }, `${t("roadmap.effort")} →`),
    svg("text", { x: "40", y: String(size / 2), class: "axis-label", transform: `rotate(-90 40 ${size / 2})` }, `${t("roadmap.impact")} →`),
  );
  const legend = h("ol", { class: "screen-legend", "data-fit": "", "aria-label": t("presenter.items") });
  items.forEach((item, i) => {
    const placed = position(item);
    const klass = roadmapClass(item, workshop.rules) ?? "none";
    if (placed) {
      const dot = svg("g", { class: `dot ${klass}`, transform: `translate(${x(placed[0])} ${y(placed[1])})` });
      dot.append(svg("circle", { r: "30" }), svg("text", { "text-anchor": "middle", dy: "11" }, String(i + 1)));
      chart.append(dot);
    }
    legend.append(
      h("li", { class: `screen-legend-item ${klass}` }, [
        h("span", { class: "screen-legend-number", "aria-hidden": "true", text: String(i + 1) }),
        h("span", { class: "screen-legend-text" }, [
          h("span", { class: "screen-legend-title clamp", text: item.title }),
          h("span", { class: "screen-legend-class", text: placed ? t(/** @type {any} */ (`class.${klass}`)) : t("presenter.unplaced") }),
        ]),
      ]),
    );
  });
  const side = h("div", { class: "screen-roadmap-side" }, [
    h("p", { class: "screen-kicker", text: stepName(step) }),
    h("h2", { class: "screen-roadmap-title", id: "matrix-title", text: t("roadmap.matrix") }),
  ]);
  if (items.length) side.append(legend);
  else side.append(h("p", { class: "screen-help", text: t("presenter.roadmap.none") }));
  return h("section", { class: "screen-roadmap", "aria-labelledby": "matrix-title" }, [h("div", { class: "screen-matrix-box" }, [chart]), side]);
}

// -- filling in ---------------------------------------------------------------------------------

/** @param {HTMLElement} root @param {Scene} scene @param {Workshop} workshop @param {ScreenContext} ctx */
function fill(root, scene, workshop, ctx) {
  /** @param {string} role */
  const part = (role) => /** @type {HTMLElement | null} */ (root.querySelector(`[data-role="${role}"]`));
  /** @param {string} role @param {string} text */
  const text = (role, text) => {
    const el = part(role);
    if (el && el.textContent !== text) el.textContent = text;
  };
  /** @param {string} role @param {number} n @param {number} total */
  const bar = (role, n, total) => part(role)?.style.setProperty("--share", String(total ? Math.min(1, n / total) : 0));
  const ends = workshop.timer_ends_at;
  for (const role of ["timer", "timer-pill", "vote-timer"]) {
    const el = part(role);
    if (!el) continue;
    // A round's own countdown, else the step's.
    const at = role === "vote-timer" ? (scene.round?.ends_at ?? (scene.step ? ends : null)) : ends;
    el.dataset.ends = at ? String(at) : "";
    el.dataset.total = String(Math.max(60, (scene.step?.minutes ?? 0) * 60));
  }
  if (scene.kind === "join") {
    const people = participantsOnline(workshop, ctx.online);
    text("joined", tn("presenter.joined", people.size));
    fillNames(/** @type {HTMLElement} */ (part("names")), people);
  }
  if (scene.kind === "step" || scene.kind === "roadmap") {
    const { done, total } = doneCount(workshop, ctx.online);
    text("done-fraction", `${formatNumber(done)} / ${formatNumber(total)}`);
    const everyone = total > 0 && done >= total;
    text("done-text", everyone ? t("step.everyone") : tn("step.done.count", done, { total }));
    part("done-bar")?.closest(".done-card")?.classList.toggle("all", everyone);
    text("done-pill", tn("step.done.count", done, { total }));
    bar("done-bar", done, total);
  }
  if (scene.kind === "vote" && scene.round) {
    const round = scene.round;
    const { voted, total } = voteCount(workshop, round, ctx.online);
    text("vote-status", round.status === "open" ? t("vote.open") : round.status === "paused" ? t("vote.paused") : t("vote.closed"));
    text("vote-fraction", `${formatNumber(voted)} / ${formatNumber(total)}`);
    text("vote-text", tn("presenter.voted", voted, { total }));
    bar("vote-bar", voted, total);
    root.dataset.status = round.status;
  }
}

/** The names of who joined, the latest first, as many as fit; "+ 12 more" for the others. @param {HTMLElement} list @param {Map<string, string>} people */
function fillNames(list, people) {
  const ids = [...people.keys()].reverse();
  const key = JSON.stringify(ids.map((id) => [id, people.get(id)]));
  if (list.dataset.key === key && list.clientHeight) return;
  list.dataset.key = key;
  const seen = built.names;
  const chips = ids.map((id) =>
    h("li", { class: `screen-name${seen.size && !seen.has(id) ? " new" : ""}`, text: people.get(id) ?? "" }),
  );
  built.names = new Set(ids);
  list.replaceChildren(...chips);
  fitList(list, "screen-name more");
}

/** Large rows when they fit, compact ones when they do not. @param {HTMLElement} list */
function fitResults(list) {
  const over = () => list.scrollHeight > list.clientHeight + 1;
  if (list.classList.contains("roomy") && over()) list.classList.remove("roomy");
  if (over()) list.classList.add("dense");
}

/** Drop a list's last items until it fits its box, saying how many are not shown. @param {HTMLElement} list @param {string} [moreClass] */
function fitList(list, moreClass = "screen-more") {
  const fits = () => list.scrollHeight <= list.clientHeight + 1;
  if (fits()) return;
  const items = [...list.children];
  // One measure finds the first item past the bottom; then a step back or two for "+ N more".
  const bottom = list.getBoundingClientRect().top + list.clientHeight;
  let keep = items.findIndex((item) => item.getBoundingClientRect().bottom > bottom + 1);
  if (keep < 0) keep = items.length;
  const more = h("li", { class: moreClass });
  for (const item of items.slice(keep)) item.remove();
  const show = () => {
    more.textContent = tn("presenter.more", items.length - keep);
    if (!more.isConnected) list.append(more);
  };
  show();
  while (!fits() && keep > 0) {
    keep -= 1;
    items[keep].remove();
    show();
  }
}

/** Every second: the countdowns. @param {HTMLElement} root */
function tick(root) {
  for (const el of root.querySelectorAll("[data-ends]")) {
    const box = /** @type {HTMLElement} */ (el);
    const ends = Number(box.dataset.ends);
    const card = box.closest(".timer-card");
    const barEl = /** @type {HTMLElement | null} */ (card?.querySelector("[data-role=timer-bar]") ?? null);
    if (!ends) {
      box.textContent = box.dataset.role === "timer" ? t("presenter.notimer") : "";
      box.classList.remove("over");
      box.hidden = box.dataset.role !== "timer";
      card?.classList.add("idle");
      card?.classList.remove("over");
      barEl?.style.setProperty("--share", "0");
      continue;
    }
    box.hidden = false;
    card?.classList.remove("idle");
    const left = Math.max(0, Math.ceil(ends - Date.now() / 1000));
    const over = left <= 0;
    const clock = clockText(left);
    const wanted = over ? t("timer.over") : box.dataset.role === "timer" ? clock : t("timer.left", { time: clock });
    if (box.textContent !== wanted) box.textContent = wanted;
    box.classList.toggle("over", over);
    box.classList.toggle("long", left >= 3600);
    card?.classList.toggle("over", over);
    const total = Math.max(Number(box.dataset.total) || 60, left);
    barEl?.style.setProperty("--share", String(left / total));
  }
}

/** @param {number} seconds */
function clockText(seconds) {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}
