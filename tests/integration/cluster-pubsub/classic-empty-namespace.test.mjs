// Beyond the reference: a C++ node with the classic adapter does not listen to the broadcasts
// of a namespace that has no local socket, and the next socket to connect there is told it
// is connected only once the subscription is back, so that it misses nothing a peer
// broadcasts after. Node 0 (C++) reaches Redis through a proxy that delays what it sends by
// DELAY_MS: a CONNECT that did not wait would reach the client long before Redis knows of
// the subscription. Node 1 is the other implementation (the twin with SIO_TESTSERVER_B) on
// Redis directly. What node 0 is subscribed to is read from CLIENT LIST (the proxy's
// connections) and PUBSUB NUMSUB. With --subscribe-to-local-rooms-only, a socket's own room
// is subscribed before its CONNECT too. Skipped when SIO_TESTSERVER is the twin.

import { describe, before, after, afterEach, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { waitEvent, opOk, sleep } from "../lib/sio.mjs";
import { eventually, implementations, nodeCluster } from "../lib/cluster.mjs";
import { startRedis } from "../lib/redis.mjs";
import { unique } from "../cluster-streams/suite.mjs";
import { broadcastsFlow } from "./helpers.mjs";

const DELAY_MS = 300;
const REQUESTS_TIMEOUT_MS = 1500; // node 0's: the longest a socket is held for a subscription

/**
 * A TCP proxy to `port` that holds what clients send for DELAY_MS (in order) and passes
 * replies at once. ports: the proxy's own ports towards Redis (as CLIENT LIST shows them);
 * cut() drops every connection and refuses new ones until restore(); stall() keeps what
 * clients send (the links stay up) until unstall().
 */
async function delayingProxy(port) {
  const sockets = new Set();
  const ports = new Set();
  let refusing = false;
  let held = null; // [[upstream, chunk]] while stalled
  const forward = (upstream, chunk) => setTimeout(() => upstream.destroyed || upstream.write(chunk), DELAY_MS);
  const server = net.createServer((downstream) => {
    if (refusing) return downstream.destroy();
    const upstream = net.connect(port, "127.0.0.1", () => ports.add(upstream.localPort));
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        downstream.destroy();
        upstream.destroy();
      });
    }
    downstream.on("data", (chunk) => (held ? held.push([upstream, chunk]) : forward(upstream, chunk)));
    upstream.on("data", (chunk) => downstream.destroyed || downstream.write(chunk));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `redis://127.0.0.1:${server.address().port}`,
    ports,
    cut() {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      refusing = false;
    },
    stall() {
      held = [];
    },
    unstall() {
      const chunks = held ?? [];
      held = null;
      for (const [upstream, chunk] of chunks) forward(upstream, chunk);
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const VARIANTS = {
  default: [],
  interest: ["--subscribe-to-local-rooms-only"],
};

const { A } = implementations();

for (const [variant, args] of Object.entries(VARIANTS)) {
  describe(`classic adapter: empty namespaces are not listened to [${variant}]`, { skip: A.reference && "a C++ feature" }, () => {
    const env = { redis: null, proxy: null };
    before(async () => {
      env.redis = await startRedis();
      env.proxy = await delayingProxy(env.redis.port);
    });
    after(async () => {
      await env.proxy?.close();
      await env.redis?.cleanup();
    });
    const topo = { topology: { redisArgs: [] } };
    const c = nodeCluster(
      { before, after, afterEach },
      {
        topo,
        combo: { pair: "AB", args, label: variant },
        nodes: 2,
        adapter: "redis",
        namespaces: 4,
        nodeArgs: (i) => (i === 0 ? ["--redis", env.proxy.url, "--requests-timeout", String(REQUESTS_TIMEOUT_MS)] : ["--redis", env.redis.url]),
      },
    );

    /** Node 0 listens to the broadcasts of `nsp` (its pattern, or its `socket.io#nsp#` subscription). */
    const node0Listens = async (nsp) => {
      if (variant === "default") {
        const list = String(await env.redis.command("CLIENT", "LIST"));
        let patterns = 0;
        for (const line of list.split("\n")) {
          const port = Number(/\baddr=[^ ]*:(\d+)/.exec(line)?.[1]);
          if (env.proxy.ports.has(port)) patterns += Number(/\bpsub=(\d+)/.exec(line)[1]);
        }
        return patterns; // one per namespace with sockets: `nsp` is the only one in these tests
      }
      // node 1 keeps a socket in `nsp`: a C++ node 1 counts once, the twin (a pattern) not at all
      const [, count] = await env.redis.command("PUBSUB", "NUMSUB", `socket.io#${nsp}#`);
      return Number(count) - (c.nodes[1].reference ? 0 : 1);
    };

    test(
      "a namespace listens from its first socket's CONNECT on, and stops when it empties",
      c.wrap(async () => {
        const nsp = c.ns();
        const peer = await c.connect(1, nsp);
        await eventually(async () => assert.equal(await node0Listens(nsp), 0, "nothing while empty"), 10000);
        for (let round = 0; round < 3; round++) {
          // one socket, then two at once: each is connected only once node 0 listens
          const sockets = round === 1 ? await Promise.all([c.connect(0, nsp), c.connect(0, nsp)]) : [await c.connect(0, nsp)];
          assert.equal(await node0Listens(nsp), 1, "subscribed before the CONNECT");
          if (variant === "interest") {
            // and to each socket's own room: a broadcast to its id right after the CONNECT
            for (const s of sockets) {
              const [, own] = await env.redis.command("PUBSUB", "NUMSUB", `socket.io#${nsp}#${s.id}#`);
              assert.equal(Number(own), 1, "its own room subscribed before the CONNECT");
            }
            const direct = unique("direct");
            await opOk(peer, { op: "emit", rooms: [sockets[0].id], event: "direct", args: [direct] });
            assert.deepEqual(await waitEvent(sockets[0], "direct", 4000), [direct], "a broadcast to its id right after the CONNECT");
          }
          const mark = unique("after-connect");
          await opOk(peer, { op: "emit", event: "mark", args: [mark] });
          for (const s of sockets) assert.deepEqual(await waitEvent(s, "mark", 4000), [mark], "a broadcast from node 1 right after the CONNECT");
          // and the other way
          await opOk(sockets[0], { op: "emit", event: "back", args: [mark] });
          assert.deepEqual(await waitEvent(peer, "back", 4000), [mark]);
          for (const s of sockets) s.disconnect();
          await eventually(async () => assert.equal(await node0Listens(nsp), 0, "unsubscribed when the namespace emptied"), 10000);
          // requests still reach node 0, which keeps its request channel
          assert.equal(await opOk(peer, { op: "serverCount" }), 2);
          assert.equal((await opOk(peer, { op: "fetchSockets" })).length, 1);
        }
        // a socket that leaves while it is held for the subscription does not keep it
        const gone = c.client(0, nsp);
        await sleep(DELAY_MS / 3);
        gone.io.engine?.close();
        await sleep(3 * DELAY_MS);
        await eventually(async () => assert.equal(await node0Listens(nsp), 0, "unsubscribed after the held socket left"), 10000);
      }),
    );

    test(
      "with the link to Redis down a socket connects at once; the subscription comes back with the link",
      c.wrap(async () => {
        const nsp = c.ns();
        const peer = await c.connect(1, nsp);
        let socket;
        env.proxy.cut();
        try {
          await sleep(200); // node 0 sees its links drop
          socket = await c.connect(0, nsp);
        } finally {
          env.proxy.restore();
        }
        await broadcastsFlow([peer, socket], 20000);
        await eventually(async () => assert.equal(await node0Listens(nsp), 1), 10000);
        assert.match(c.nodes[0].stderr(), /pub\/sub subscription gap 1\b/, "node 0 reported the gap");
      }),
    );

    test(
      "a Redis that does not answer holds a connecting socket no longer than requestsTimeout",
      c.wrap(async () => {
        const nsp = c.ns();
        const peer = await c.connect(1, nsp);
        let socket;
        env.proxy.stall();
        try {
          // the subscription cannot be confirmed while stalled: the CONNECT comes after 1.5 s
          socket = await c.connect(0, nsp);
          assert.equal(await node0Listens(nsp), 0, "connected before Redis saw the subscription");
        } finally {
          env.proxy.unstall();
        }
        await eventually(async () => assert.equal(await node0Listens(nsp), 1), 10000);
        await broadcastsFlow([peer, socket], 10000);
      }),
    );
  });
}
