// @ts-check
// The facilitator's toolbar (phase, timer, lock, private writing, follow-me, save as template)
// and the banners everyone sees when one of them is on.
import { askText } from "./dialogs.js";
import { t } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { h } from "./render.js";

const PHASES = ["personas", "journeys", "vote", "roadmap", "scenarios", "restitution"];

/** @typedef {import("./state.js").Workshop & {phase: string, timer_ends_at: number | null,
 *   private: boolean, follow: string | null}} Workshop */

export class FacilitationView {
  /**
   * @param {HTMLElement} root
   * @param {{send: (command: Record<string, any>) => string, persona: () => string,
   *          saveTemplate: (label: string) => Promise<void>}} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.key = "";
    window.setInterval(() => this.tick(), 1000);
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  render(workshop, ctx) {
    const key = JSON.stringify([ctx.facilitator, workshop.phase, workshop.timer_ends_at, workshop.locked, workshop.private, workshop.follow, document.documentElement.lang, Object.values(workshop.notes).filter((n) => n.hidden).length]);
    if (key === this.key) return;
    this.key = key;
    const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.id;
    const parts = [];
    if (ctx.facilitator) parts.push(this.toolbar(workshop));
    parts.push(this.banners(workshop, ctx));
    this.root.replaceChildren(...parts);
    if (focused) document.getElementById(focused)?.focus();
    this.tick();
  }

  /** @param {Workshop} workshop */
  toolbar(workshop) {
    const phase = h("select", { id: "phase-select" });
    for (const p of PHASES) {
      const option = h("option", { value: p, text: t(/** @type {any} */ (`phase.${p}`)) });
      option.selected = p === workshop.phase;
      phase.append(option);
    }
    phase.addEventListener("change", () => this.handlers.send({ type: Command.PHASE_SET, phase: phase.value }));
    const timer = h("select", { id: "timer-select" });
    timer.append(h("option", { value: "", text: "—" }));
    for (const minutes of [1, 2, 3, 5, 10, 15, 20]) timer.append(h("option", { value: String(minutes * 60), text: t("round.minutes", { n: minutes }) }));
    timer.addEventListener("change", () => {
      if (timer.value) this.handlers.send({ type: Command.TIMER_SET, seconds: Number(timer.value) });
    });
    const stop = h("button", { type: "button", class: "btn small", id: "timer-stop", text: t("facilitate.timer.stop") });
    stop.hidden = !workshop.timer_ends_at;
    stop.addEventListener("click", () => this.handlers.send({ type: Command.TIMER_SET, seconds: null }));
    const toggle = (/** @type {string} */ id, /** @type {string} */ label, /** @type {boolean} */ on, /** @type {(v: boolean) => void} */ change) => {
      const box = h("input", { type: "checkbox", id, role: "switch" });
      box.checked = on;
      box.addEventListener("change", () => change(box.checked));
      return h("div", { class: "check" }, [box, h("label", { for: id, text: label })]);
    };
    const hiddenCount = Object.values(workshop.notes).filter((n) => n.hidden).length;
    const reveal = h("button", { type: "button", class: "btn small", id: "reveal-notes", text: `${t("facilitate.reveal")} (${hiddenCount})` });
    reveal.disabled = hiddenCount === 0;
    reveal.addEventListener("click", () => this.handlers.send({ type: Command.NOTES_REVEAL }));
    const save = h("button", { type: "button", class: "btn small", id: "save-template", text: t("facilitate.saveTemplate") });
    save.addEventListener("click", async () => {
      const label = await askText(t("facilitate.saveTemplate"), t("facilitate.templateName"), workshop.title, Limits.WORKSHOP_TITLE_MAX);
      if (label) await this.handlers.saveTemplate(label);
    });
    return h("details", { class: "facilitate card", open: "" }, [
      h("summary", { text: t("facilitate.label") }),
      h("div", { class: "facilitate-row" }, [
        h("div", { class: "field inline" }, [h("label", { for: "phase-select", text: t("facilitate.phase") }), phase]),
        h("div", { class: "field inline" }, [h("label", { for: "timer-select", text: t("facilitate.timer") }), timer, stop]),
        toggle("lock-toggle", t("facilitate.lock"), workshop.locked, (v) => this.handlers.send({ type: Command.BOARD_LOCK, locked: v })),
        toggle("private-toggle", t("facilitate.private"), workshop.private, (v) => this.handlers.send({ type: Command.PRIVATE_SET, private: v })),
        reveal,
        toggle("follow-toggle", t("facilitate.follow"), Boolean(workshop.follow), (v) => this.handlers.send({ type: Command.FOLLOW_SET, persona: v ? this.handlers.persona() : null })),
        save,
      ]),
    ]);
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  banners(workshop, ctx) {
    const box = h("div", { class: "banners", role: "status", "aria-live": "polite" });
    box.append(h("span", { class: "banner phase", text: t("banner.phase", { phase: t(/** @type {any} */ (`phase.${workshop.phase}`)) }) }));
    if (workshop.timer_ends_at) box.append(h("span", { class: "banner timer", "data-ends": String(workshop.timer_ends_at) }));
    if (workshop.locked) box.append(h("span", { class: "banner warn", id: "locked-banner", text: t("banner.locked") }));
    if (workshop.private) box.append(h("span", { class: "banner info", id: "private-banner", text: t("banner.private") }));
    if (workshop.follow && !ctx.facilitator) box.append(h("span", { class: "banner info", text: t("banner.follow") }));
    return box;
  }

  tick() {
    for (const el of this.root.querySelectorAll(".banner.timer")) {
      const ends = Number(/** @type {HTMLElement} */ (el).dataset.ends);
      const left = Math.max(0, Math.round(ends - Date.now() / 1000));
      el.textContent = left > 0 ? `⏱ ${t("timer.left", { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` })}` : `⏱ ${t("timer.over")}`;
      el.classList.toggle("over", left === 0);
    }
  }
}
