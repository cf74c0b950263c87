// The peer in the bench: what a team would otherwise build a live board on, a Socket.IO relay.
//
//   node bench/peer_sio.mjs --port P [--redis-url redis://...|unix:///path]
//
// Same semantics as bench/relay_core.py: a socket's first "cmd" is its hello (the room it joins),
// acknowledged with a welcome; every other "cmd" is relayed to the whole room as an "event"
// carrying an entry of Parcours's shape and acknowledged to the sender with {type: "ack"}
// through Socket.IO's ack callback. Websocket transport only, compression off. With --redis-url
// the rooms span processes through @socket.io/redis-adapter (Redis pub/sub), as a team would do
// it: each process numbers the entries it relays per room, so seqs are per process.
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Server } from "socket.io";

const { values } = parseArgs({
  options: { port: { type: "string" }, "redis-url": { type: "string" } },
});
const port = Number(values.port);
const redisUrl = values["redis-url"];

const LANES = ["enchantments", "irritants", "expectations", "solutions"].map((kind, i) => ({
  id: `l${i + 2}`,
  kind,
}));
const STAGES = [6, 7, 8, 9, 10].map((i) => ({ id: `s${i}`, title: `Stage ${i}` }));
const PERSONAS = [{ id: "a11", name: "Persona 1", emoji: "" }];

/** @type {Map<string, {seq: number}>} */
const rooms = new Map();
let ids = 1000;

function welcome(room, workshop, you) {
  return {
    type: "welcome",
    protocol: 1,
    seq: room.seq,
    epoch: "relay",
    you: { id: you, name: "Relay", role: "participant" },
    snapshot: {
      id: workshop,
      title: "Relay",
      stages: STAGES,
      lanes: LANES,
      personas: PERSONAS,
      notes: {},
      participants: {},
    },
  };
}

function entry(seq, actor, cmd) {
  const events =
    cmd.type === "note.delete"
      ? [{ type: "note.deleted", note: cmd.note ?? "" }]
      : [
          {
            type: "note.saved",
            note: {
              id: cmd.note || `n${seq + 1000}`,
              persona: cmd.persona ?? "a11",
              stage: cmd.stage ?? "s6",
              lane: cmd.lane ?? "l2",
              text: cmd.text || "a relayed note of ordinary length",
              channel: cmd.channel || "web",
              pos: 1.0,
              author: actor,
              version: 1,
            },
          },
        ];
  return { seq, op_id: cmd.op_id ?? "", actor, events };
}

const http = createServer((_req, res) => {
  res.writeHead(404);
  res.end();
});
const io = new Server(http, {
  transports: ["websocket"],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
  pingInterval: 20000,
  pingTimeout: 20000,
});

if (redisUrl) {
  const { createClient } = await import("redis");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  const options = redisUrl.startsWith("unix://")
    ? { socket: { path: redisUrl.slice("unix://".length) } }
    : { url: redisUrl };
  const pub = createClient(options);
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
}

io.on("connection", (socket) => {
  let workshop = "";
  let you = "";
  let room = null;
  socket.on("cmd", (cmd, ack) => {
    if (room === null) {
      if (!cmd || cmd.type !== "hello" || typeof ack !== "function") {
        socket.disconnect(true);
        return;
      }
      workshop = String(cmd.workshop);
      room = rooms.get(workshop);
      if (room === undefined) {
        room = { seq: 0 };
        rooms.set(workshop, room);
      }
      you = `p${ids++}`;
      socket.join(workshop);
      ack(welcome(room, workshop, you));
      return;
    }
    room.seq += 1;
    io.to(workshop).emit("event", { type: "event", entry: entry(room.seq, you, cmd) });
    if (typeof ack === "function") ack({ type: "ack", op_id: cmd.op_id ?? "", seq: room.seq });
  });
});

http.listen({ port, host: "127.0.0.1", backlog: 2048 });
process.on("SIGTERM", () => {
  io.close();
  process.exit(0);
});
