// The official Admin UI (the `ui/dist` page of @socket.io/admin-ui 0.5.1, served here by a
// small static server) in headless Chromium, against a two-node cluster joined by the
// Redis Streams adapter: node 0 from SIO_TESTSERVER (the C++ server), node 1 from
// SIO_TESTSERVER_B (default: the same; the admin_ui_browser suite gives the Node.js twin
// running the official instrument()). The test fills the UI's connection form with node
// 0's URL and the credentials (WebSocket only: the servers send no CORS headers, which
// the UI's polling would need from another origin), then reads the Servers and Sockets
// pages: both nodes and the sockets of both are there; it disconnects a socket of each
// node with the row's button, and each client sees "io server disconnect". Screenshots of
// both pages go to SIO_BROWSER_ARTIFACTS (or the temp directory). Skips when no Chromium
// binary exists.
//
//   SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//   SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]' \
//   [CHROMIUM=/usr/bin/chromium] node --test tests/integration/admin-ui-browser/
import { describe, test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { peerRequire } from "../lib/testserver.mjs";
import { nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { MODES, connect, disconnected, closeAll } from "../lib/sio.mjs";
import { AUTH_ARGS, USER, PASSWORD } from "../admin-ui/helpers.mjs";
import { chromiumMissing, launchChromium } from "../lib/chromium.mjs";

const STEP_MS = 15_000; // each wait in the page
const skip = chromiumMissing();

const UI_DIR = path.join(path.dirname(peerRequire.resolve("@socket.io/admin-ui/package.json")), "ui", "dist");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json",
};

/** Serves UI_DIR on 127.0.0.1 (index.html for "/"); resolves {url, close()}. */
async function serveUi() {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path.join(UI_DIR, pathname === "/" ? "index.html" : pathname);
    if (!file.startsWith(UI_DIR + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// at file level, so that Redis stops after the nodes (their after() hooks run first)
const topo = skip ? null : sharedTopology({ before, after }, "standalone");

describe("the official Admin UI in Chromium on a two-node cluster", { skip }, () => {
  const c = nodeCluster({ before, after, afterEach }, {
    topo,
    combo: { pair: "AB", args: [], label: "standalone A+B" },
    nodes: 2,
    namespaces: 0,
    args: AUTH_ARGS,
  });
  let site;
  let browser;
  let page;
  const pageErrors = [];

  before(async () => {
    site = await serveUi();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // no network here: the page's web fonts and icon font (CDNs) are refused at once
    await context.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await site?.close();
    if (pageErrors.length) console.log(`# page errors:\n${pageErrors.join("\n")}`);
  });

  /** A screenshot of the page in SIO_BROWSER_ARTIFACTS (or the temp directory). */
  async function screenshot(name) {
    try {
      await page.waitForTimeout(500); // the page's slide transition, for the picture only
      const dir = process.env.SIO_BROWSER_ARTIFACTS || os.tmpdir();
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `sio-admin-ui-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`# screenshot of the Admin UI's ${name} page: ${file}`);
    } catch (e) {
      console.log(`# screenshot failed: ${e.message}`);
    }
  }

  /** Waits until the page's text holds every string of `texts`. */
  const waitForText = (what, texts) =>
    page
      .waitForFunction((list) => list.every((t) => document.body.innerText.includes(t)), texts, { timeout: STEP_MS })
      .catch(async (e) => {
        throw new Error(`${what}: ${e.message.split("\n")[0]}\n  page text:\n${(await page.innerText("body")).slice(0, 2000)}`);
      });

  test(
    "logs in on the C++ node, sees both nodes and their sockets, disconnects one of each",
    c.wrap(async () => {
      const [on0, on1] = [await connect(c.nodes[0].url, "/", { mode: MODES[1] }), await connect(c.nodes[1].url, "/", { mode: MODES[0] })];
      try {
        await page.goto(site.url);
        // the connection form (shown when no server is remembered)
        await page.getByLabel("Server URL").fill(c.nodes[0].url);
        await page.getByLabel("Username").fill(USER);
        await page.getByLabel("Password").fill(PASSWORD);
        await page.getByText("Advanced options").click();
        await page.getByText("WebSocket only?").click();
        await page.getByRole("button", { name: "Connect" }).click();
        await page.getByRole("dialog").waitFor({ state: "hidden", timeout: STEP_MS });

        // the Servers page: both nodes report (server_stats through the adapter)
        await page.evaluate(() => (location.hash = "#/servers/"));
        await waitForText("both servers listed", [c.nodes[0].serverId, c.nodes[1].serverId]);
        await screenshot("servers");

        // the Sockets page (namespace "/"): the sockets of both nodes
        await page.evaluate(() => (location.hash = "#/sockets/"));
        await waitForText("the sockets of both nodes", [on0.id, on1.id]);
        await screenshot("sockets");

        // disconnect the Node.js node's socket, then the C++ node's, with each row's button
        // (the click also opens the socket's page, as a click on its row does)
        for (const socket of [on1, on0]) {
          const id = socket.id;
          const gone = disconnected(socket, STEP_MS);
          await page.locator("tbody tr", { hasText: id }).getByRole("button").click();
          assert.equal(await gone, "io server disconnect");
          await page.evaluate(() => (location.hash = "#/sockets/"));
          await page
            .waitForFunction((gone) => !document.body.innerText.includes(gone), id, { timeout: STEP_MS })
            .catch((e) => {
              throw new Error(`socket ${id} still listed: ${e.message.split("\n")[0]}`);
            });
        }
      } finally {
        closeAll(on0, on1);
      }
    }),
  );
});
