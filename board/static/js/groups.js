// @ts-check
// Groups: the facilitator splits the room, gives each group a persona, moves people and watches
// every group at a glance; a participant sees their group, picks one when allowed, and can ask
// for help. The rules are the server's (sessions/groups.py); this only shows and asks.
import { t, tn } from "./i18n.js";
import { Command } from "./protocol.js";
import { h } from "./render.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").Group} Group */

/** @param {Workshop} workshop @param {string} me */
export function myGroup(workshop, me) {
  return (workshop.groups ?? []).find((g) => g.members.includes(me)) ?? null;
}

/** @param {Workshop} workshop @param {Group} group */
export function groupName(workshop, group) {
  return group.name || t("group.default", { n: (workshop.groups ?? []).indexOf(group) + 1 });
}

/** @param {Workshop} workshop @param {string} id */
function personaName(workshop, id) {
  const persona = workshop.personas.find((p) => p.id === id);
  return persona ? `${persona.emoji || "👤"} ${persona.name}` : t("group.nopersona");
}

/**
 * While group work is on, the journeys of the other groups are read-only for a participant.
 * @param {Workshop} workshop @param {string} me @param {string} persona
 */
export function othersWork(workshop, me, persona) {
  if (!workshop.grouped) return false;
  const mine = myGroup(workshop, me);
  return Boolean(mine?.persona && mine.persona !== persona);
}

/**
 * While groups work behind walls, the work on another group's persona is hidden from a
 * participant (the server does not send it): their board says so instead of an empty grid.
 * @param {Workshop} workshop @param {string} me @param {string} persona
 */
export function walledOff(workshop, me, persona) {
  if (!workshop.grouped || !workshop.group_walls) return false;
  const working = (workshop.groups ?? []).filter((g) => g.persona === persona);
  return working.length > 0 && !working.some((g) => g.members.includes(me));
}

export class GroupsView {
  /**
   * @param {HTMLElement} root
   * @param {{send: (command: Record<string, any>) => string, open: (persona: string) => void}} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.key = "";
    /** @type {Map<string, number>} group id -> when its members last changed something */
    this.activity = new Map();
  }

  /** A change by someone: their group was active now. @param {Workshop} workshop @param {string} actor */
  noteActivity(workshop, actor) {
    const group = myGroup(workshop, actor);
    if (group) this.activity.set(group.id, Date.now());
  }

  /**
   * @param {Workshop} workshop
   * @param {{facilitator: boolean, me: string, online: {id: string, role: string}[]}} ctx
   */
  render(workshop, ctx) {
    const online = new Set(ctx.online.map((p) => p.id));
    const counts = (workshop.groups ?? []).map((g) => Object.values(workshop.notes).filter((n) => n.persona === g.persona).length);
    const minute = Math.floor(Date.now() / 60000);
    const key = JSON.stringify([workshop.groups, workshop.grouped, workshop.group_pick, workshop.group_walls, workshop.presenting, workshop.done, workshop.personas.map((p) => [p.id, p.name]), [...online], counts, ctx.facilitator, minute, document.documentElement.lang]);
    if (key === this.key) return;
    this.key = key;
    const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.id;
    this.root.replaceChildren(ctx.facilitator ? this.facilitator(workshop, online) : this.participant(workshop, ctx.me));
    if (focused) document.getElementById(focused)?.focus();
  }

  /** @param {Workshop} workshop @param {Set<string>} online */
  facilitator(workshop, online) {
    const groups = workshop.groups ?? [];
    const count = h("input", { type: "number", id: "groups-count", min: "1", max: "40", inputmode: "numeric", value: String(Math.max(1, workshop.personas.length)) });
    const split = h("button", { type: "button", class: "btn", id: "groups-split", text: t("group.split") });
    split.addEventListener("click", () => this.handlers.send({ type: Command.GROUPS_SPLIT, count: Math.max(1, Math.min(40, Number(count.value) || 1)) }));
    const size = h("input", { type: "number", id: "groups-size", min: "1", max: "1000", inputmode: "numeric", value: "5" });
    const bySize = h("button", { type: "button", class: "btn", id: "groups-split-size", text: t("group.splitSize") });
    bySize.addEventListener("click", () => this.handlers.send({ type: Command.GROUPS_SPLIT, size: Math.max(1, Number(size.value) || 1) }));
    /** @type {HTMLElement[]} */
    const parts = [
      h("h2", { class: "section-title", id: "groups-title", text: t("group.title") }),
      h("p", { class: "hint", text: t("group.help") }),
      h("div", { class: "group-split" }, [
        h("div", { class: "field" }, [h("label", { for: count.id, text: t("group.count") }), count]),
        split,
        h("div", { class: "field" }, [h("label", { for: size.id, text: t("group.size") }), size]),
        bySize,
      ]),
    ];
    if (groups.length) {
      const work = h("button", { type: "button", class: `btn toggle${workshop.grouped ? " on" : ""}`, id: "groups-work", "aria-pressed": String(workshop.grouped), text: workshop.grouped ? t("group.together") : t("group.start") });
      work.addEventListener("click", () => this.handlers.send({ type: Command.GROUPS_SET, grouped: !workshop.grouped }));
      const pick = h("button", { type: "button", class: "btn toggle", id: "groups-pick", "aria-pressed": String(workshop.group_pick), text: t("group.pick") });
      pick.addEventListener("click", () => this.handlers.send({ type: Command.GROUPS_SET, pick: !workshop.group_pick }));
      const walls = h("button", { type: "button", class: "btn toggle", id: "groups-walls", "aria-pressed": String(Boolean(workshop.group_walls)), "aria-describedby": "groups-walls-help", text: t("group.walls") });
      walls.addEventListener("click", () => this.handlers.send({ type: Command.GROUPS_SET, walls: !workshop.group_walls }));
      const clear = h("button", { type: "button", class: "btn ghost", id: "groups-clear", text: t("group.clear") });
      clear.addEventListener("click", () => this.handlers.send({ type: Command.GROUPS_CLEAR }));
      const next = h("button", { type: "button", class: "btn", id: "groups-next", text: t("group.next") });
      next.addEventListener("click", () => {
        const at = groups.findIndex((g) => g.id === workshop.presenting);
        this.handlers.send({ type: Command.GROUP_PRESENT, group: groups[(at + 1) % groups.length].id });
      });
      /** @type {HTMLElement[]} */
      const tour = [next];
      if (workshop.presenting) {
        const end = h("button", { type: "button", class: "btn ghost", id: "groups-end-tour", text: t("group.endTour") });
        end.addEventListener("click", () => this.handlers.send({ type: Command.GROUP_PRESENT, group: null }));
        tour.push(end);
      }
      parts.push(h("div", { class: "actions" }, [work, pick, walls, h("span", { class: "spacer" }), clear]));
      parts.push(h("div", { class: "actions" }, tour));
      parts.push(h("p", { class: "hint", id: "groups-walls-help", text: t(workshop.group_walls ? "group.wallsOn" : "group.wallsOff") }));
      parts.push(h("ul", { class: "group-tiles", "aria-label": t("group.overview") }, groups.map((g) => this.tile(workshop, g, online))));
    }
    return h("section", { class: "card groups", "aria-labelledby": "groups-title" }, parts);
  }

  /** One group at a glance, live. @param {Workshop} workshop @param {Group} group @param {Set<string>} online */
  tile(workshop, group, online) {
    const name = groupName(workshop, group);
    const here = group.members.filter((id) => online.has(id)).length;
    const done = group.members.filter((id) => (workshop.done ?? []).includes(id)).length;
    const lanes = workshop.lanes.map((lane) => [lane, Object.values(workshop.notes).filter((n) => n.persona === group.persona && n.lane === lane.id).length]);
    const last = this.activity.get(group.id);
    const ago = last ? Math.max(0, Math.round((Date.now() - last) / 60000)) : null;
    const rename = h("input", { type: "text", id: `group-name-${group.id}`, maxlength: "80", value: group.name, placeholder: name });
    rename.addEventListener("change", () => {
      const value = rename.value.trim();
      if (value && value !== group.name) this.handlers.send({ type: Command.GROUP_EDIT, group: group.id, name: value });
    });
    const persona = h("select", { id: `group-persona-${group.id}` });
    persona.append(h("option", { value: "", text: t("group.nopersona") }));
    for (const p of workshop.personas) {
      const option = h("option", { value: p.id, text: `${p.emoji || "👤"} ${p.name}` });
      option.selected = p.id === group.persona;
      persona.append(option);
    }
    persona.addEventListener("change", () => this.handlers.send({ type: Command.GROUP_EDIT, group: group.id, persona: persona.value }));
    const members = h("ul", { class: "group-members" });
    for (const id of group.members) {
      const who = workshop.participants[id]?.name ?? "?";
      const move = h("select", { id: `group-move-${group.id}-${id}`, "aria-label": t("group.move", { name: who }) });
      for (const other of workshop.groups ?? []) {
        const option = h("option", { value: other.id, text: groupName(workshop, other) });
        option.selected = other.id === group.id;
        move.append(option);
      }
      move.append(h("option", { value: "", text: t("group.none") }));
      move.addEventListener("change", () => this.handlers.send({ type: Command.GROUP_MOVE, participant: id, group: move.value || null }));
      members.append(h("li", { class: online.has(id) ? "online" : "away" }, [h("span", { class: "member-name", text: `${online.has(id) ? "●" : "○"} ${who}` }), move]));
    }
    const open = h("button", { type: "button", class: "btn", id: `group-open-${group.id}`, text: t("group.open") });
    open.disabled = !group.persona;
    open.addEventListener("click", () => this.handlers.open(group.persona));
    const on = workshop.presenting === group.id;
    const present = h("button", { type: "button", class: `btn toggle${on ? " on" : ""}`, id: `group-present-${group.id}`, "aria-pressed": String(on), text: on ? `📽 ${t("group.presenting")}` : t("group.present") });
    present.addEventListener("click", () => this.handlers.send({ type: Command.GROUP_PRESENT, group: on ? null : group.id }));
    return h("li", { class: `group-tile${group.help ? " needs-help" : ""}${on ? " presenting" : ""}`, "data-group": group.id }, [
      h("div", { class: "group-head" }, [
        h("h3", { text: name }),
        group.help ? h("span", { class: "badge help", text: `✋ ${t("group.helpNeeded")}` }) : h("span"),
      ]),
      h("p", { class: "group-facts" }, [
        h("span", { text: tn("group.online", here, { total: group.members.length }) }),
        " · ",
        h("span", { class: "group-done", text: tn("step.done.count", done, { total: group.members.length }) }),
        " · ",
        h("span", { text: ago === null ? t("group.quiet") : tn("group.active", ago) }),
      ]),
      h("ul", { class: "group-lanes" }, lanes.map(([lane, n]) => h("li", { class: `lane-chip lane-${/** @type {any} */ (lane).kind}`, text: `${/** @type {any} */ (lane).title || t(/** @type {any} */ (`lane.${/** @type {any} */ (lane).kind}`))} ${n}` }))),
      h("div", { class: "group-edit" }, [
        h("div", { class: "field" }, [h("label", { for: rename.id, text: t("group.name") }), rename]),
        h("div", { class: "field" }, [h("label", { for: persona.id, text: t("group.persona") }), persona]),
      ]),
      members,
      h("div", { class: "actions" }, [open, present]),
    ]);
  }

  /** @param {Workshop} workshop @param {string} me */
  participant(workshop, me) {
    const groups = workshop.groups ?? [];
    const mine = myGroup(workshop, me);
    /** @type {HTMLElement[]} */
    const parts = [h("h2", { class: "section-title", id: "groups-title", text: t("group.title") })];
    if (!groups.length) {
      parts.push(h("p", { text: t("group.nogroups") }));
    } else if (mine) {
      const names = mine.members.map((id) => workshop.participants[id]?.name ?? "?");
      parts.push(
        h("p", { class: "group-mine", id: "group-mine", text: t("group.yours", { group: groupName(workshop, mine), persona: personaName(workshop, mine.persona) }) }),
        h("p", { class: "hint", text: names.join(", ") }),
      );
      const help = h("button", { type: "button", class: `btn toggle${mine.help ? " on" : ""}`, id: "group-help", "aria-pressed": String(mine.help), text: mine.help ? t("group.helpAsked") : t("group.askHelp") });
      help.addEventListener("click", () => this.handlers.send({ type: Command.GROUP_HELP, help: !mine.help }));
      parts.push(h("div", { class: "actions" }, [help]));
    } else {
      parts.push(h("p", { text: t("group.notin") }));
    }
    if (workshop.group_pick && groups.length) {
      parts.push(
        h("ul", { class: "group-picks" }, groups.map((g) => {
          const join = h("button", { type: "button", class: "btn", id: `group-join-${g.id}`, text: t("group.join") });
          join.disabled = g === mine;
          join.addEventListener("click", () => this.handlers.send({ type: Command.GROUP_JOIN, group: g.id }));
          return h("li", {}, [h("span", { text: `${groupName(workshop, g)} · ${personaName(workshop, g.persona)} · ${tn("group.members", g.members.length)}` }), join]);
        })),
      );
    }
    return h("section", { class: "card groups", "aria-labelledby": "groups-title" }, parts);
  }
}
