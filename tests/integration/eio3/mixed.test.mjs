// socket.io-client 2.x (Engine.IO v3) and socket.io-client 4.x (Engine.IO v4) on one
// server with --allow-eio3: the same broadcast (binary at depth included) reaches both,
// each in its own framing, and a broadcast with acks collects both answers.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, explain } from "../lib/testserver.mjs";
import { connect as connect4, waitEvent, opOk as opOk4, closeAll as closeAll4 } from "../lib/sio.mjs";
import { MODES, connect2, next, opOk, closeAll, norm } from "./helpers.mjs";

const b = (...bytes) => Buffer.from(bytes);
const ARGS = () => ["to both", { bin: b(1, 2, 3), deeper: [[b()], { x: b(255) }] }, 3.5, null];

describe("a v3 and a v4 client on one server", () => {
  let srv = null;
  before(async () => {
    srv = await startServer(["--allow-eio3"], { engineEcho: false });
  });
  after(async () => {
    if (srv) await srv.stop();
  });
  const wrap = (fn) => async () => {
    try {
      return await fn(srv);
    } catch (err) {
      throw explain(srv, err);
    }
  };

  for (const mode of MODES) {
    test(
      `[${mode.name}] both receive the same broadcast and answer the same emitWithAck`,
      wrap(async ({ url }) => {
        const old = await connect2(url, "/", { mode });
        const cur = await connect4(url, "/", { mode });
        try {
          await opOk(old, { op: "join", rooms: ["mixed"] });
          await opOk4(cur, { op: "join", rooms: ["mixed"] });
          // sent from the v4 side, then from the v3 side
          await opOk4(cur, { op: "emit", rooms: ["mixed"], event: "news", args: ARGS() });
          assert.deepEqual(norm(await next(old, "news")), norm(ARGS()));
          assert.deepEqual(norm(await waitEvent(cur, "news")), norm(ARGS()));
          await opOk(old, { op: "emit", rooms: ["mixed"], event: "news", args: ["from v3", b(7)] });
          assert.deepEqual(norm(await next(old, "news")), norm(["from v3", b(7)]));
          assert.deepEqual(norm(await waitEvent(cur, "news")), norm(["from v3", b(7)]));

          old.on("ask", (q, ack) => ack(`v3:${q}`));
          cur.on("ask", (q, ack) => ack(`v4:${q}`));
          const answers = await opOk(old, { op: "emitWithAck", rooms: ["mixed"], event: "ask", args: ["?"] });
          assert.deepEqual(answers.slice().sort(), ["v3:?", "v4:?"]);

          const sockets = await opOk(old, { op: "fetchSockets", rooms: ["mixed"] });
          assert.deepEqual(sockets.map((s) => s.id).sort(), [old.id, cur.id].sort());
          assert.equal(old.id, old.io.engine.id, "the v3 socket keeps socket.io's v3 id");
        } finally {
          closeAll(old);
          closeAll4(cur);
        }
      }),
    );
  }
});
