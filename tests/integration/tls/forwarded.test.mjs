// --trust-proxy: behind a reverse proxy the client's address and scheme come from
// X-Forwarded-For (its last entry: the address the proxy saw) and X-Forwarded-Proto, in
// every transport mode. Without the flag the same headers are ignored, so a client cannot
// forge its address. (The real nginx and HAProxy setups are in tests/integration/proxy.)
// The Node.js twin has no such option: socket.io always reports the TCP peer.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSioServer, client, connected, upgraded, closeAll, opOk, MODES } from "../lib/sio.mjs";
import { explain, isReference } from "../lib/testserver.mjs";

const FORGED = { "X-Forwarded-For": "1.2.3.4, 198.51.100.7", "X-Forwarded-Proto": "https" };

async function handshakeOf(srv, mode) {
  const socket = client(srv.url, "/", { mode, extraHeaders: FORGED });
  try {
    await connected(socket);
    if (!mode.transports) await upgraded(socket);
    return await opOk(socket, { op: "handshake" });
  } finally {
    closeAll(socket);
  }
}

for (const trust of [true, false]) {
  const skip = trust && isReference() ? "socket.io has no trustProxy" : false;
  describe(trust ? "with --trust-proxy" : "without --trust-proxy", { skip }, () => {
    let srv;
    before(async () => {
      srv = await startSioServer(trust ? ["--trust-proxy"] : []);
    });
    after(async () => srv?.stop());

    for (const mode of MODES) {
      test(`${mode.name}: handshake.address and .secure`, async () => {
        try {
          const handshake = await handshakeOf(srv, mode);
          if (trust) {
            assert.deepEqual(handshake, { address: "198.51.100.7", secure: true });
          } else {
            assert.match(handshake.address, /^(::ffff:)?127\.0\.0\.1$/);
            assert.equal(handshake.secure, false);
          }
        } catch (err) {
          throw explain(srv, err);
        }
      });
    }
  });
}
