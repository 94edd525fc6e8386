// socket.io-client 2.x's browser bundle (the official dist file from npm) in a real
// headless Chromium, against the test server with --allow-eio3: over JSONP polling
// (forceJSONP, the transport of browsers without XHR: <script> GETs, form POSTs), and over
// WebSocket. Events with acks and a broadcast
// through `op` cross in both. The page comes from a small server on another port (the
// client is cross-origin, as JSONP is meant to be). Skips when no Chromium binary exists.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import { peerRequire, startServer, explain } from "../lib/testserver.mjs";
import { chromiumMissing, launchChromium } from "../lib/chromium.mjs";

const skip = chromiumMissing();
const STEP_MS = 10_000;

const CLIENT_JS = fs.readFileSync(peerRequire.resolve("socket.io-client-2/dist/socket.io.js"));
const PAGE = `<!doctype html><meta charset="utf-8"><title>v2 client</title>
<script src="/socket.io-2.js"></script><body>v2 client</body>`;

/** Serves the page and the client bundle; resolves {url, close()}. */
function pageServer() {
  const server = http.createServer((req, res) => {
    if (req.url === "/socket.io-2.js") {
      res.writeHead(200, { "Content-Type": "application/javascript" });
      return res.end(CLIENT_JS);
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(PAGE);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) }),
    ),
  );
}

describe("socket.io-client 2.x in Chromium", { skip }, () => {
  let srv = null;
  let pages = null;
  let browser = null;
  before(async () => {
    srv = await startServer(["--allow-eio3"], { engineEcho: false });
    pages = await pageServer();
    browser = await launchChromium();
  });
  after(async () => {
    if (browser) await browser.close();
    if (pages) await pages.close();
    if (srv) await srv.stop();
  });

  for (const [name, options, transport] of [
    ["JSONP polling (forceJSONP)", { forceJSONP: true, transports: ["polling"] }, "polling"],
    // (XHR polling would need CORS, which the test server does not turn on)
    ["WebSocket", { transports: ["websocket"] }, "websocket"],
  ]) {
    test(`[${name}] connects, acks both ways, receives a broadcast`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      try {
        await page.goto(pages.url);
        // everything the page sees is collected in window.seen
        await page.evaluate(
          ([url, opts]) => {
            window.seen = { auth: null, back: null, news: null, connected: false };
            const s = (window.s = io(url, { ...opts, forceNew: true, reconnection: false }));
            s.on("connect", () => (window.seen.connected = true));
            s.on("auth", (a) => (window.seen.auth = a));
            s.on("message-back", (...args) => (window.seen.back = args));
            s.on("news", (...args) => (window.seen.news = args));
            s.on("ask", (q, ack) => ack("page:" + q));
          },
          [srv.url, options],
        );
        const until = (what, fn, arg) => page.waitForFunction(fn, arg, { timeout: STEP_MS }).catch((e) => {
          throw new Error(`${what}: ${e.message}\npage errors: ${errors.join("; ")}`);
        });
        await until("connected", () => window.seen.connected && window.seen.auth !== null);
        assert.deepEqual(await page.evaluate(() => window.seen.auth), {});
        if (transport === "websocket") await until("upgraded", () => window.s.io.engine.transport.name === "websocket");
        const engine = await page.evaluate(() => ({
          id: window.s.io.engine.id,
          socketId: window.s.id,
          transport: window.s.io.engine.transport.name,
          jsonp: "j" in window.s.io.engine.transport.query,
        }));
        assert.equal(engine.transport, transport);
        assert.equal(engine.jsonp, !!options.forceJSONP, "the transport in use");
        assert.equal(engine.socketId, engine.id);

        await page.evaluate(() => window.s.emit("message", "héllo 😀", { n: [1, 2] }, "a\nb"));
        await until("message-back", () => window.seen.back !== null);
        assert.deepEqual(await page.evaluate(() => window.seen.back), ["héllo 😀", { n: [1, 2] }, "a\nb"]);

        const acked = await page.evaluate(
          () => new Promise((resolve) => window.s.emit("message-with-ack", "x\\ny", 3, (...a) => resolve(a))),
        );
        assert.deepEqual(acked, ["x\\ny", 3]);

        const op = (request) =>
          page.evaluate((r) => new Promise((resolve) => window.s.emit("op", r, resolve)), request);
        const asked = await op({ op: "socketEmitWithAck", target: engine.socketId, event: "ask", args: ["q"] });
        assert.deepEqual(asked, { ok: true, result: "page:q" });
        const emitted = await op({ op: "emit", event: "news", args: ["to all", { deep: ["\u2028"] }] });
        assert.equal(emitted.ok, true);
        await until("news", () => window.seen.news !== null);
        assert.deepEqual(await page.evaluate(() => window.seen.news), ["to all", { deep: ["\u2028"] }]);
        assert.deepEqual(errors, []);
      } catch (err) {
        throw explain(srv, err);
      } finally {
        await context.close();
      }
    });
  }
});
