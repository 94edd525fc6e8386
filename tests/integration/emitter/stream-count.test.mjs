// sio-emit with --stream-count 3 on the nodes and on the emitter (spec cluster-wire.md §1.3,
// §5.2): namespaces with a positive hash land on socket.io-0/-1/-2 and reach every node;
// without --stream-count the emitter writes to "socket.io", which nobody reads (as the
// reference emitter); /notifications (hash −1014064871 → socket.io--2) reaches C++ nodes,
// which poll that stream, but not Node.js nodes (the upstream bug of §1.3 / §6.11).

import { describe, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { waitEvent, opOk } from "../lib/sio.mjs";
import { emitterCluster, unique, got, xlen, lastEntry, emitOk } from "./helpers.mjs";

// hash % 3: "/" → 2, "/custom" → 2, "/custom2" → 1, "/news" → 0, "/notifications" → −2
const POSITIVE = { "/": "socket.io-2", "/custom": "socket.io-2", "/custom2": "socket.io-1", "/news": "socket.io-0" };
const NEGATIVE = { nsp: "/notifications", stream: "socket.io--2" };

const c = emitterCluster(
  { before, after, afterEach },
  {
    adapters: ["redis-streams"],
    nodeArgs: ["--stream-count", "3"],
    emitArgs: ["--stream-count", "3"],
    namespaces: ["/custom2", "/news", NEGATIVE.nsp],
    warmNamespaces: Object.keys(POSITIVE),
  },
);

describe("sio-emit --stream-count 3", () => {
  c.test("every positive-hash namespace is written to its stream and reaches both nodes", async () => {
    for (const [nsp, stream] of Object.entries(POSITIVE)) {
      const clients = [await c.connect(0, nsp), await c.connect(1, nsp)];
      const before = await xlen(c, stream);
      const tag = unique(nsp);
      await c.emit("--nsp", nsp, "emit", "test", JSON.stringify(tag));
      assert.equal(await xlen(c, stream), before + 1, `one entry in ${stream} for ${nsp}`);
      const entry = await lastEntry(c, stream);
      assert.equal(entry.nsp, nsp);
      for (const s of clients) assert.deepEqual(await waitEvent(s, "test"), [tag], `${nsp} on node ${s.node}`);
    }
    assert.equal(await xlen(c, "socket.io"), 0, "nothing in the single-stream name");
  });

  c.test("rooms operations and serverSideEmit travel on the namespace's stream", async () => {
    const clients = [await c.connect(0, "/news"), await c.connect(1, "/news")];
    const room = unique("room"), tag = unique("tag");
    await c.emit("--nsp", "/news", "sockets-join", room);
    await c.emit("--nsp", "/news", "server-side-emit", "ping", JSON.stringify(tag));
    await c.emit("--nsp", "/news", "--to", room, "emit", "in-room", "1");
    for (const s of clients) {
      assert.deepEqual(await waitEvent(s, "in-room"), [1]);
      assert.ok((await opOk(s, { op: "whoami" })).rooms.includes(room), `node ${s.node} joined ${room}`);
      const received = await opOk(s, { op: "received" });
      assert.deepEqual(received.filter((r) => r.args?.[0] === tag), [{ event: "ping", args: [tag] }], `node ${s.node}`);
    }
  });

  c.test("an emitter without --stream-count writes to a stream no node reads", async () => {
    const clients = [await c.connect(0, "/"), await c.connect(1, "/")];
    const before = await xlen(c, "socket.io");
    await emitOk(c.redis.url, ["emit", "lost", '"nobody reads socket.io"']);
    assert.equal(await xlen(c, "socket.io"), before + 1);
    await c.barrier(clients);
    for (const s of clients) assert.deepEqual(got(s, "lost"), [], `node ${s.node}`);
  });

  c.test(`a negative-hash namespace (${NEGATIVE.nsp} → ${NEGATIVE.stream}) reaches C++ nodes only`, async () => {
    const clients = [await c.connect(0, NEGATIVE.nsp), await c.connect(1, NEGATIVE.nsp)];
    const others = [await c.connect(0, "/"), await c.connect(1, "/")];
    const before = await xlen(c, NEGATIVE.stream);
    const tag = unique("neg");
    await c.emit("--nsp", NEGATIVE.nsp, "emit", "test", JSON.stringify(tag));
    assert.equal(await xlen(c, NEGATIVE.stream), before + 1, `the entry went to ${NEGATIVE.stream}, as Node would write it`);
    for (const s of clients) {
      if (c.kinds[s.node] === "C++") {
        assert.deepEqual(await waitEvent(s, "test", 4000), [tag], `C++ node ${s.node} polls ${NEGATIVE.stream}`);
      }
    }
    // the reference never reads `socket.io--2` (spec §1.3): after a later barrier on an
    // other stream plus a grace period, its clients still have nothing
    await c.barrier(others);
    await new Promise((r) => setTimeout(r, 300));
    for (const s of clients) {
      if (c.kinds[s.node] === "twin") assert.deepEqual(got(s, "test"), [], `Node.js node ${s.node} does not read ${NEGATIVE.stream}`);
    }
  });
});
