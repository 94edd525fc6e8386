// The Admin UI across a mixed cluster: node 0 from SIO_TESTSERVER and node 1 from
// SIO_TESTSERVER_B (default: the same; the admin_ui_cpp suite gives the Node.js twin, which
// runs the official instrument()), joined by the Redis Streams adapter on a private
// redis-server. A UI on either node sees both servers' stats and the sockets of both nodes
// (all_sockets through fetchSockets across the cluster, with each socket's client id and
// transport from data._admin), the other node's connections, rooms and disconnections as
// they happen, and its actions reach sockets on the other node.
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//      SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]' node --test tests/integration/admin-ui/

import { describe, test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { nodeCluster, sharedTopology, eventually } from "../lib/cluster.mjs";
import { MODES, connect, disconnected, waitEvent, opOk, closeAll } from "../lib/sio.mjs";
import { AUTH_ARGS, connectUi, waitMatch, mark, statsOf, assertSerializedSocket, clientIdOf } from "./helpers.mjs";

const topo = sharedTopology({ before, after }, "standalone");
const combo = { pair: "AB", args: [], label: "standalone A+B" };

describe("admin UI in a two-node cluster (Redis Streams adapter)", () => {
  const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 2, namespaces: 0, args: AUTH_ARGS });
  const opened = [];
  afterEach(() => closeAll(...opened.splice(0)));
  const ui = async (i) => {
    const s = await connectUi(c.nodes[i].url);
    opened.push(s);
    return s;
  };
  const client = async (i, nsp, mode = MODES[1]) => {
    const s = await connect(c.nodes[i].url, nsp, { mode });
    opened.push(s);
    return s;
  };

  test(
    "a UI on either node sees both servers' stats and the sockets of both nodes",
    c.wrap(async () => {
      const on0 = await client(0, "/", MODES[0]);
      const on1 = await client(1, "/custom", MODES[1]);
      await opOk(on1, { op: "join", rooms: ["room-1"] });
      for (const i of [0, 1]) {
        const u = await ui(i);
        for (const node of c.nodes) {
          const [stats] = await statsOf(u, node.serverId);
          assert.ok(stats.namespaces.some((n) => n.name === "/admin"), JSON.stringify(stats.namespaces));
        }
        const [sockets] = await waitMatch(u, "all_sockets");
        const find = (id) => sockets.find((x) => x.id === id);
        assert.ok(find(on0.id) && find(on1.id), `node ${i}'s UI sees both: ${JSON.stringify(sockets.map((x) => [x.nsp, x.id]))}`);
        assertSerializedSocket(find(on0.id), { id: on0.id, nsp: "/", transport: "polling", clientId: clientIdOf(on0), server: c.nodes[0].serverId });
        assertSerializedSocket(find(on1.id), { id: on1.id, nsp: "/custom", transport: "websocket", clientId: clientIdOf(on1), server: c.nodes[1].serverId });
        assert.ok(find(on1.id).rooms.includes("room-1"));
        // both UIs (the one of the other node too, if already connected) are listed on /admin
        assert.ok(find(u.id) && find(u.id).nsp === "/admin");
      }
    }),
  );

  test(
    "connections, rooms, events and disconnections on one node reach a UI on the other",
    c.wrap(async () => {
      for (const [uiNode, clientNode] of [
        [0, 1],
        [1, 0],
      ]) {
        const u = await ui(uiNode);
        const since = mark(u);
        const s = await client(clientNode, "/");
        const id = s.id;
        const [connectedSocket] = await waitMatch(u, "socket_connected", ([x]) => x.id === id, { since });
        assertSerializedSocket(connectedSocket, { id, nsp: "/", transport: "websocket", clientId: clientIdOf(s), server: undefined });
        await opOk(s, { op: "join", rooms: ["cross"] });
        await waitMatch(u, "room_joined", ([nsp, room, sid]) => nsp === "/" && room === "cross" && sid === id, { since });
        s.emit("message", "over there");
        await waitMatch(u, "event_received", ([, sid, args]) => sid === id && args[0] === "message" && args[1] === "over there", { since });
        await waitMatch(u, "event_sent", ([, sid, args]) => sid === id && args[0] === "message-back", { since });
        s.disconnect();
        const [, , reason] = await waitMatch(u, "socket_disconnected", ([, sid]) => sid === id, { since });
        assert.equal(reason, "client namespace disconnect");
        await waitMatch(u, "room_left", ([, room, sid]) => room === "cross" && sid === id, { since });
      }
    }),
  );

  test(
    "the UI's actions reach sockets on the other node",
    c.wrap(async () => {
      for (const [uiNode, clientNode] of [
        [0, 1],
        [1, 0],
      ]) {
        const u = await ui(uiNode);
        const a = await client(clientNode, "/");
        const b = await client(clientNode, "/custom");
        const room = `joined-from-${uiNode}`;
        u.emit("join", "/", room, a.id);
        await eventually(async () => assert.ok((await opOk(a, { op: "whoami" })).rooms.includes(room)), 8000);
        u.emit("emit", "/", room, "from-ui", uiNode);
        assert.deepEqual(await waitEvent(a, "from-ui", 8000), [uiNode]);
        u.emit("leave", "/", room, a.id);
        await eventually(async () => assert.ok(!(await opOk(a, { op: "whoami" })).rooms.includes(room)), 8000);
        u.emit("_disconnect", "/custom", false, b.id);
        assert.equal(await disconnected(b, 8000), "io server disconnect");
        assert.equal(a.connected, true);
      }
    }),
  );
});
