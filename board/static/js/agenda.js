// @ts-check
// The agenda: the step bar everyone sees (current step, countdown, "I'm done", back to the
// step; Previous / Next for the facilitator) and the agenda section (the plan, and its editor).
import { confirmAction } from "./dialogs.js";
import { t, tn } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { h } from "./render.js";
import { currentStep, neighbourStep } from "./state.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").Step} Step */

/** Which section of the board each kind of step takes the room to. */
export const SECTION_OF = Object.freeze({
  framing: "agenda",
  personas: "personas",
  journeys: "journeys",
  tour: "journeys",
  emotions: "journeys",
  channels: "heatmap",
  vote: "vote",
  roadmap: "roadmap",
  scenarios: "scenarios",
  plan: "plan",
  restitution: "agenda",
});

export const STEP_KINDS = Object.keys(SECTION_OF);

/** @param {Step} step */
export function stepName(step) {
  return step.title || t(/** @type {any} */ (`step.${step.kind}`));
}

/** @param {Step | null} step */
export function sectionOf(step) {
  return step ? /** @type {Record<string, string>} */ (SECTION_OF)[step.kind] ?? "agenda" : "agenda";
}

/** @param {number} seconds */
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * Who counts in "17 of 25 done": participants online (not the facilitator, not proxies) and
 * whoever said done and left since.
 * @param {Workshop} workshop @param {{id: string, role: string}[]} online
 */
export function doneTally(workshop, online) {
  const people = new Set(online.filter((p) => p.role !== "facilitator").map((p) => p.id));
  for (const id of workshop.done ?? []) people.add(id);
  const done = new Set(workshop.done ?? []);
  const waiting = [...people].filter((id) => !done.has(id)).map((id) => workshop.participants[id]?.name ?? "?");
  return { done: done.size, total: people.size, waiting };
}

export class StepBar {
  /**
   * @param {HTMLElement} root
   * @param {{send: (command: Record<string, any>) => string, go: (section: string) => void}} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.key = "";
    window.setInterval(() => this.tick(), 1000);
  }

  /**
   * @param {Workshop} workshop
   * @param {{facilitator: boolean, me: string, section: string, online: {id: string, role: string}[]}} ctx
   */
  render(workshop, ctx) {
    const step = currentStep(workshop);
    const tally = doneTally(workshop, ctx.online);
    const key = JSON.stringify([workshop.step, workshop.agenda, workshop.done, workshop.timer_ends_at, ctx.facilitator, ctx.section, tally, document.documentElement.lang]);
    if (key === this.key) return;
    this.key = key;
    const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.id;
    const steps = (workshop.agenda ?? []).filter((s) => !s.skipped);
    const index = step ? steps.findIndex((s) => s.id === step.id) + 1 : 0;
    const where = h("a", { class: "step-where", href: "#agenda", id: "step-where" }, [
      h("span", { class: "step-count", text: step ? t("step.of", { i: index, n: steps.length }) : t("agenda.title") }),
      h("span", { class: "step-name", text: step ? stepName(step) : t("step.none") }),
    ]);
    /** @type {HTMLElement[]} */
    const parts = [where];
    if (workshop.timer_ends_at) parts.push(h("span", { class: "step-timer", id: "step-timer", role: "timer", "data-ends": String(workshop.timer_ends_at) }));
    const wanted = sectionOf(step);
    if (step && ctx.section !== wanted) {
      const back = h("button", { type: "button", class: "btn step-back", id: "step-back", text: t("step.back") });
      back.addEventListener("click", () => this.handlers.go(wanted));
      parts.push(back);
    }
    if (step && !ctx.facilitator) {
      const mine = (workshop.done ?? []).includes(ctx.me);
      const done = h("button", { type: "button", class: `btn step-done${mine ? " pressed" : ""}`, id: "step-done", "aria-pressed": String(mine), text: mine ? t("step.done.pressed") : t("step.done") });
      done.addEventListener("click", () => this.handlers.send({ type: Command.STEP_DONE, done: !mine }));
      parts.push(done);
    }
    if (step && ctx.facilitator) {
      const count = h("details", { class: "done-count popover", id: "done-count" }, [
        h("summary", { text: tn("step.done.count", tally.done, { total: tally.total }) }),
        h("div", { class: "done-list" }, tally.waiting.length
          ? [h("p", { class: "label", text: t("step.notdone") }), h("ul", {}, tally.waiting.map((name) => h("li", { text: name })))]
          : [h("p", { text: t("step.everyone") })]),
      ]);
      const wasOpen = this.root.querySelector("#done-count")?.hasAttribute("open");
      if (wasOpen) count.open = true;
      parts.push(count);
    }
    if (ctx.facilitator) parts.push(this.moves(workshop));
    this.root.replaceChildren(...parts);
    this.root.hidden = false;
    if (focused && !document.getElementById(focused)?.isConnected) return;
    if (focused) document.getElementById(focused)?.focus();
    this.tick();
  }

  /** Previous / Next: they move the whole room. @param {Workshop} workshop */
  moves(workshop) {
    const prev = neighbourStep(workshop, -1);
    const next = neighbourStep(workshop, 1);
    const back = h("button", { type: "button", class: "btn", id: "step-prev", "aria-label": prev ? t("step.prev.label", { step: stepName(prev) }) : t("step.prev") }, [h("span", { "aria-hidden": "true", text: "‹ " }), h("span", { class: "step-move-word", text: t("step.prev") })]);
    back.disabled = !workshop.step;
    back.addEventListener("click", () => this.handlers.send({ type: Command.STEP_GO, step: prev?.id ?? null }));
    const label = workshop.step ? t("step.next") : t("step.start");
    const forward = h("button", { type: "button", class: "btn primary", id: "step-next", "aria-label": next ? t("step.next.label", { step: stepName(next) }) : label }, [h("span", { class: "step-move-word", text: label }), h("span", { "aria-hidden": "true", text: " ›" })]);
    forward.disabled = !next;
    forward.addEventListener("click", () => next && this.handlers.send({ type: Command.STEP_GO, step: next.id }));
    return h("span", { class: "step-moves" }, [back, forward]);
  }

  tick() {
    const el = /** @type {HTMLElement | null} */ (this.root.querySelector(".step-timer"));
    if (!el) return;
    const left = Number(el.dataset.ends) - Date.now() / 1000;
    el.textContent = left > 0 ? `⏱ ${clock(left)}` : `⏱ ${t("timer.over")}`;
    el.classList.toggle("over", left <= 0);
  }
}

export class AgendaView {
  /** @param {HTMLElement} root @param {{send: (command: Record<string, any>) => string}} handlers */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    /** @type {Step[] | null} the facilitator's draft while editing */
    this.draft = null;
    this.key = "";
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  render(workshop, ctx) {
    const key = JSON.stringify([workshop.agenda, workshop.step, ctx.facilitator, this.draft, document.documentElement.lang]);
    if (key === this.key) return;
    this.key = key;
    const step = currentStep(workshop);
    /** @type {HTMLElement[]} */
    const parts = [h("h2", { class: "section-title", id: "agenda-title", tabindex: "-1", text: t("agenda.title") })];
    parts.push(
      h("section", { class: "card step-now", "aria-labelledby": "step-now-title" }, [
        h("p", { class: "label", text: t("step.current") }),
        h("h3", { id: "step-now-title", text: step ? stepName(step) : t("step.none") }),
        h("p", { text: step ? t(/** @type {any} */ (`step.help.${step.kind}`)) : t("step.none.help") }),
      ]),
    );
    if (this.draft && ctx.facilitator) parts.push(this.editor(workshop));
    else parts.push(this.plan(workshop, ctx));
    this.root.replaceChildren(...parts);
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  plan(workshop, ctx) {
    const list = h("ol", { class: "agenda-list" });
    for (const step of workshop.agenda ?? []) {
      const now = step.id === workshop.step;
      const item = h("li", { class: `agenda-step${now ? " now" : ""}${step.skipped ? " skipped" : ""}`, "data-step": step.id }, [
        h("span", { class: "agenda-name", text: stepName(step) }),
        h("span", { class: "agenda-meta", text: [step.minutes ? t("agenda.minutes", { n: step.minutes }) : "", now ? t("agenda.now") : "", step.skipped ? t("agenda.skipped") : ""].filter(Boolean).join(" · ") }),
      ]);
      if (now) item.setAttribute("aria-current", "step");
      if (ctx.facilitator && !now) {
        const go = h("button", { type: "button", class: "btn", "aria-label": `${t("agenda.go")}: ${stepName(step)}`, text: t("agenda.go") });
        go.addEventListener("click", () => this.handlers.send({ type: Command.STEP_GO, step: step.id }));
        item.append(go);
      }
      list.append(item);
    }
    /** @type {HTMLElement[]} */
    const parts = [h("p", { class: "hint", text: t("agenda.help") })];
    parts.push((workshop.agenda ?? []).length ? list : h("p", { text: t("agenda.empty") }));
    if (ctx.facilitator) {
      const edit = h("button", { type: "button", class: "btn", id: "agenda-edit", text: t("agenda.edit") });
      edit.addEventListener("click", () => {
        this.draft = (workshop.agenda ?? []).map((s) => ({ ...s }));
        this.render(workshop, ctx);
        /** @type {HTMLElement | null} */ (this.root.querySelector(".agenda-edit input"))?.focus();
      });
      const join = h("button", { type: "button", class: "btn", id: "agenda-join", text: t("agenda.join") });
      join.disabled = !workshop.step;
      join.addEventListener("click", () => this.handlers.send({ type: Command.STEP_GO, step: null }));
      parts.push(h("div", { class: "actions" }, [edit, join]));
    }
    return h("section", { class: "card agenda", "aria-label": t("agenda.title") }, parts);
  }

  /** The facilitator's editor: rename, time, skip, reorder, add, remove; one save. @param {Workshop} workshop */
  editor(workshop) {
    const draft = /** @type {Step[]} */ (this.draft);
    const rerender = () => this.render(workshop, { facilitator: true });
    const list = h("ol", { class: "agenda-edit" });
    draft.forEach((step, i) => {
      const name = h("input", { type: "text", id: `agenda-name-${i}`, maxlength: String(Limits.TITLE_MAX), placeholder: t(/** @type {any} */ (`step.${step.kind}`)) });
      name.value = step.title;
      name.addEventListener("input", () => { step.title = name.value; });
      const minutes = h("input", { type: "number", id: `agenda-minutes-${i}`, min: "1", max: "240", inputmode: "numeric" });
      minutes.value = step.minutes ? String(step.minutes) : "";
      minutes.addEventListener("input", () => { step.minutes = minutes.value ? Math.max(1, Math.min(240, Number(minutes.value))) : null; });
      const skip = h("input", { type: "checkbox", id: `agenda-skip-${i}` });
      skip.checked = step.skipped;
      skip.addEventListener("change", () => { step.skipped = skip.checked; });
      const tool = (/** @type {string} */ icon, /** @type {string} */ label, /** @type {boolean} */ off, /** @type {() => void} */ act) => {
        const b = h("button", { type: "button", class: "btn icon", "aria-label": `${label}: ${stepName(step)}`, title: label, text: icon });
        b.disabled = off;
        b.addEventListener("click", () => { act(); rerender(); });
        return b;
      };
      list.append(
        h("li", { class: "agenda-edit-step" }, [
          h("div", { class: "field" }, [h("label", { for: name.id, text: `${i + 1}. ${t("agenda.name")}` }), name]),
          h("div", { class: "field minutes" }, [h("label", { for: minutes.id, text: t("agenda.duration") }), minutes]),
          h("div", { class: "check" }, [skip, h("label", { for: skip.id, text: t("agenda.skip") })]),
          h("div", { class: "agenda-tools" }, [
            tool("↑", t("agenda.up"), i === 0, () => draft.splice(i - 1, 0, ...draft.splice(i, 1))),
            tool("↓", t("agenda.down"), i === draft.length - 1, () => draft.splice(i + 1, 0, ...draft.splice(i, 1))),
            tool("✕", t("agenda.remove"), false, () => draft.splice(i, 1)),
          ]),
        ]),
      );
    });
    const kind = h("select", { id: "agenda-add-kind" });
    for (const k of STEP_KINDS) kind.append(h("option", { value: k, text: t(/** @type {any} */ (`step.${k}`)) }));
    const add = h("button", { type: "button", class: "btn", id: "agenda-add", text: t("agenda.add") });
    add.addEventListener("click", () => {
      draft.push({ id: "", kind: kind.value, title: "", minutes: null, skipped: false });
      rerender();
    });
    const save = h("button", { type: "button", class: "btn primary", id: "agenda-save", text: t("agenda.save") });
    save.addEventListener("click", () => {
      this.handlers.send({
        type: Command.AGENDA_SET,
        steps: draft.map((s) => ({ ...(s.id ? { id: s.id } : {}), kind: s.kind, title: s.title.trim(), minutes: s.minutes, skipped: s.skipped })),
      });
      this.draft = null;
      rerender();
      document.getElementById("agenda-edit")?.focus();
    });
    const cancel = h("button", { type: "button", class: "btn", id: "agenda-cancel", text: t("note.cancel") });
    cancel.addEventListener("click", () => {
      this.draft = null;
      rerender();
      document.getElementById("agenda-edit")?.focus();
    });
    const reset = h("button", { type: "button", class: "btn ghost", id: "agenda-reset", text: t("agenda.reset") });
    reset.addEventListener("click", async () => {
      if (!(await confirmAction(t("agenda.reset"), t("agenda.reset")))) return;
      this.handlers.send({ type: Command.AGENDA_SET, steps: null });
      this.draft = null;
      rerender();
    });
    return h("section", { class: "card agenda", "aria-label": t("agenda.edit") }, [
      list,
      h("div", { class: "field inline" }, [h("label", { for: kind.id, text: t("agenda.kind") }), kind, add]),
      h("div", { class: "actions" }, [reset, h("span", { class: "spacer" }), cancel, save]),
    ]);
  }
}
