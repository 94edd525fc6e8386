// socket.io-client 2.x on sio-features-server --allow-eio3 (SIO_FEATURES_SERVER): what
// socket.io does differently for Engine.IO v3 clients at connection time. A middleware's
// refusal reaches a 2.x client as an `error` event carrying `err.data || err.message` (not
// the v5 object); dynamic namespaces, with the namespace's query as auth; a server-side
// namespace disconnect; the handshake's query; and the reasons the server records.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { shared, startFeaturesServer } from "../lib/sio.mjs";
import { MODES, connect2, sameConnection2, connected, disconnected, next, emitAck, closeAll, sleep } from "./helpers.mjs";

/** The disconnects the features server recorded for socket `id` (polls until one shows). */
async function reasonsOf(ctl, id) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const [list] = await emitAck(ctl, "reasons");
    const found = list.filter((r) => r.id === id).map((r) => r.reason);
    if (found.length) return found;
    if (Date.now() > deadline) throw new Error(`no disconnect recorded for ${id}: ${JSON.stringify(list)}`);
    await sleep(25);
  }
}

for (const mode of MODES.slice(0, 2)) {
  describe(`sio-features-server with a 2.x client [${mode.name}]`, () => {
    const features = shared({ before, after }, startFeaturesServer, ["--allow-eio3"]);

    test(
      "a refused dynamic namespace: `error` with the middleware's message, as socket.io sends it to v3",
      features.wrap(async ({ url }) => {
        const s = await connect2(url, "/", { mode });
        try {
          const zero = sameConnection2(s, "/dynamic-0");
          assert.deepEqual(await next(zero, "error"), ["zero is not allowed"]);
          assert.equal(zero.connected, false);
          // an allowed child, created on demand; its query is its auth
          const seven = sameConnection2(s, "/dynamic-7", { query: "token=t7" });
          await connected(seven);
          assert.deepEqual(await next(seven, "nsp"), ["/dynamic-7"]);
          assert.deepEqual(await next(seven, "auth"), [{ token: "t7" }]);
          assert.equal(seven.id, `/dynamic-7#${s.io.engine.id}`);
          assert.deepEqual(await emitAck(seven, "message-with-ack", ["dyn"]), ["dyn"]);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "the handshake seen by the server: the v3 query, auth {} on /",
      features.wrap(async ({ url }) => {
        const s = await connect2(url, "/", { mode, query: { q: "1" } });
        try {
          const [h] = await emitAck(s, "handshake");
          assert.equal(h.query.EIO, "3");
          assert.equal(h.query.q, "1");
          assert.deepEqual(h.auth, {});
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "disconnects: client namespace disconnect, /kick, transport close",
      features.wrap(async ({ url }) => {
        const ctl = await connect2(url, "/", { mode });
        const s = await connect2(url, "/", { mode });
        try {
          const c = sameConnection2(s, "/custom");
          await connected(c);
          const customId = c.id;
          c.close(); // `1/custom`
          assert.deepEqual(await reasonsOf(ctl, customId), ["client namespace disconnect"]);

          const kick = sameConnection2(s, "/kick");
          const kicked = disconnected(kick);
          assert.equal(await kicked, "io server disconnect");
          assert.deepEqual(await reasonsOf(ctl, `/kick#${s.io.engine.id}`), ["server namespace disconnect"]);

          // server -> client ack with a timeout, answered by the 2.x client
          s.on("question", (a, ack) => ack(a * 2));
          const [answer] = await emitAck(s, "server-ack", ["question", [21], 2000]);
          assert.deepEqual(answer, { responses: [42] });

          const id = s.id;
          s.io.engine.close();
          assert.deepEqual(await reasonsOf(ctl, id), ["transport close"]);
        } finally {
          closeAll(s, ctl);
        }
      }),
    );
  });
}
