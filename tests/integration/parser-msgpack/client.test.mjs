// socket.io-client with the official socket.io-msgpack-parser against `sio-testserver
// --parser msgpack`, in the three transport modes: every packet type through events
// (CONNECT with and without auth, EVENT both ways, ACK both ways, CONNECT_ERROR for a
// refused namespace, DISCONNECT both ways), binary at any depth, namespaces on one
// connection, and the bytes of what the server sends compared with the npm encoder's
// encoding of the packet object socket.io builds.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  MODES,
  shared,
  sameConnection,
  waitEvent,
  emitAck,
  opOk,
  connectError,
  disconnected,
  closeAll,
  sleep,
} from "../lib/sio.mjs";
import {
  startMsgpackServer,
  msgpackClient,
  msgpackConnect,
  msgpackParser,
  assertReceivedBytes,
  norm,
  NESTED,
  SCALARS,
} from "./helpers.mjs";

/** The packets the connection of `socket` received (npm-decoded) for which `match` holds. */
function receivedPackets(socket, match) {
  const found = [];
  for (const frame of socket.io.frames) {
    const decoder = new msgpackParser.Decoder();
    decoder.on("decoded", (packet) => {
      if (match(packet)) found.push(packet);
    });
    decoder.add(frame);
  }
  return found;
}

/** Asserts every binary leaf of `v` is a Buffer (what a Node.js client gets for msgpack bin). */
function assertBuffers(v, where = "args") {
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) assert.ok(Buffer.isBuffer(v), `${where} is a Buffer`);
  else if (Array.isArray(v)) v.forEach((x, i) => assertBuffers(x, `${where}[${i}]`));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) assertBuffers(x, `${where}.${k}`);
}

for (const mode of MODES) {
  describe(`msgpack parser: socket.io-client [${mode.name}]`, () => {
    const srv = shared({ before, after }, startMsgpackServer, ["--namespaces", "/a"]);

    test(
      "CONNECT without and with auth (binary inside): the reply and the auth event, byte for byte",
      srv.wrap(async ({ url, reference }) => {
        const plain = await msgpackConnect(url, "/", { mode });
        const withAuth = await msgpackConnect(url, "/", {
          mode,
          auth: { token: "abc", n: [1, 2.5], key: Buffer.from([0, 1, 255]) },
        });
        try {
          assert.deepEqual(await waitEvent(plain, "auth"), [{}]);
          const [auth] = await waitEvent(withAuth, "auth");
          assert.deepEqual(norm(auth), { token: "abc", n: [1, 2.5], key: { $bin: [0, 1, 255] } });
          assertBuffers(auth);
          for (const s of [plain, withAuth]) {
            assert.match(s.id, /^[A-Za-z0-9_-]{20}$/);
            // C++ differs: socket.io writes `pid: undefined` (d4 00 00) when there is no session
            // to recover; the C++ server leaves pid out. The client reads both as no pid.
            const data = reference ? { sid: s.id, pid: undefined } : { sid: s.id };
            assertReceivedBytes(s, { type: 0, data, nsp: "/" });
          }
          assertReceivedBytes(plain, { type: 2, data: ["auth", {}], nsp: "/" });
          assertReceivedBytes(withAuth, { type: 2, data: ["auth", auth], nsp: "/" });
        } finally {
          closeAll(plain, withAuth);
        }
      }),
    );

    test(
      "EVENT both ways: message -> message-back with binary at depth and every number, string and container class",
      srv.wrap(async ({ url }) => {
        const s = await msgpackConnect(url, "/", { mode });
        try {
          for (const args of [NESTED(), SCALARS(), [], [Buffer.alloc(70000, 0xab)]]) {
            s.emit("message", ...args);
            const back = await waitEvent(s, "message-back");
            assert.deepEqual(norm(back), norm(args));
            assertBuffers(back);
            assertReceivedBytes(s, { type: 2, data: ["message-back", ...args], nsp: "/" });
          }
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "typed arrays and ArrayBuffers (notepack's ext 0, what browsers send) come back with their bytes",
      srv.wrap(async ({ url }) => {
        const s = await msgpackConnect(url, "/", { mode });
        try {
          s.emit("message", new Uint8Array([1, 2, 3]), { ab: new Uint8Array([9, 8]).buffer, empty: new ArrayBuffer(0) });
          // socket.io answers ArrayBuffers, the C++ server Buffers (msgpack bin): same bytes
          assert.deepEqual(norm(await waitEvent(s, "message-back")), [
            { $bin: [1, 2, 3] },
            { ab: { $bin: [9, 8] }, empty: { $bin: [] } },
          ]);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "ACK client -> server: message-with-ack answers the same args, byte for byte",
      srv.wrap(async ({ url }) => {
        const s = await msgpackConnect(url, "/", { mode });
        try {
          // a fresh socket numbers its acks from 0
          const cases = [NESTED(), SCALARS(), []];
          for (const [id, args] of cases.entries()) {
            const answer = await emitAck(s, "message-with-ack", args);
            assert.deepEqual(norm(answer), norm(args));
            assertBuffers(answer);
            assertReceivedBytes(s, { id, type: 3, data: args, nsp: "/" });
          }
          // several in flight at once, each answered to its own callback
          const all = await Promise.all([1, 2, 3, 4].map((i) => emitAck(s, "message-with-ack", [i, Buffer.from([i])])));
          assert.deepEqual(norm(all), norm([1, 2, 3, 4].map((i) => [i, Buffer.from([i])])));
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "ACK server -> client: to one socket and as a broadcast; the client's binary answer arrives",
      srv.wrap(async ({ url, reference }) => {
        const s = await msgpackConnect(url, "/", { mode });
        try {
          s.on("ask", (...args) => args.pop()({ got: args[0], bin: Buffer.from([7, 8]) }));
          const one = await opOk(s, { op: "socketEmitWithAck", target: s.id, event: "ask", args: [Buffer.from([1])], timeout: 3000 });
          assert.deepEqual(norm(one), { got: { $bin: [1] }, bin: { $bin: [7, 8] } });
          const [asked] = receivedPackets(s, (p) => p.data?.[0] === "ask");
          assert.equal(typeof asked?.id, "number", "the server's EVENT carries an ack id");
          assertReceivedBytes(s, { type: 2, data: ["ask", Buffer.from([1])], id: asked.id, nsp: "/" });

          await opOk(s, { op: "join", rooms: ["askers"] });
          const all = await opOk(s, { op: "emitWithAck", rooms: ["askers"], event: "ask", args: ["b", { x: [Buffer.from([2])] }], timeout: 3000 });
          assert.deepEqual(norm(all), [{ got: "b", bin: { $bin: [7, 8] } }]);
          const broadcast = receivedPackets(s, (p) => p.data?.[0] === "ask" && p.data[1] === "b");
          assert.equal(broadcast.length, 1);
          const data = ["ask", "b", { x: [Buffer.from([2])] }];
          const id = broadcast[0].id;
          // C++ differs: socket.io's adapter sets `nsp` before `id` on a broadcast with an ack
          // ({type, data, nsp, id}); the C++ encoder keeps one order per type ({type, data, id, nsp}).
          assertReceivedBytes(s, reference ? { type: 2, data, nsp: "/", id } : { type: 2, data, id, nsp: "/" });
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "a broadcast EVENT with binary at depth reaches every socket of the room, byte for byte",
      srv.wrap(async ({ url }) => {
        const a = await msgpackConnect(url, "/", { mode });
        const b = await msgpackConnect(url, "/", { mode });
        const outsider = await msgpackConnect(url, "/", { mode });
        try {
          await opOk(a, { op: "join", rooms: ["news"] });
          await opOk(b, { op: "join", rooms: ["news"] });
          await opOk(outsider, { op: "emit", rooms: ["news"], event: "headline", args: NESTED() });
          for (const s of [a, b]) {
            assert.deepEqual(norm(await waitEvent(s, "headline")), norm(NESTED()));
            assertReceivedBytes(s, { type: 2, data: ["headline", ...NESTED()], nsp: "/" });
          }
          await opOk(outsider, { op: "emit", event: "all", args: [1] });
          assert.deepEqual(await waitEvent(outsider, "all"), [1]);
          assert.ok(!outsider.received.some((e) => e.event === "headline"), "the outsider got the room's broadcast");
        } finally {
          closeAll(a, b, outsider);
        }
      }),
    );

    test(
      "namespaces on one connection: /custom and /a each get their own packets",
      srv.wrap(async ({ url }) => {
        const main = await msgpackConnect(url, "/", { mode });
        const custom = sameConnection(main, "/custom");
        const a = sameConnection(main, "/a");
        try {
          await Promise.all([waitEvent(custom, "auth"), waitEvent(a, "auth")]);
          custom.emit("message", "in custom", Buffer.from([3]));
          assert.deepEqual(norm(await waitEvent(custom, "message-back")), ["in custom", { $bin: [3] }]);
          assertReceivedBytes(main, { type: 2, data: ["message-back", "in custom", Buffer.from([3])], nsp: "/custom" });
          assert.deepEqual(await emitAck(a, "message-with-ack", ["in a"]), ["in a"]);
          await opOk(a, { op: "emit", event: "to-a", args: [{ n: 1 }] });
          assert.deepEqual(await waitEvent(a, "to-a"), [{ n: 1 }]);
          await sleep(50);
          for (const e of main.received) assert.ok(!["message-back", "to-a"].includes(e.event), `"/" got ${e.event}`);
          assert.ok(!custom.received.some((e) => e.event === "to-a"), "/custom got the /a broadcast");
          assert.equal(main.io.engine.id, custom.io.engine.id);
        } finally {
          closeAll(custom, a, main);
        }
      }),
    );

    test(
      "CONNECT_ERROR for a namespace the server does not have; the connection's other sockets go on",
      srv.wrap(async ({ url, reference }) => {
        const main = await msgpackConnect(url, "/", { mode });
        const refused = sameConnection(main, "/nope");
        try {
          const err = await connectError(refused);
          assert.equal(err.message, "Invalid namespace");
          const data = { message: "Invalid namespace" };
          // C++ differs: socket.io builds this one packet as {type, nsp, data}; the C++ encoder
          // writes every CONNECT_ERROR as {type, data, nsp} (as socket.io does for a refusal by
          // a middleware).
          assertReceivedBytes(main, reference ? { type: 4, nsp: "/nope", data } : { type: 4, data, nsp: "/nope" });
          main.emit("message", "still here");
          assert.deepEqual(await waitEvent(main, "message-back"), ["still here"]);
        } finally {
          closeAll(refused, main);
        }
      }),
    );

    test(
      "DISCONNECT both ways: a server-side disconnect reaches the client; a client's leaves the server",
      srv.wrap(async ({ url }) => {
        const ctl = await msgpackConnect(url, "/", { mode });
        const victim = await msgpackConnect(url, "/", { mode });
        const leaver = await msgpackConnect(url, "/", { mode });
        try {
          const victimId = victim.id;
          await opOk(ctl, { op: "disconnectSockets", rooms: [victimId] });
          assert.equal(await disconnected(victim), "io server disconnect");
          assertReceivedBytes(victim, { type: 1, nsp: "/" });

          const leaverId = leaver.id;
          const ids = async () => (await opOk(ctl, { op: "fetchSockets" })).map((x) => x.id);
          assert.ok((await ids()).includes(leaverId));
          leaver.disconnect();
          const deadline = Date.now() + 3000;
          while ((await ids()).includes(leaverId)) {
            assert.ok(Date.now() < deadline, "the server still lists the socket that disconnected");
            await sleep(25);
          }
          const left = await ids();
          assert.ok(left.includes(ctl.id) && !left.includes(victimId), JSON.stringify(left));
        } finally {
          closeAll(ctl, victim, leaver);
        }
      }),
    );
  });
}
