// The proxy scenarios, shared by nginx.test.mjs and haproxy.test.mjs: a real redis-server,
// two C++ nodes (SIO_TESTSERVER) joined by the Redis Streams adapter with --trust-proxy and
// --cookie, a third node without --trust-proxy, and the proxy in front of them as
// documented in docs/deploy/ (plus a copy without its stickiness, and one in front of the
// third node). Official socket.io-client clients connect through the proxy from addresses
// of their own (127.0.0.x); clients connected straight to each node broadcast.

import { describe, test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startCommand } from "../lib/testserver.mjs";
import { startRedis } from "../lib/redis.mjs";
import { connect, connected, connectError, closeAll, opOk, upgraded, waitEvent, MODES } from "../lib/sio.mjs";
import { eventually } from "../lib/cluster.mjs";
import { clientFrom, makeCertificates } from "./helpers.mjs";

const SESSION_ID_UNKNOWN = { code: 1, message: "Session ID unknown" };
/** How many clients each node must get before a spread stops, and the most it tries. */
const PER_NODE = 2;
const MAX_CLIENTS = 40;

let tagCounter = 0;
const uniqueTag = (what) => `${what}-${++tagCounter}`;

/** The `sid` query parameter of a logged request line ("" when none: a handshake). */
const sidOf = (request) => /[?&]sid=([^&\s]+)/.exec(request)?.[1] ?? "";

/**
 * Registers the suite for one proxy. `p`:
 *   kind              "nginx" | "haproxy", in test names
 *   start(options)    startNginx / startHaproxy (helpers.mjs)
 *   withoutStickiness(text)  the documented configuration without its stickiness
 *   address(i)        a local address for client i (127.0.0.x)
 *   spreadAddress(i)  the local address of the i-th client of a spread over the nodes
 *   cookies           whether clients keep cookies (the stickiness needs it)
 *   checkSticky(socket, server)  more checks of a client the sticky proxy placed on `server`
 *   extraTests(ctx)   proxy-specific tests
 */
export function proxySuite(p) {
  describe(`${p.kind} as documented in docs/deploy, in front of two C++ nodes (Redis Streams adapter)`, () => {
    const ctx = { clients: [], proxies: [] };
    const all = [];

    before(async () => {
      ctx.redis = await startRedis();
      ctx.certs = await makeCertificates();
      const common = ["--adapter", "redis-streams", "--redis", ctx.redis.url, "--cookie", "--ping-interval", "2000", "--ping-timeout", "2000"];
      const node = async (id, args) => {
        const n = await startCommand("SIO_TESTSERVER", ["--server-id", id, ...args]);
        n.serverId = id;
        all.push(n);
        return n;
      };
      ctx.node = node;
      ctx.a = await node("A", [...common, "--trust-proxy"]);
      ctx.b = await node("B", [...common, "--trust-proxy"]);
      // the control: a node that does not trust proxies (no adapter: it serves alone)
      ctx.c = await node("C", ["--cookie"]);
      ctx.directA = await connect(ctx.a.url, "/", { mode: MODES[1] });
      ctx.directB = await connect(ctx.b.url, "/", { mode: MODES[1] });
      await eventually(async () => {
        for (const s of [ctx.directA, ctx.directB]) assert.equal(await opOk(s, { op: "serverCount" }), 2, "serverCount");
      }, 15_000, 100);
      const startProxy = async (nodes, edit) => {
        const proxy = await p.start({ nodes, certs: ctx.certs, edit });
        ctx.proxies.push(proxy);
        return proxy;
      };
      ctx.startProxy = startProxy;
      ctx.sticky = await startProxy([ctx.a, ctx.b]);
      ctx.plain = await startProxy([ctx.a, ctx.b], p.withoutStickiness);
      ctx.toC = await startProxy([ctx.c, ctx.c]);
    });

    after(async () => {
      closeAll(ctx.directA, ctx.directB, ...ctx.clients.splice(0));
      const results = await Promise.allSettled([
        ...ctx.proxies.map((proxy) => proxy.stop()),
        ...all.map((n) => n.stop()),
      ]);
      ctx.certs?.cleanup();
      await ctx.redis?.cleanup();
      const bad = results.find((r) => r.status === "rejected");
      if (bad) throw bad.reason;
    });

    afterEach(() => closeAll(...ctx.clients.splice(0)));

    /** A client through `url` from `address`, closed after the test. */
    const open = (url, address, options = {}) => {
      const s = clientFrom(url, address, { cookies: p.cookies, ...(url.startsWith("https:") ? { ca: ctx.certs.ca } : {}), ...options });
      ctx.clients.push(s);
      return s;
    };

    /** Runs fn(t) with the proxies' configurations and logs and the nodes' output added to a failure. */
    const wrap = (fn) => async (t) => {
      try {
        return await fn(t);
      } catch (err) {
        const nodes = all.map((n) => `--- node ${n.serverId} ---\n${n.describe()}`).join("\n");
        const proxies = ctx.proxies.map((proxy) => proxy.describe()).join("\n");
        if (err && typeof err === "object") {
          try {
            err.message += `\n${proxies}\n${nodes}`;
          } catch {
            /* read-only message */
          }
        }
        throw err;
      }
    };

    /** The client's Engine.IO session id, kept (the client forgets it on close). */
    const remember = (s) => {
      s.sid = s.io.engine.id;
      return s;
    };

    /**
     * Connects clients through `proxy` from addressOf(base + i), one after the other, until
     * each node holds PER_NODE of them (at most MAX_CLIENTS). Resolves them, each with
     * `.server` (its node, by whoami) and `.sid`.
     */
    const spread = async (proxy, base, options, addressOf = p.spreadAddress) => {
      const clients = [];
      const count = (id) => clients.filter((s) => s.server === id).length;
      for (let i = 0; i < MAX_CLIENTS && (count("A") < PER_NODE || count("B") < PER_NODE); i++) {
        const s = open(proxy.url, addressOf(base + i), options);
        await connected(s).catch((e) => {
          throw new Error(`client from ${s.address}: ${e.message}; transport errors ${JSON.stringify(s.transportErrors)}`);
        });
        remember(s);
        s.server = (await opOk(s, { op: "whoami" })).server;
        clients.push(s);
      }
      const placed = clients.map((s) => `${s.address} -> ${s.server}`).join(", ");
      assert.ok(count("A") >= PER_NODE && count("B") >= PER_NODE, `clients on both nodes (${placed})`);
      return clients;
    };

    /** Broadcasts from a client on each node; every one of `clients` gets both. */
    const broadcastsFromBothNodes = async (clients) => {
      const tag = uniqueTag("news");
      await opOk(ctx.directA, { op: "emit", event: "news", args: ["from A", tag] });
      await opOk(ctx.directB, { op: "emit", event: "news", args: ["from B", tag] });
      for (const s of clients) {
        const got = [await waitEvent(s, "news", 5000), await waitEvent(s, "news", 5000)];
        assert.deepEqual(got.map((args) => args[0]).sort(), ["from A", "from B"], `what ${s.address} (on ${s.server}) got`);
        assert.ok(got.every((args) => args[1] === tag), JSON.stringify(got));
      }
    };

    /**
     * The proxy's log since `mark`, for `clients` only (a client of an earlier test may still
     * be heard): the requests naming a client's session (sid=…) and, when its address is its
     * own, its requests without one (the handshake, a WebSocket-only connection). No 400 (nor
     * any error status but a client's own abort, 499), every request of a client went to its
     * node, and each client made at least `minRequests` requests answered `status`.
     */
    const assertLog = (proxy, mark, clients, { minRequests, status }) => {
      const own = (s) => clients.filter((x) => x.address === s.address).length === 1;
      const belongs = (e, s) => (sidOf(e.request) ? sidOf(e.request) === s.sid : own(s) && e.client === s.address);
      const entries = proxy.since(mark).filter((e) => clients.some((s) => belongs(e, s)));
      const bad = entries.filter((e) => e.status >= 400 && e.status !== 499);
      assert.deepEqual(bad, [], `error statuses in the ${proxy.kind} log`);
      for (const s of clients) {
        const mine = entries.filter((e) => belongs(e, s));
        assert.ok(
          mine.filter((e) => e.status === status).length >= minRequests,
          `${s.address}'s session ${s.sid}: at least ${minRequests} requests answered ${status}: ${JSON.stringify(mine)}`,
        );
        assert.deepEqual([...new Set(mine.map((e) => e.node))], [s.server], `the node of every request of session ${s.sid}`);
      }
    };

    /** No transport or connect error, still connected; through the sticky proxy, p.checkSticky(). */
    const checkClients = (clients, { sticky = true } = {}) => {
      for (const s of clients) {
        assert.deepEqual(s.transportErrors, [], `transport errors of ${s.address}`);
        assert.deepEqual(s.connectErrors, [], `connect errors of ${s.address}`);
        assert.ok(s.connected, `${s.address} still connected`);
        if (sticky) p.checkSticky?.(s, s.server);
      }
    };

    test("polling-only clients stay on their node across a heartbeat, land on both, get broadcasts from both; no HTTP 400", wrap(async () => {
      const mark = ctx.sticky.mark();
      const clients = await spread(ctx.sticky, 10, { transports: ["polling"] });
      // the nodes ping every 2 s: a long-poll held by the node, answered with the ping, and
      // the pong, all through the proxy
      await eventually(() => assert.ok(clients.every((s) => s.pings > 0), "every client answered a ping"), 6000, 100);
      await broadcastsFromBothNodes(clients);
      checkClients(clients);
      // CONNECT, its answer, the ping's poll, the pong: several requests per session, all on its node
      assertLog(ctx.sticky, mark, clients, { minRequests: 4, status: 200 });
    }));

    test("upgrading clients (polling, then WebSocket) stay on their node, land on both, get broadcasts from both; no HTTP 400", wrap(async () => {
      const mark = ctx.sticky.mark();
      const clients = await spread(ctx.sticky, 60, {});
      for (const s of clients) await upgraded(s);
      await broadcastsFromBothNodes(clients);
      checkClients(clients);
      closeAll(...clients);
      // the proxy logs a WebSocket once it is closed
      await eventually(() => assertLog(ctx.sticky, mark, clients, { minRequests: 1, status: 101 }), 5000, 100);
      assertLog(ctx.sticky, mark, clients, { minRequests: 1, status: 200 });
    }));

    test("without the stickiness (round-robin), polling clients get HTTP 400 \"Session ID unknown\"", wrap(async () => {
      const mark = ctx.plain.mark();
      const failures = [];
      for (let i = 0; i < 4; i++) {
        const s = open(ctx.plain.url, p.address(110 + i), { transports: ["polling"] });
        try {
          await connectError(s);
          failures.push(s);
        } catch {
          // a client whose requests happened to alternate back to its node
        }
      }
      assert.ok(failures.length > 0, "at least one polling client fails without stickiness");
      for (const s of failures) {
        const e400 = s.transportErrors.filter((e) => e.status === 400);
        assert.ok(e400.length > 0, `${s.address}: an HTTP 400 among ${JSON.stringify(s.transportErrors)}`);
        for (const e of e400) assert.deepEqual(JSON.parse(e.body), SESSION_ID_UNKNOWN, `${s.address}: the body of the 400`);
      }
      const logged = ctx.plain.since(mark).filter((e) => e.status === 400);
      assert.ok(logged.length >= failures.length, `the 400s in the ${p.kind} log: ${JSON.stringify(ctx.plain.since(mark))}`);
      assert.ok(logged.every((e) => /transport=polling/.test(e.request) && sidOf(e.request)), JSON.stringify(logged));
    }));

    test("WebSocket-only clients need no stickiness: they land on both nodes and get broadcasts from both", wrap(async () => {
      const mark = ctx.plain.mark();
      // an address for each: the proxy's log names a WebSocket-only session by address only
      const clients = await spread(ctx.plain, 120, { transports: ["websocket"] }, p.address);
      await broadcastsFromBothNodes(clients);
      checkClients(clients, { sticky: false });
      closeAll(...clients);
      await eventually(() => assertLog(ctx.plain, mark, clients, { minRequests: 1, status: 101 }), 5000, 100);
    }));

    test("--trust-proxy: the handshake address is the client's (not a forged X-Forwarded-For), the scheme the proxy's", wrap(async () => {
      // The client forges both headers: the proxy appends the address it saw to
      // X-Forwarded-For and replaces X-Forwarded-Proto.
      const forged = { "X-Forwarded-For": "10.9.9.9", "X-Forwarded-Proto": "https" };
      for (const [i, transports] of [["polling"], ["websocket"]].entries()) {
        const address = p.address(170 + i);
        const s = open(ctx.sticky.url, address, { transports, extraHeaders: { ...forged } });
        await connected(s);
        assert.deepEqual(await opOk(s, { op: "handshake" }), { address, secure: false }, `through ${p.kind} over ${transports[0]}`);
      }
      // a node without --trust-proxy sees the proxy
      const control = open(ctx.toC.url, p.address(172), { transports: ["polling"], extraHeaders: { ...forged } });
      await connected(control);
      assert.deepEqual(await opOk(control, { op: "handshake" }), { address: "127.0.0.1", secure: false }, "node C, no --trust-proxy");
      // and a node with --trust-proxy reached directly, without the headers, sees the peer
      assert.deepEqual(await opOk(ctx.directA, { op: "handshake" }), { address: "127.0.0.1", secure: false }, "node A, directly");
    }));

    test("TLS ended at the proxy: with --trust-proxy the handshake is secure, from the client's address; upgrades and broadcasts work", wrap(async () => {
      const address = p.address(180);
      const s = open(ctx.sticky.tlsUrl, address, {});
      await connected(s);
      remember(s);
      s.server = (await opOk(s, { op: "whoami" })).server;
      await upgraded(s);
      assert.deepEqual(await opOk(s, { op: "handshake" }), { address, secure: true });
      await broadcastsFromBothNodes([s]);
      checkClients([s]);
      // the node without --trust-proxy: plain HTTP from the proxy
      const control = open(ctx.toC.tlsUrl, p.address(181), {});
      await connected(control);
      assert.deepEqual(await opOk(control, { op: "handshake" }), { address: "127.0.0.1", secure: false }, "node C, no --trust-proxy");
    }));

    test("draining a node (SIGTERM): its polling clients reconnect through the proxy to the other node, recovered; a 400 only for a request racing the drain", wrap(async () => {
      // A pair of nodes of its own (named A and B, on a stream of their own), with recovery
      // on as sio-chat has it, and the documented proxy in front of them.
      const args = ["--adapter", "redis-streams", "--redis", ctx.redis.url, "--stream-name", `drain-${p.kind}`, "--cookie", "--trust-proxy", "--recovery", "--ping-interval", "2000", "--ping-timeout", "2000"];
      const a = await ctx.node("A", args);
      const b = await ctx.node("B", args);
      const proxy = await ctx.startProxy([a, b]);
      const clients = await spread(proxy, 130, { transports: ["polling"], reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
      const onA = clients.filter((s) => s.server === "A");
      const onB = clients.filter((s) => s.server === "B");
      const idsBefore = new Map(clients.map((s) => [s, s.id]));
      const mark = proxy.mark();
      await a.stop(); // SIGTERM: drains (sessions saved to Redis, clients told to go), exits 0
      await eventually(async () => {
        for (const s of onA) {
          assert.ok(s.connected, `${s.address} reconnected`);
          assert.equal((await opOk(s, { op: "whoami" })).server, "B", `${s.address} now on B`);
        }
      }, 20_000, 200);
      for (const s of onA) {
        assert.ok(s.recovered, `${s.address}'s session recovered on B`);
        assert.equal(s.id, idsBefore.get(s), "the same socket id");
      }
      for (const s of onB) {
        assert.ok(s.connected && s.id === idsBefore.get(s) && s.io.engine.id === s.sid, `${s.address} on B undisturbed`);
      }
      // A polling request of a drained session that was already on its way (the next GET,
      // a queued POST) may get 400 "Session ID unknown", from the draining node or, once it
      // has exited, from the other one; its client reconnects like the others (checked
      // above). Nothing else gets a 400: not the other node's sessions, not the new ones.
      const drained = new Set(onA.map((s) => s.sid));
      const entries = proxy.since(mark);
      const other400 = entries.filter((e) => e.status === 400 && !drained.has(sidOf(e.request)));
      assert.deepEqual(other400, [], `no HTTP 400 in the ${p.kind} log but for the drained sessions (${[...drained]})`);
    }));

    p.extraTests?.({ ctx, open, wrap });
  });
}
