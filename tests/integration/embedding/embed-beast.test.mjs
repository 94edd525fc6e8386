// The embedding example (examples/embed-beast): Socket.IO served from an application's own
// Beast HTTP server through sio::engine::handleRequest / handleUpgrade. The official
// socket.io-client connects in the three transport modes and gets its echo acks (binary
// included) while the application keeps answering its own route. A raw client that sends
// its first WebSocket frame in the same packet as the upgrade request checks that bytes
// the application already read are handed over with the socket.
//
//   SIO_EMBED_BEAST='["build/debug/apps/sio-embed-beast"]' node --test tests/integration/embedding/
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import net from "node:net";
import { startCommand, explain } from "../lib/testserver.mjs";
import { client, connected, upgraded, closeAll, emitAck, MODES } from "../lib/sio.mjs";

/** A masked client text frame (RFC 6455), payload under 126 bytes. */
function clientTextFrame(text) {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** Text frames in `buffer` (unmasked server frames, payload under 126 bytes). */
function serverTextFrames(buffer) {
  const frames = [];
  let at = 0;
  while (at + 2 <= buffer.length) {
    const length = buffer[at + 1] & 0x7f;
    if (length >= 126 || at + 2 + length > buffer.length) break;
    if ((buffer[at] & 0x0f) === 1) frames.push(buffer.subarray(at + 2, at + 2 + length).toString());
    at += 2 + length;
  }
  return frames;
}

describe("Socket.IO inside an application's Beast server", () => {
  let srv;
  before(async () => {
    srv = await startCommand("SIO_EMBED_BEAST", []);
  });
  after(async () => srv?.stop());
  const wrap = (fn) => async () => {
    try {
      await fn();
    } catch (err) {
      throw explain(srv, err);
    }
  };

  test("the application still answers its own routes", wrap(async () => {
    const res = await fetch(`${srv.url}/hello`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello from the application\n");
    assert.equal((await fetch(`${srv.url}/elsewhere`)).status, 404);
  }));

  for (const mode of MODES) {
    test(`${mode.name}: connects and gets its acks (text and binary)`, wrap(async () => {
      const socket = client(srv.url, "/", { mode });
      try {
        await connected(socket);
        if (!mode.transports) await upgraded(socket);
        const args = await emitAck(socket, "echo", ["hi", Buffer.from([1, 2, 3]), { deep: [Buffer.from([9])] }]);
        assert.equal(args[0], "hi");
        assert.deepEqual([...args[1]], [1, 2, 3]);
        assert.deepEqual([...args[2].deep[0]], [9]);
        // many requests over the application's keep-alive connections
        for (let i = 0; i < 20; i++) assert.deepEqual(await emitAck(socket, "echo", [i]), [i]);
      } finally {
        closeAll(socket);
      }
    }));
  }

  test("bytes read past the upgrade request go along with the socket", wrap(async () => {
    const key = crypto.randomBytes(16).toString("base64");
    const socket = net.connect(srv.port, "127.0.0.1");
    try {
      await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
      let received = Buffer.alloc(0);
      socket.on("data", (d) => (received = Buffer.concat([received, d])));
      // the upgrade request and the Socket.IO CONNECT frame ("40") in one write
      socket.write(Buffer.concat([
        Buffer.from(
          "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n" +
            `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
            "Sec-WebSocket-Version: 13\r\n\r\n",
        ),
        clientTextFrame("40"),
      ]));
      const deadline = Date.now() + 5000;
      let frames = [];
      while (Date.now() < deadline) {
        const end = received.indexOf("\r\n\r\n");
        if (end !== -1) {
          assert.match(received.subarray(0, end).toString(), /^HTTP\/1\.1 101 /);
          frames = serverTextFrames(received.subarray(end + 4));
          if (frames.some((f) => f.startsWith("40"))) break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(frames[0]?.startsWith("0{"), `Engine.IO open first, got ${JSON.stringify(frames)}`);
      assert.ok(frames.some((f) => /^40\{"sid":"[^"]+"\}$/.test(f)), `Socket.IO CONNECT answered, got ${JSON.stringify(frames)}`);
    } finally {
      socket.destroy();
    }
  }));
});
