// @ts-check
// What a scenario card adds to its checklist: the irritants and expectations it answers, its
// campaigns (channel, timing, content) and each person's scores of the three priorities (from a
// phone too). Controls are kept while the room changes, so that nobody loses the field they type in.
import { bindField, syncField } from "./fields.js";
import { formatNumber, t } from "./i18n.js";
import { PRIORITIES } from "./moments.js";
import { CHANNELS, Command, Limits } from "./protocol.js";
import { channelName, h, laneName } from "./render.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").Scenario} Scenario */
/** @typedef {{send: (command: Record<string, any>) => string}} Handlers */

/** Irritant and expectation notes a scenario can answer: its persona's (its stage's, when set). @param {Workshop} workshop @param {Scenario} scenario */
function answerable(workshop, scenario) {
  const lanes = new Map(workshop.lanes.filter((l) => l.kind === "irritants" || l.kind === "expectations").map((l) => [l.id, l]));
  return Object.values(workshop.notes).filter((n) => lanes.has(n.lane) && !n.hidden && (!scenario.persona || n.persona === scenario.persona) && (!scenario.stage || n.stage === scenario.stage) || scenario.answers.includes(n.id))
    .map((n) => ({ note: n, lane: /** @type {import("./state.js").Lane} */ (lanes.get(n.lane) ?? workshop.lanes.find((l) => l.id === n.lane)) }));
}

export class ScenarioPlan {
  /** @param {string} id @param {Handlers} handlers */
  constructor(id, handlers) {
    this.id = id;
    this.handlers = handlers;
    this.answers = h("fieldset", { class: "answers" });
    this.answersKey = "";
    this.campaigns = h("div", { class: "campaign-list" });
    this.campaignsKey = "";
    const add = h("button", { type: "button", class: "btn small", "data-role": "add-campaign", text: `+ ${t("campaigns.add")}` });
    add.addEventListener("click", () => handlers.send({ type: Command.SCENARIO_CAMPAIGN, scenario: id }));
    this.scores = h("fieldset", { class: "scores priority-scores" }, [h("legend", { text: t("priorities.yours") })]);
    /** @type {Map<string, HTMLSelectElement>} */
    this.selects = new Map();
    /** @type {Map<string, HTMLElement>} */
    this.figures = new Map();
    for (const criterion of PRIORITIES) {
      const select = h("select", { id: `ps-${id}-${criterion}`, "data-priority": criterion });
      select.append(h("option", { value: "", text: t("roadmap.noScore") }));
      for (let v = 1; v <= 5; v += 1) select.append(h("option", { value: String(v), text: String(v) }));
      select.addEventListener("change", () => {
        handlers.send({ type: Command.SCENARIO_SCORE, scenario: id, criterion, value: select.value ? Number(select.value) : null });
      });
      const figure = h("span", { class: "hint" });
      this.selects.set(criterion, select);
      this.figures.set(criterion, figure);
      this.scores.append(h("div", { class: "score" }, [h("label", { for: select.id, text: t(/** @type {any} */ (`priority.${criterion}`)) }), select, figure]));
    }
    this.el = h("div", { class: "scenario-plan" }, [
      this.scores,
      this.answers,
      h("div", { class: "campaigns" }, [h("h4", { text: t("campaigns.title") }), this.campaigns, add]),
    ]);
  }

  /** @param {Workshop} workshop @param {Scenario} scenario @param {string} me */
  fill(workshop, scenario, me) {
    for (const criterion of PRIORITIES) {
      const select = /** @type {HTMLSelectElement} */ (this.selects.get(criterion));
      const by = scenario.scores?.[criterion] ?? {};
      if (document.activeElement !== select) select.value = String(by[me] ?? "");
      const values = Object.values(by);
      const figure = /** @type {HTMLElement} */ (this.figures.get(criterion));
      figure.textContent = values.length ? t("priorities.mean", { mean: formatNumber(values.reduce((a, b) => a + b, 0) / values.length), n: values.length }) : "";
    }
    this.fillAnswers(workshop, scenario);
    this.fillCampaigns(scenario);
  }

  /** @param {Workshop} workshop @param {Scenario} scenario */
  fillAnswers(workshop, scenario) {
    const found = answerable(workshop, scenario);
    const key = JSON.stringify([found.map((f) => [f.note.id, f.note.text]), scenario.answers, document.documentElement.lang]);
    if (key === this.answersKey) return;
    this.answersKey = key;
    const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.id;
    this.answers.replaceChildren(h("legend", { text: t("answers.title") }));
    if (!found.length) this.answers.append(h("p", { class: "hint", text: t("answers.none") }));
    for (const { note, lane } of found) {
      const box = h("input", { type: "checkbox", id: `an-${this.id}-${note.id}`, "data-note": note.id });
      box.checked = scenario.answers.includes(note.id);
      box.addEventListener("change", () => this.handlers.send({ type: Command.SCENARIO_ANSWER, scenario: this.id, note: note.id, on: box.checked }));
      this.answers.append(h("div", { class: "check" }, [box, h("label", { for: box.id, text: t("answers.item", { lane: laneName(lane?.kind ?? "", lane?.title ?? ""), text: note.text || t("note.empty") }) })]));
    }
    if (focused) document.getElementById(focused)?.focus();
  }

  /** @param {Scenario} scenario */
  fillCampaigns(scenario) {
    const list = scenario.campaigns ?? [];
    const key = list.map((c) => c.id).join() + document.documentElement.lang;
    if (key !== this.campaignsKey) {
      this.campaignsKey = key;
      this.campaigns.replaceChildren(...list.map((c, i) => this.campaignRow(c.id, i + 1)));
      if (!list.length) this.campaigns.append(h("p", { class: "hint", text: t("campaigns.none") }));
    }
    for (const campaign of list) {
      const row = this.campaigns.querySelector(`[data-campaign="${campaign.id}"]`);
      if (!row) continue;
      for (const part of ["channel", "timing", "content"]) {
        const control = /** @type {HTMLInputElement} */ (row.querySelector(`[data-part="${part}"]`));
        syncField(control, String(/** @type {any} */ (campaign)[part] ?? ""));
      }
    }
  }

  /** @param {string} id @param {number} n */
  campaignRow(id, n) {
    const prefix = `cp-${this.id}-${id}`;
    const channel = h("select", { id: `${prefix}-channel`, "data-part": "channel" });
    channel.append(h("option", { value: "", text: t("scenarios.none") }));
    for (const c of CHANNELS) channel.append(h("option", { value: c, text: channelName(c) }));
    const timing = h("input", { type: "text", id: `${prefix}-timing`, "data-part": "timing", maxlength: String(Limits.TITLE_MAX) });
    const content = h("textarea", { id: `${prefix}-content`, "data-part": "content", rows: "2", maxlength: "2000" });
    for (const control of [channel, timing, content]) {
      const part = control.dataset.part ?? "";
      bindField(control, (value) => this.handlers.send({ type: Command.SCENARIO_CAMPAIGN, scenario: this.id, campaign: id, [part]: value }));
    }
    const remove = h("button", { type: "button", class: "btn danger small", text: t("campaigns.remove"), "aria-label": t("campaigns.removeN", { n }) });
    remove.addEventListener("click", () => this.handlers.send({ type: Command.SCENARIO_UNCAMPAIGN, scenario: this.id, campaign: id }));
    return h("div", { class: "campaign", "data-campaign": id }, [
      h("h5", { text: t("campaigns.n", { n }) }),
      h("div", { class: "row two" }, [
        h("div", { class: "field" }, [h("label", { for: channel.id, text: t("campaigns.channel") }), channel]),
        h("div", { class: "field" }, [h("label", { for: timing.id, text: t("campaigns.timing") }), timing]),
      ]),
      h("div", { class: "field" }, [h("label", { for: content.id, text: t("campaigns.content") }), content]),
      remove,
    ]);
  }
}
