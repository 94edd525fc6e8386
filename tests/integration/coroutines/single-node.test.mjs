// Every asynchronous call made the coroutine way on one sio-features-server (in-memory
// adapter): the C++ fixture co_awaits Asio completion tokens, the twin awaits socket.io's
// promises. Broadcast and socket acks (a timeout with the responses that came),
// fetchSockets, allSockets, serverSideEmitWithAck (no other server: no response), and the
// classic adapter's requests reached from the adapter handle. Each test has its own dynamic
// namespace (`/dynamic-N`), except the one of the `io.*` calls on `/`, on its own server.

import { describe, test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { shared, startFeaturesServer, disconnected, featuresIsReference } from "../lib/sio.mjs";
import { awaited, awaitedOk, awaitedError, clients, sorted } from "./helpers.mjs";

const reference = featuresIsReference();

// serverSideEmitWithAck with the in-memory adapter: C++ answers [] at once (there is no other
// server); reference differs: socket.io's in-memory adapter only warns "this adapter does not
// support the serverSideEmit() functionality" and the promise never settles.
async function serverSideEmitAlone(socket, args = []) {
  const request = { op: "serverSideEmitWithAck", event: "ping", args };
  if (reference) await assert.rejects(awaited(socket, request, 500), /timed out/);
  else assert.deepEqual(await awaitedOk(socket, request), []);
}

describe("awaited calls on one node", () => {
  const features = shared({ before, after }, startFeaturesServer);
  const c = clients();
  afterEach(() => c.closeAll());

  test(
    "emitWithAck: every selected client's response; at the timeout the error with those that came",
    features.wrap(async ({ url }) => {
      const nsp = "/dynamic-1";
      const a = await c.open(url, nsp, { name: "a" });
      const b = await c.open(url, nsp, { name: "b" });
      await c.open(url, nsp, { name: "silent", answer: false });
      for (const s of [a, b]) await awaitedOk(s, { op: "join", rooms: ["answering"] });

      const responses = await awaitedOk(a, { op: "emitWithAck", rooms: ["answering"], event: "question", args: [7], timeout: 5000 });
      assert.deepEqual(sorted(responses), ["answer:a:7", "answer:b:7"]);

      // the whole namespace, the silent client included
      const failed = await awaitedError(a, { op: "emitWithAck", event: "question", args: [8], timeout: 300 });
      assert.equal(failed.error, "operation has timed out");
      assert.deepEqual(sorted(failed.responses), ["answer:a:8", "answer:b:8"], "the responses that came (err.responses)");

      // nobody in the room: done at once, no response
      assert.deepEqual(await awaitedOk(a, { op: "emitWithAck", rooms: ["nobody"], event: "question", args: [], timeout: 5000 }), []);
    }),
  );

  test(
    "socketEmitWithAck: the client's first ack argument; with a timeout and no answer, the timeout error",
    features.wrap(async ({ url }) => {
      const nsp = "/dynamic-2";
      const a = await c.open(url, nsp, { name: "a" });
      const silent = await c.open(url, nsp, { name: "silent", answer: false });
      assert.equal(await awaitedOk(a, { op: "socketEmitWithAck", event: "question", args: [1], timeout: 5000 }), "answer:a:1");
      assert.equal(await awaitedOk(a, { op: "socketEmitWithAck", event: "question", args: [2] }), "answer:a:2");
      assert.equal(await awaitedOk(a, { op: "socketEmitWithAck", event: "two-answers", args: [] }), "first");
      const failed = await awaitedError(silent, { op: "socketEmitWithAck", event: "question", args: [3], timeout: 200 });
      assert.equal(failed.error, "operation has timed out");
      assert.equal(failed.responses, undefined);
    }),
  );

  test(
    "fetchSockets, allSockets and adapter.sockets: the selected sockets' ids",
    features.wrap(async ({ url }) => {
      const nsp = "/dynamic-3";
      const a = await c.open(url, nsp);
      const b = await c.open(url, nsp);
      const d = await c.open(url, nsp);
      await awaitedOk(a, { op: "join", rooms: ["red"] });
      await awaitedOk(b, { op: "join", rooms: ["red", "blue"] });
      const all = sorted([a.id, b.id, d.id]);
      const red = sorted([a.id, b.id]);
      assert.deepEqual(await awaitedOk(d, { op: "fetchSockets" }), all);
      assert.deepEqual(await awaitedOk(d, { op: "fetchSockets", rooms: ["red"] }), red);
      assert.deepEqual(await awaitedOk(d, { op: "allSockets" }), all);
      assert.deepEqual(await awaitedOk(d, { op: "allSockets", rooms: ["red"] }), red);
      assert.deepEqual(await awaitedOk(d, { op: "allSockets", rooms: ["blue", "red"] }), red);
      assert.deepEqual(await awaitedOk(d, { op: "sockets", rooms: ["blue"] }), [b.id]);
      assert.deepEqual(await awaitedOk(d, { op: "sockets", rooms: [] }), all);
    }),
  );

  test(
    "serverSideEmitWithAck without other servers: no response, at once (C++); never settles (twin)",
    features.wrap(async ({ url }) => {
      const a = await c.open(url, "/dynamic-4");
      await serverSideEmitAlone(a);
    }),
  );

  test(
    "adapter.allRooms: this node's rooms (C++); the in-memory adapter of socket.io has none (twin)",
    features.wrap(async ({ url }) => {
      const a = await c.open(url, "/dynamic-5");
      const b = await c.open(url, "/dynamic-5");
      await awaitedOk(a, { op: "join", rooms: ["lobby"] });
      if (reference) {
        assert.match((await awaitedError(a, { op: "allRooms" })).error, /^not supported/);
        return;
      }
      assert.deepEqual(await awaitedOk(b, { op: "allRooms" }), sorted([a.id, b.id, "lobby"]));
    }),
  );

  test(
    "adapter.remoteJoin / remoteLeave / remoteDisconnect on this node's sockets (C++); not offered by socket.io's adapters (twin)",
    features.wrap(async ({ url }) => {
      const nsp = "/dynamic-6";
      const a = await c.open(url, nsp);
      const b = await c.open(url, nsp);
      if (reference) {
        for (const op of ["remoteJoin", "remoteLeave", "remoteDisconnect"])
          assert.match((await awaitedError(a, { op, target: b.id, room: "r", close: false })).error, /^not supported/);
        return;
      }
      await awaitedOk(a, { op: "remoteJoin", target: b.id, room: "r" });
      assert.deepEqual(await awaitedOk(a, { op: "allSockets", rooms: ["r"] }), [b.id]);
      await awaitedOk(a, { op: "remoteLeave", target: b.id, room: "r" });
      assert.deepEqual(await awaitedOk(a, { op: "allSockets", rooms: ["r"] }), []);
      assert.equal((await awaitedError(a, { op: "remoteJoin", target: "no-such-socket", room: "r" })).error, "socket not found");
      const gone = disconnected(b);
      await awaitedOk(a, { op: "remoteDisconnect", target: b.id, close: false });
      assert.equal(await gone, "io server disconnect");
    }),
  );
});

describe("awaited io.* calls on the main namespace", () => {
  const features = shared({ before, after }, startFeaturesServer);
  const c = clients();
  afterEach(() => c.closeAll());

  test(
    "io.fetchSockets, io.allSockets, io.serverSideEmitWithAck",
    features.wrap(async ({ url }) => {
      const a = await c.open(url, "/");
      const b = await c.open(url, "/");
      await c.open(url, "/custom");
      const both = sorted([a.id, b.id]);
      assert.deepEqual(await awaitedOk(a, { op: "fetchSockets" }), both);
      assert.deepEqual(await awaitedOk(a, { op: "allSockets" }), both);
      await serverSideEmitAlone(b, [1, "two"]);
      const responses = await awaitedOk(b, { op: "emitWithAck", event: "question", args: ["all"], timeout: 5000 });
      assert.deepEqual(sorted(responses), sorted([`answer:c0:all`, `answer:c1:all`]));
    }),
  );
});
