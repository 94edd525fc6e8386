// Disconnect reasons as recorded by sio-features-server (`reasons`), checklist §6: client
// namespace disconnect, server namespace disconnect (with and without closing the
// connection), transport close, ping timeout; and the packet middleware (`errors`).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  MODES,
  shared,
  startFeaturesServer,
  withStarted,
  connect,
  connected,
  disconnected,
  sameConnection,
  waitEvent,
  emitAck,
  waitReason,
  closeAll,
  rawSio,
  rawConnect,
  withTimeout,
  sleep,
} from "../lib/sio.mjs";

for (const mode of MODES) {
  describe(`disconnect reasons [${mode.name}]`, () => {
    const features = shared({ before, after }, startFeaturesServer);

    test(
      "client disconnect() -> \"client namespace disconnect\"",
      features.wrap(async ({ url }) => {
        const ctl = await connect(url, "/custom", { mode });
        const s = await connect(url, "/", { mode });
        try {
          const id = s.id;
          s.disconnect();
          assert.deepEqual(await waitReason(ctl, id), [{ id, nsp: "/", reason: "client namespace disconnect" }]);
        } finally {
          closeAll(s, ctl);
        }
      }),
    );

    test(
      "a client leaving one namespace: \"client namespace disconnect\", the other namespace stays",
      features.wrap(async ({ url }) => {
        const ctl = await connect(url, "/", { mode });
        const s = await connect(url, "/", { mode });
        const custom = sameConnection(s, "/custom");
        try {
          await connected(custom);
          const id = custom.id;
          custom.disconnect();
          assert.deepEqual(await waitReason(ctl, id), [{ id, nsp: "/custom", reason: "client namespace disconnect" }]);
          s.emit("message", "still");
          assert.deepEqual(await waitEvent(s, "message-back"), ["still"]);
        } finally {
          closeAll(s, custom, ctl);
        }
      }),
    );

    test(
      "disconnect-me false -> \"server namespace disconnect\"; the connection and /custom stay",
      features.wrap(async ({ url }) => {
        const ctl = await connect(url, "/", { mode });
        const s = await connect(url, "/", { mode });
        const custom = sameConnection(s, "/custom");
        try {
          await connected(custom);
          const id = s.id;
          s.emit("disconnect-me", false);
          assert.equal(await disconnected(s), "io server disconnect");
          assert.deepEqual(await waitReason(ctl, id), [{ id, nsp: "/", reason: "server namespace disconnect" }]);
          await sleep(50);
          assert.equal(custom.connected, true);
          custom.emit("message", "alive");
          assert.deepEqual(await waitEvent(custom, "message-back"), ["alive"]);
        } finally {
          closeAll(s, custom, ctl);
        }
      }),
    );

    test(
      "disconnect-me true -> \"server namespace disconnect\" and the connection closes",
      features.wrap(async ({ url }) => {
        const ctl = await connect(url, "/", { mode });
        const s = await connect(url, "/", { mode });
        const custom = sameConnection(s, "/custom");
        try {
          await connected(custom);
          const id = s.id;
          const customId = custom.id;
          s.emit("disconnect-me", true);
          assert.equal(await disconnected(s), "io server disconnect");
          assert.deepEqual(await waitReason(ctl, id), [{ id, nsp: "/", reason: "server namespace disconnect" }]);
          // the other namespace on that connection goes too
          const reason = await disconnected(custom);
          assert.ok(["io server disconnect", "transport close"].includes(reason), `/custom: ${reason}`);
          const [r] = await waitReason(ctl, customId);
          assert.equal(r.nsp, "/custom");
          assert.ok(
            ["server namespace disconnect", "forced server close", "forced close", "transport close"].includes(r.reason),
            `/custom on the closed connection: ${r.reason}`,
          );
        } finally {
          closeAll(s, custom, ctl);
        }
      }),
    );

    test(
      "the client's engine closed abruptly -> \"transport close\"",
      features.wrap(async ({ url }) => {
        const ctl = await connect(url, "/custom", { mode });
        const s = await connect(url, "/", { mode });
        try {
          const id = s.id;
          s.io.engine.close();
          // (client side, the official client reports its own close as "forced close")
          await disconnected(s);
          assert.deepEqual(await waitReason(ctl, id), [{ id, nsp: "/", reason: "transport close" }]);
        } finally {
          closeAll(s, ctl);
        }
      }),
    );

    test(
      "packet middleware: `forbidden` is refused, `errors` returns [\"forbidden event\"]",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        const c = await connect(url, "/custom", { mode });
        try {
          assert.deepEqual(await emitAck(s, "errors"), [[]]);
          s.emit("forbidden", 1, 2);
          // an ack on a refused packet is never called
          await assert.rejects(s.timeout(200).emitWithAck("forbidden"), { message: "operation has timed out" });
          assert.deepEqual(await emitAck(s, "errors"), [["forbidden event", "forbidden event"]]);
          // per socket: the /custom socket saw no error
          assert.deepEqual(await emitAck(c, "errors"), [[]]);
          c.emit("forbidden");
          assert.deepEqual(await emitAck(c, "errors"), [["forbidden event"]]);
          // the socket stays connected and works
          assert.equal(s.connected, true);
          s.emit("message", "ok");
          assert.deepEqual(await waitEvent(s, "message-back"), ["ok"]);
        } finally {
          closeAll(s, c);
        }
      }),
    );
  });
}

test("ping timeout: a raw client that never answers pings -> \"ping timeout\"", () =>
  withStarted(startFeaturesServer, ["--ping-interval", "200", "--ping-timeout", "100"], async ({ port, url }) => {
    const ctl = await connect(url, "/custom", { mode: MODES[1] });
    const raw = await rawSio(port, { pong: false });
    try {
      assert.equal(raw.open.pingInterval, 200);
      assert.equal(raw.open.pingTimeout, 100);
      const reply = await rawConnect(raw, "/");
      const { sid } = JSON.parse(reply.slice(2));
      const closed = await withTimeout(raw.closed, 2000, "the server to close the connection");
      assert.ok(closed, "closed");
      assert.deepEqual(await waitReason(ctl, sid), [{ id: sid, nsp: "/", reason: "ping timeout" }]);
      // the official client answers pings and stays
      assert.equal(ctl.connected, true);
    } finally {
      await raw.close();
      closeAll(ctl);
    }
  }));
