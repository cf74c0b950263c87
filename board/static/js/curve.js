// @ts-check
// The emotion curve of one persona: everyone rates each stage from -2 to +2; the chart draws the
// median line (or the facilitator's value) with the spread of the room as a band, so that stages
// where people disagree stand out; the target journey's curve (how it should feel tomorrow) is
// drawn dashed over it. The same rules as sessions/summary.py's `curve`.
import { formatNumber, t, tn } from "./i18n.js";
import { Command } from "./protocol.js";
import { h } from "./render.js";

const SVG = "http://www.w3.org/2000/svg";
const VALUES = [2, 1, 0, -1, -2];

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {{stage: string, value: number | null, low: number | null, high: number | null, count: number, fixed: boolean}} Point */

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The curve of `persona`, its target curve when `target`. @param {Workshop} workshop @param {string} persona @param {boolean} [target] @returns {Point[]} */
export function curve(workshop, persona, target = false) {
  return workshop.stages.map((stage) => {
    const emotion = workshop.emotions?.[`${persona}:${stage.id}`];
    const ratings = Object.values((target ? emotion?.target : emotion?.ratings) ?? {});
    const fixed = (target ? emotion?.target_fixed : emotion?.fixed) ?? null;
    return {
      stage: stage.id,
      value: fixed ?? (ratings.length ? median(ratings) : null),
      low: ratings.length ? Math.min(...ratings) : null,
      high: ratings.length ? Math.max(...ratings) : null,
      count: ratings.length,
      fixed: fixed !== null,
    };
  });
}

/** @param {string} tag @param {Record<string, string>} attrs */
function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
}

/** @param {number} v */
function valueName(v) {
  return t(/** @type {any} */ (`curve.value.${Math.round(v)}`));
}

export class CurveView {
  /** @param {HTMLElement} root @param {{send: (command: Record<string, any>) => string}} handlers */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
  }

  /**
   * @param {Workshop} workshop
   * @param {{persona: string, me: string, facilitator: boolean, stages: string[], target: boolean,
   *          slots?: {chart: HTMLElement, cells: Map<string, HTMLElement>} | null}} ctx
   */
  render(workshop, ctx) {
    const persona = workshop.personas.find((p) => p.id === ctx.persona);
    if (!persona) return;
    const points = curve(workshop, persona.id);
    const goal = curve(workshop, persona.id, true);
    const slots = ctx.slots ?? null;
    const width = slots ? Math.round(slots.chart.getBoundingClientRect().width) : 0;
    const key = JSON.stringify([points, goal, { ...ctx, slots: Boolean(slots) }, width, workshop.stages, document.documentElement.lang,
      workshop.stages.map((s) => workshop.emotions?.[`${persona.id}:${s.id}`]?.[ctx.target ? "target" : "ratings"]?.[ctx.me] ?? null)]);
    if (this.root.dataset.key === key && (!slots || slots.chart.firstChild)) return;
    this.root.dataset.key = key;
    const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.id;
    const section = h("section", { class: "curve card", "aria-labelledby": "curve-title" }, [
      h("h2", { id: "curve-title", text: `${t("curve.title")} · ${persona.name}` }),
      h("p", { class: "hint", text: t(ctx.target ? "curve.help.target" : "curve.help", { persona: persona.name }) }),
    ]);
    const controls = this.controls(workshop, persona.id, ctx.target ? goal : points, ctx);
    if (slots) {
      // On the grid: the chart spans the stage columns, each rating sits under its stage.
      slots.chart.replaceChildren(this.chart(workshop, points, goal, width), legend());
      for (const item of [...controls.children]) {
        const cell = slots.cells.get(/** @type {HTMLElement} */ (item).dataset.stage ?? "");
        if (cell) cell.replaceChildren(h("div", { class: "curve-stage in-grid" }, [...item.childNodes]));
      }
      this.watch(slots.chart, () => this.render(workshop, ctx));
    } else {
      section.append(this.chart(workshop, points, goal, 0), legend(), controls);
    }
    this.root.replaceChildren(section);
    if (focused) document.getElementById(focused)?.focus();
  }

  /** Draw again when the grid's width changes, so the points stay under their columns. @param {HTMLElement} cell @param {() => void} redraw */
  watch(cell, redraw) {
    this.resize?.disconnect();
    let last = Math.round(cell.getBoundingClientRect().width);
    this.resize = new ResizeObserver(() => {
      const now = Math.round(cell.getBoundingClientRect().width);
      if (now !== last && cell.isConnected) {
        last = now;
        redraw();
      }
    });
    this.resize.observe(cell);
  }

  /**
   * @param {Workshop} workshop @param {Point[]} points today's curve @param {Point[]} goal the target's
   * @param {number} fit the pixel width of the stage columns to line up with (0: a chart of its own)
   */
  chart(workshop, points, goal, fit) {
    const n = Math.max(points.length, 1);
    const width = fit || Math.max(320, points.length * 120);
    const height = fit ? 150 : 170;
    const pad = fit ? 20 : 28;
    const gap = 6; // the grid's border-spacing between stage columns
    const column = fit ? (width - (n - 1) * gap) / n : 0;
    const x = (/** @type {number} */ i) => (fit ? i * (column + gap) + column / 2 : pad + ((width - 2 * pad) * (i + 0.5)) / n);
    const y = (/** @type {number} */ v) => pad + ((2 - v) * (height - 2 * pad)) / 4;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: fit ? "curve-chart fit" : "curve-chart", role: "img" });
    if (fit) chart.setAttribute("height", String(height));
    const said = (/** @type {Point[]} */ line) => line
      .map((p, i) => `${workshop.stages[i].title}: ${p.value === null ? t("curve.none") : `${valueName(p.value)} (${p.value})`}`)
      .join("; ");
    const target = goal.some((p) => p.value !== null) ? `. ${t("curve.target")}: ${said(goal)}` : "";
    chart.setAttribute("aria-label", `${t("curve.title")}: ${said(points)}${target}`);
    const left = fit ? 22 : pad;
    for (const v of VALUES) {
      chart.append(svg("line", { x1: String(left), x2: String(width - (fit ? 0 : pad)), y1: String(y(v)), y2: String(y(v)), class: v === 0 ? "axis zero" : "axis" }));
      const label = svg("text", { x: "2", y: String(y(v) + 4), class: "axis-value" });
      label.textContent = v > 0 ? `+${v}` : v < 0 ? `−${-v}` : "0";
      chart.append(label);
    }
    if (fit) {
      for (let i = 1; i < n; i += 1) {
        const at = i * (column + gap) - gap / 2;
        chart.append(svg("line", { x1: String(at), x2: String(at), y1: String(pad - 6), y2: String(height - pad + 6), class: "column-edge" }));
      }
    }
    const band = points
      .map((p, i) => (p.low === null ? null : [x(i), y(/** @type {number} */ (p.high)), y(p.low)]))
      .filter(Boolean);
    if (band.length > 1) {
      const top = band.map((b) => `${b?.[0]},${b?.[1]}`).join(" ");
      const bottom = [...band].reverse().map((b) => `${b?.[0]},${b?.[2]}`).join(" ");
      chart.append(svg("polygon", { points: `${top} ${bottom}`, class: "band" }));
    }
    for (const b of band) chart.append(svg("line", { x1: String(b?.[0]), x2: String(b?.[0]), y1: String(b?.[1]), y2: String(b?.[2]), class: "spread" }));
    for (const [line, kind] of /** @type {[Point[], string][]} */ ([[points, "median"], [goal, "goal"]])) {
      const drawn = line.map((p, i) => (p.value === null ? null : `${x(i)},${y(p.value)}`)).filter(Boolean);
      if (drawn.length > 1) chart.append(svg("polyline", { points: drawn.join(" "), class: kind }));
      line.forEach((p, i) => {
        if (p.value === null) return;
        const shape = kind === "goal"
          ? svg("rect", { x: String(x(i) - 5), y: String(y(p.value) - 5), width: "10", height: "10", class: p.fixed ? "point goal fixed" : "point goal" })
          : svg("circle", { cx: String(x(i)), cy: String(y(p.value)), r: "6", class: p.fixed ? "point fixed" : "point" });
        chart.append(shape);
        // Today's value to the right of its point, the target's to the left: they never overlap.
        const side = kind === "goal" ? -10 : 10;
        const value = svg("text", { x: String(x(i) + side), y: String(y(p.value) + (p.value >= 1.5 ? 16 : -8)), class: `point-value ${kind}` });
        value.textContent = `${p.value > 0 ? "+" : p.value < 0 ? "−" : ""}${formatNumber(Math.abs(p.value))}`;
        chart.append(value);
      });
    }
    if (fit) return chart;
    return h("div", { class: "curve-scroll", tabindex: "0", role: "region", "aria-label": t("curve.title") }, [chart]);
  }

  /**
   * @param {Workshop} workshop @param {string} persona @param {Point[]} points
   * @param {{me: string, facilitator: boolean, stages: string[], target: boolean}} ctx
   */
  controls(workshop, persona, points, ctx) {
    const list = h("ul", { class: `curve-controls${ctx.target ? " rating-target" : ""}` });
    const target = ctx.target;
    workshop.stages.forEach((stage, i) => {
      if (!ctx.stages.includes(stage.id)) return;
      const emotion = workshop.emotions?.[`${persona}:${stage.id}`];
      const mine = (target ? emotion?.target : emotion?.ratings)?.[ctx.me];
      const id = `rate-${stage.id}`;
      const select = h("select", { id, "data-stage": stage.id });
      select.append(h("option", { value: "", text: t("curve.clear") }));
      for (const v of VALUES) {
        const option = h("option", { value: String(v), text: `${v > 0 ? "+" : ""}${v} · ${valueName(v)}` });
        option.selected = mine === v;
        select.append(option);
      }
      select.addEventListener("change", () => {
        this.handlers.send({ type: Command.EMOTION_RATE, persona, stage: stage.id, value: select.value === "" ? null : Number(select.value), target });
      });
      const p = points[i];
      const info = p.count ? tn("curve.spread", p.count, { low: p.low ?? "", high: p.high ?? "" }) : t("curve.none");
      const item = h("li", { class: "curve-stage", "data-stage": stage.id }, [
        h("span", { class: "curve-stage-title", text: stage.title }),
        h("label", { for: id, class: "sr-only", text: t(target ? "curve.rate.target" : "curve.rate", { stage: stage.title }) }),
        select,
        h("span", { class: "hint", text: info }),
      ]);
      if (ctx.facilitator) {
        const fixedId = `fix-${stage.id}`;
        const fixed = h("select", { id: fixedId, "data-stage": stage.id, class: "fixed-select" });
        fixed.append(h("option", { value: "", text: t("curve.fixed.value", { value: t("curve.median") }) }));
        for (const v of VALUES) {
          const option = h("option", { value: String(v), text: t("curve.fixed.value", { value: `${v > 0 ? "+" : ""}${v}` }) });
          option.selected = (target ? emotion?.target_fixed : emotion?.fixed) === v;
          fixed.append(option);
        }
        fixed.addEventListener("change", () => {
          this.handlers.send({ type: Command.EMOTION_FIX, persona, stage: stage.id, value: fixed.value === "" ? null : Number(fixed.value), target });
        });
        const which = target ? ` · ${t("curve.target")}` : "";
        item.append(h("label", { for: fixedId, class: "sr-only", text: `${t("curve.fixed")} · ${stage.title}${which}` }), fixed);
      }
      list.append(item);
    });
    return list;
  }
}

/** Which line is which: today's solid, the target's dashed. */
function legend() {
  const key = (/** @type {string} */ kind, /** @type {string} */ label) => {
    const mark = svg("svg", { viewBox: "0 0 28 10", width: "28", height: "10", "aria-hidden": "true" });
    mark.append(svg("line", { x1: "0", x2: "28", y1: "5", y2: "5", class: kind }));
    return h("li", {}, [mark, label]);
  };
  return h("ul", { class: "curve-legend" }, [key("median", t("curve.today")), key("goal", t("curve.tomorrow"))]);
}

/**
 * A table with a column per stage, its caption and the title of its first column; the caller
 * fills its body. @param {Workshop} workshop @param {string} css @param {string} caption @param {string} corner
 */
export function stageTable(workshop, css, caption, corner) {
  const table = h("table", { class: css });
  table.append(h("caption", { text: caption }));
  const head = h("tr", {}, [h("th", { scope: "col", text: corner })]);
  for (const stage of workshop.stages) head.append(h("th", { scope: "col", text: stage.title }));
  const body = h("tbody");
  table.append(h("thead", {}, [head]), body);
  return { table, body };
}

/**
 * Enchantments and irritants by channel x stage, across every persona.
 * @param {Workshop} workshop @param {string[]} channels @param {(c: string) => string} channelName
 */
export function heatmap(workshop, channels, channelName) {
  const kinds = new Map(workshop.lanes.map((l) => [l.id, l.kind]));
  /** @type {Map<string, {plus: number, minus: number}>} */
  const counts = new Map();
  for (const note of Object.values(workshop.notes)) {
    const kind = kinds.get(note.lane);
    if (kind !== "enchantments" && kind !== "irritants") continue;
    const key = `${note.channel}|${note.stage}`;
    const cell = counts.get(key) ?? { plus: 0, minus: 0 };
    if (kind === "enchantments") cell.plus += 1;
    else cell.minus += 1;
    counts.set(key, cell);
  }
  const top = Math.max(1, ...[...counts.values()].map((c) => c.plus + c.minus));
  const { table, body } = stageTable(workshop, "heatmap", t("heatmap.title"), t("heatmap.channel"));
  for (const channel of channels) {
    const row = h("tr", {}, [h("th", { scope: "row" }, [h("span", { class: `chip ch-${channel}`, text: channelName(channel) })])]);
    for (const stage of workshop.stages) {
      const cell = counts.get(`${channel}|${stage.id}`) ?? { plus: 0, minus: 0 };
      const td = h("td", { class: "heat", "aria-label": `${tn("heatmap.plus", cell.plus)}, ${tn("heatmap.minus", cell.minus)}` });
      if (cell.plus || cell.minus) {
        td.append(h("span", { class: "plus", text: `+${cell.plus}` }), " ", h("span", { class: "minus", text: `−${cell.minus}` }));
        const weight = (cell.plus + cell.minus) / top;
        const tone = cell.minus > cell.plus ? "220 38 38" : "22 163 74";
        td.style.background = `rgb(${tone} / ${Math.round(10 + 35 * weight)}%)`;
      }
      row.append(td);
    }
    body.append(row);
  }
  return h("div", { class: "grid-scroll", tabindex: "0", role: "region", "aria-label": t("nav.heatmap") }, [table]);
}
