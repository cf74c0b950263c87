// @ts-check
// The socket: hello, resume from the last seq, reconnect with backoff, and an outbox so that a
// change made while offline is sent when the link is back (same op_id: never applied twice).
import { Close, Command, Message, PROTOCOL_VERSION } from "./protocol.js";
import { t } from "./i18n.js";

const RETRY_CODES = new Set(["unavailable", "rate"]);
/**
 * Changes on the wire at once, unanswered; the others wait in the outbox, in the order made.
 * So a long outbox (back from offline, or held by a busy server) leaves at the pace the server
 * answers, never as one burst past the socket's rate limit. After a refusal the window starts
 * again at one change and grows by one per answer, as TCP does after a loss.
 */
const WINDOW = 16;
/** A ping when the link has been quiet this long; declared dead when nothing came for DEAD_MS. */
const PING_MS = 4000;
const DEAD_MS = 9000;

// The server remembers an op id for 7 days (server/store.py OP_TTL): a resend within that
// window is answered, never applied twice. Older outbox entries are dropped and reported,
// one hour early in case this device's clock was set back since.
export const OUTBOX_DAYS = 7;
export const OUTBOX_WINDOW_MS = (OUTBOX_DAYS * 24 - 1) * 3600 * 1000;

/** When an op id was made (its first part is Date.now() in base 36). @param {string} op_id */
export const madeAt = (op_id) => parseInt(op_id.split("-")[0], 36);

/**
 * @typedef {{type: string, op_id: string, [key: string]: any}} OutgoingCommand
 * @typedef {{
 *   workshop: string, token: string,
 *   resume: () => {last_seq: number | null, epoch: string | null},
 *   onMessage: (message: any) => void,
 *   onStatus: (status: string, pending: number, held: boolean) => void,
 *   onRefused: (command: OutgoingCommand, error: any) => void,
 *   onFatal: (code: number, reason: string) => void,
 * }} Options
 */

export class Connection {
  /** @param {Options} options */
  constructor(options) {
    this.options = options;
    /** @type {WebSocket | null} */
    this.socket = null;
    this.status = "connecting";
    this.attempt = 0;
    this.ready = false;
    this.stopped = false;
    this.storageKey = `parcours:outbox:${options.workshop}`;
    /** @type {Map<string, OutgoingCommand>} */
    this.outbox = new Map(JSON.parse(localStorage.getItem(this.storageKey) || "[]"));
    this.lastMessageAt = Date.now();
    this.retryTimer = 0;
    /** While the server asked us to wait (a `rate` refusal): changes queue, none is sent. */
    this.holdTimer = 0;
    /** Op ids in the outbox that this socket has still to send (again), in outbox order. */
    this.unsent = new Set();
    /** Op ids sent on this socket and not answered yet (at most `window`). */
    this.inflight = new Set();
    this.window = WINDOW;
    this.watchSleep();
    this.heartbeat();
    addEventListener("online", () => this.kick());
    addEventListener("offline", () => this.lost());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.status !== "online") this.kick();
    });
  }

  start() {
    this.stopped = false;
    this.open();
  }

  open() {
    clearTimeout(this.retryTimer);
    if (navigator.onLine === false) {
      // No network at all: say so and wait for the "online" event (or the next retry).
      this.setStatus("offline");
      this.retryTimer = window.setTimeout(() => this.open(), 2000);
      return;
    }
    this.ready = false;
    this.setStatus(this.attempt === 0 ? "connecting" : "offline");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}/ws`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.lastMessageAt = Date.now();
      const { last_seq, epoch } = this.options.resume();
      /** @type {Record<string, any>} */
      const hello = {
        type: Command.HELLO,
        protocol: PROTOCOL_VERSION,
        workshop: this.options.workshop,
        token: this.options.token,
      };
      if (last_seq !== null && epoch) Object.assign(hello, { last_seq, epoch });
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket) return;
      this.lastMessageAt = Date.now();
      const message = JSON.parse(event.data);
      if (message.type === Message.WELCOME) {
        this.attempt = 0;
        this.ready = true;
        this.options.onMessage(message);
        this.setStatus("online");
        this.flush();
        return;
      }
      if (message.type === Message.PONG) return;
      if (message.type === Message.ACK) this.settle(message.op_id);
      if (message.type === Message.ERROR && message.op_id) this.refused(message);
      this.options.onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.ready = false;
      if (
        event.code === Close.NOT_FOUND ||
        event.code === Close.FORBIDDEN ||
        event.code === Close.PROTOCOL ||
        event.code === Close.DELETED
      ) {
        this.stopped = true;
        this.setStatus("closed");
        this.options.onFatal(event.code, event.reason);
        return;
      }
      if (event.code === Close.RESYNC) this.options.onMessage({ type: "resync" });
      this.retry();
    });
  }

  retry() {
    if (this.stopped) return;
    this.setStatus("offline");
    const delay = Math.min(5000, 250 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt += 1;
    this.retryTimer = window.setTimeout(() => this.open(), this.attempt === 1 ? 100 : delay);
  }

  /** Reconnect now (network back, page visible again, laptop awake). */
  kick() {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.socket) {
      const old = this.socket;
      this.socket = null;
      old.close();
    }
    this.open();
  }

  /** The link is gone (the browser says so, or the heartbeat went unanswered). */
  lost() {
    if (this.stopped) return;
    const old = this.socket;
    this.socket = null;
    this.ready = false;
    old?.close();
    this.retry();
  }

  /**
   * Our own heartbeat: the browser's online flag does not see a dead Wi-Fi or a server gone
   * quiet. A ping when nothing came for a while; no answer at all for DEAD_MS: offline.
   */
  heartbeat() {
    setInterval(() => {
      if (!this.ready || !this.socket) return;
      const quiet = Date.now() - this.lastMessageAt;
      if (quiet > DEAD_MS) this.lost();
      else if (quiet > PING_MS) this.socket.send(JSON.stringify({ type: Command.PING }));
    }, 1000);
  }

  /** A laptop that slept keeps a dead socket that looks open: notice the clock jump. */
  watchSleep() {
    let last = Date.now();
    setInterval(() => {
      const now = Date.now();
      if (now - last > 15000) this.kick();
      last = now;
    }, 5000);
  }

  /**
   * Queue a command and send it if the link is up. Returns its op_id.
   * @param {Record<string, any>} command
   */
  send(command) {
    const op_id = `${Date.now().toString(36)}-${crypto.getRandomValues(new Uint32Array(2)).join("")}`;
    const full = /** @type {OutgoingCommand} */ ({ ...command, op_id });
    this.outbox.set(op_id, full);
    this.persist();
    this.unsent.add(op_id);
    this.pump();
    this.setStatus(this.status);
    return op_id;
  }

  /** Send what waits, in the order made: while the link is up, not held, and the window open. */
  pump() {
    if (!this.ready || !this.socket || this.holdTimer) return;
    for (const [op_id, command] of this.outbox) {
      if (this.inflight.size >= this.window) return;
      if (this.unsent.delete(op_id)) {
        this.inflight.add(op_id);
        this.socket.send(JSON.stringify(command));
      }
    }
  }

  /** A new socket (welcome): the whole outbox goes again, in the order it was made. */
  flush() {
    if (!this.ready || !this.socket) return;
    clearTimeout(this.holdTimer);
    this.holdTimer = 0;
    this.inflight.clear();
    this.window = WINDOW;
    this.unsent.clear();
    this.dropExpired();
    this.unsent = new Set(this.outbox.keys());
    this.pump();
  }

  /**
   * The server is busy: send nothing for `ms` (and a random half more, so that a room's phones
   * do not all come back at once), then every refused or new change, in the order made. The
   * server refuses this socket's commands during the same hold, so none lands out of order.
   * @param {number} ms
   */
  hold(ms) {
    if (this.holdTimer) return;
    this.holdTimer = window.setTimeout(() => this.release(), ms * (1 + Math.random() / 2));
    this.setStatus(this.status);
  }

  release() {
    this.holdTimer = 0;
    this.setStatus(this.status);
    this.pump(); // with the link down, the next welcome flushes the whole outbox
  }

  /** Outbox entries older than the server's idempotency window: report them, never send. */
  dropExpired() {
    const now = Date.now();
    for (const [op_id, command] of [...this.outbox]) {
      const age = now - madeAt(op_id);
      if (age > OUTBOX_WINDOW_MS) {
        this.settle(op_id);
        const message = t("error.expired", { days: OUTBOX_DAYS });
        this.options.onRefused(command, { code: "expired", message, op_id });
      }
    }
  }

  /** @param {string} op_id */
  settle(op_id) {
    this.unsent.delete(op_id);
    if (this.inflight.delete(op_id)) this.window = Math.min(WINDOW, this.window + 1);
    if (this.outbox.delete(op_id)) {
      this.persist();
      this.setStatus(this.status);
    }
    this.pump();
  }

  /** @param {{op_id: string, code: string, message: string, retry_ms?: number | null}} error */
  refused(error) {
    const command = this.outbox.get(error.op_id);
    if (!command) return;
    if (RETRY_CODES.has(error.code)) {
      // Not saved, not refused: held with the others, sent again when the hold ends.
      this.inflight.delete(error.op_id);
      this.window = 1;
      this.unsent.add(error.op_id);
      this.hold(error.retry_ms ?? 1000);
      return;
    }
    this.settle(error.op_id);
    this.options.onRefused(command, error);
  }

  persist() {
    localStorage.setItem(this.storageKey, JSON.stringify([...this.outbox]));
  }

  /** @param {string} status */
  setStatus(status) {
    this.status = status;
    document.documentElement.dataset.connection = status;
    this.options.onStatus(status, this.outbox.size, this.holdTimer !== 0);
  }
}
