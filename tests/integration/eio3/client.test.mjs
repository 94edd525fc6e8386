// socket.io-client 2.x (Engine.IO v3, the official npm package) against the test server
// started with --allow-eio3, in three transport modes: the implicit connection to `/`,
// events with binary at depth, acks both ways, a namespace with a query, a refused
// namespace, broadcasts through `op`, a server-side disconnect then a reconnect, and a
// reconnect after the transport closed under the client (the server restarted).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, explain } from "../lib/testserver.mjs";
import {
  MODES,
  client2,
  connect2,
  sameConnection2,
  connected,
  disconnected,
  next,
  emitAck,
  opOk,
  upgraded,
  closeAll,
  norm,
  withTimeout,
  v3Request,
} from "./helpers.mjs";

const b = (...bytes) => Buffer.from(bytes);

// binary at several depths, next to other values, including an empty buffer
const NESTED = () => [
  b(1, 2, 3),
  "text é😀",
  { a: b(4), list: [0, b(5, 6), { deep: { deeper: [b(), b(255, 0, 127)] } }], n: null },
  [[[b(7)]]],
  42,
];

/** Starts the server for a describe() block; wrap(fn) appends its output to failures. */
function shared(hooks, args) {
  let srv = null;
  hooks.before(async () => {
    srv = await startServer(args, { engineEcho: false });
  });
  hooks.after(async () => {
    if (srv) await srv.stop();
  });
  return {
    wrap: (fn) => async () => {
      try {
        return await fn(srv);
      } catch (err) {
        throw explain(srv, err);
      }
    },
  };
}

for (const mode of MODES) {
  describe(`socket.io-client 2.x [${mode.name}]`, () => {
    const server = shared({ before, after }, ["--allow-eio3"]);

    test(
      "connects to / without sending CONNECT: auth {}, its id is the Engine.IO id",
      server.wrap(async ({ url }) => {
        const s = await connect2(url, "/", { mode });
        try {
          assert.deepEqual(await next(s, "auth"), [{}]);
          if (!mode.transports) await upgraded(s);
          assert.equal(s.id, s.io.engine.id, "socket.io names a v3 socket on / after its Engine.IO id");
          const me = await opOk(s, { op: "whoami" });
          assert.equal(me.id, s.id);
          assert.deepEqual(me.rooms, [s.id]);
          assert.equal(me.recovered, false);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "message -> message-back, with binary at depth both ways",
      server.wrap(async ({ url }) => {
        const s = await connect2(url, "/", { mode });
        try {
          if (!mode.transports) await upgraded(s);
          s.emit("message", ...NESTED());
          assert.deepEqual(norm(await next(s, "message-back")), norm(NESTED()));
          s.emit("message", 1, "2", { 3: [true] });
          assert.deepEqual(await next(s, "message-back"), [1, "2", { 3: [true] }]);
          // a larger binary (past the compression threshold of polling responses)
          const big = Buffer.alloc(5000, 0xab);
          s.emit("message", { big });
          assert.deepEqual(norm(await next(s, "message-back")), norm([{ big }]));
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "acks both ways, binary included",
      server.wrap(async ({ url }) => {
        const s = await connect2(url, "/", { mode });
        try {
          // client -> server
          assert.deepEqual(await emitAck(s, "message-with-ack", [1, "2", { 3: [false] }]), [1, "2", { 3: [false] }]);
          assert.deepEqual(norm(await emitAck(s, "message-with-ack", NESTED())), norm(NESTED()));
          // server -> client: an emit with ack to this socket, answered by the 2.x client
          s.on("ask", (...args) => {
            const ack = args.pop();
            ack({ got: args }, b(9, 9));
          });
          const first = await opOk(s, { op: "socketEmitWithAck", target: s.id, event: "ask", args: ["q", 7] });
          assert.deepEqual(first, { got: ["q", 7] });
          const all = await opOk(s, { op: "emitWithAck", rooms: [s.id], event: "ask", args: ["r"] });
          assert.deepEqual(all, [{ got: ["r"] }]);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "a namespace with a query (its auth), on the same connection as /; a refused namespace",
      server.wrap(async ({ url }) => {
        const s = await connect2(url, "/", { mode });
        try {
          const c = sameConnection2(s, "/custom", { query: "token=abc&x=1%202" });
          await connected(c);
          assert.deepEqual(await next(c, "auth"), [{ token: "abc", x: "1 2" }]);
          assert.equal(c.io.engine.id, s.io.engine.id, "one Engine.IO connection");
          assert.equal(c.id, `/custom#${s.io.engine.id}`);
          const me = await opOk(c, { op: "whoami" });
          assert.equal(me.id, c.id);
          // events on /custom reach /custom only
          c.emit("message", "to custom");
          assert.deepEqual(await next(c, "message-back"), ["to custom"]);
          assert.equal(s.received.filter((e) => e.event === "message-back").length, 0);
          // a namespace the server does not serve
          const r = sameConnection2(s, "/random");
          assert.deepEqual(await next(r, "error"), [{ message: "Invalid namespace" }]);
          assert.equal(r.connected, false);
          // the refusal leaves the others connected
          assert.deepEqual(await emitAck(c, "message-with-ack", ["still"]), ["still"]);
          assert.deepEqual(await emitAck(s, "message-with-ack", ["here"]), ["here"]);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "broadcasts through op: rooms, except, and binary",
      server.wrap(async ({ url }) => {
        const a = await connect2(url, "/", { mode });
        const c = await connect2(url, "/", { mode });
        const other = await connect2(url, "/", { mode });
        try {
          await opOk(a, { op: "join", rooms: ["room"] });
          await opOk(c, { op: "join", rooms: ["room"] });
          await opOk(other, { op: "emit", rooms: ["room"], event: "news", args: ["hello", { bin: b(1, 2) }] });
          for (const s of [a, c]) assert.deepEqual(norm(await next(s, "news")), norm(["hello", { bin: b(1, 2) }]));
          await opOk(other, { op: "emit", rooms: ["room"], except: [c.id], event: "news", args: ["only a"] });
          assert.deepEqual(await next(a, "news"), ["only a"]);
          // every socket of the namespace, `other` included
          await opOk(other, { op: "emit", event: "news", args: ["all"] });
          for (const s of [a, c, other]) assert.deepEqual(await next(s, "news"), ["all"]);
          assert.equal(c.received.filter((e) => e.event === "news").length, 2, "c was left out of `only a`");
          const sockets = await opOk(a, { op: "fetchSockets", rooms: ["room"] });
          assert.deepEqual(
            sockets.map((x) => x.id),
            [a.id, c.id].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
          );
        } finally {
          closeAll(a, c, other);
        }
      }),
    );

    test(
      "disconnected by the server (disconnectSockets): `io server disconnect`, then connect() again",
      server.wrap(async ({ url }) => {
        const s = await connect2(url, "/", { mode });
        const ctl = await connect2(url, "/", { mode });
        try {
          assert.deepEqual(await next(s, "auth"), [{}]);
          const firstId = s.id;
          const gone = disconnected(s);
          await opOk(ctl, { op: "disconnectSockets", rooms: [firstId] });
          assert.equal(await gone, "io server disconnect");
          s.connect();
          await connected(s);
          assert.deepEqual(await next(s, "auth"), [{}]);
          assert.notEqual(s.id, firstId, "a new Engine.IO connection, so a new id");
          assert.deepEqual(await emitAck(s, "message-with-ack", ["back"]), ["back"]);
          // the other socket was not touched
          assert.deepEqual(await emitAck(ctl, "message-with-ack", ["ctl"]), ["ctl"]);
        } finally {
          closeAll(s, ctl);
        }
      }),
    );
  });
}

describe("socket.io-client 2.x: reconnection after the transport closed (the server restarted)", () => {
  for (const mode of MODES) {
    test(`[${mode.name}] the client reconnects on its own to the new server`, async () => {
      let srv = await startServer(["--allow-eio3"], { engineEcho: false });
      const port = srv.port;
      const s = client2(srv.url, "/", { mode, reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200 });
      try {
        await connected(s);
        if (!mode.transports) await upgraded(s);
        assert.deepEqual(await next(s, "auth"), [{}]);
        const firstId = s.id;
        const gone = disconnected(s);
        await srv.stop();
        // polling: the pending poll fails ("transport error"); WebSocket: "transport close"
        assert.match(await gone, /^transport (close|error)$/);
        srv = await startServer(["--allow-eio3", "--port", String(port)], { engineEcho: false });
        assert.equal(srv.port, port);
        await next(s, "reconnect", 10000);
        if (!s.connected) await connected(s);
        assert.deepEqual(await next(s, "auth"), [{}]);
        assert.notEqual(s.id, firstId);
        assert.deepEqual(await emitAck(s, "message-with-ack", ["again"]), ["again"]);
      } catch (err) {
        throw explain(srv, err);
      } finally {
        closeAll(s);
        await srv.stop();
      }
    });
  }
});

describe("socket.io-client 2.x: heartbeat", () => {
  const server = shared({ before, after }, ["--allow-eio3", "--ping-interval", "100", "--ping-timeout", "200"]);

  for (const mode of MODES) {
    test(
      `[${mode.name}] the client's pings keep the session up across several intervals`,
      server.wrap(async ({ url }) => {
        const s = await connect2(url, "/", { mode });
        try {
          const engineId = s.io.engine.id;
          let pongs = 0;
          const enough = new Promise((resolve) =>
            s.io.on("pong", () => {
              if (++pongs === 6) resolve();
            }),
          );
          // six round trips: at least 500 ms, past the 300 ms a silent session would last
          await withTimeout(enough, 8000, "six pongs from the server");
          assert.equal(s.connected, true);
          assert.deepEqual(s.disconnectReasons, []);
          assert.equal(s.io.engine.id, engineId, "the same Engine.IO session all along");
          assert.deepEqual(await emitAck(s, "message-with-ack", ["alive"]), ["alive"]);
        } finally {
          closeAll(s);
        }
      }),
    );
  }
});

describe("without --allow-eio3", () => {
  const server = shared({ before, after }, []);

  for (const mode of MODES) {
    test(
      `[${mode.name}] a socket.io-client 2.x is refused`,
      server.wrap(async ({ url }) => {
        const s = client2(url, "/", { mode });
        try {
          const err = await withTimeout(
            new Promise((resolve, reject) => {
              s.once("connect_error", resolve);
              s.once("connect", () => reject(new Error("a v3 client connected without --allow-eio3")));
            }),
            5000,
            "connect_error",
          );
          assert.ok(err instanceof Error);
          if (mode.transports?.[0] === "polling" || !mode.transports) {
            // the HTTP answer the client got, as engine.io gives it
            const res = await v3Request(Number(new URL(url).port), "GET");
            assert.equal(res.status, 400);
            assert.equal(res.text, JSON.stringify({ code: 5, message: "Unsupported protocol version" }));
          }
        } finally {
          closeAll(s);
        }
      }),
    );
  }
});
