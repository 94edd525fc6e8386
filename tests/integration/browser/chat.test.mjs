// The chat example's page in a real (headless) Chromium, on two C++ nodes joined by the
// Redis Streams adapter: messages cross nodes; a page whose node is stopped moves to the
// other node, resumes its session (connection state recovery) and shows exactly the
// messages it missed, once each, in order; and it can send again. Ends with a screenshot
// of both pages (path printed). Skips when no Chromium binary exists.
//
//   SIO_CHAT='["build/debug/apps/sio-chat","--public","examples/chat/public","--client",
//             "examples/chat/node_modules/socket.io-client/dist/socket.io.min.js"]' \
//   [CHROMIUM=/usr/bin/chromium] [SIO_BROWSER_ARTIFACTS=dir] node --test tests/integration/browser/
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { startRedis, freePorts } from "../lib/redis.mjs";
import { chromiumMissing, launchChromium } from "../lib/chromium.mjs";

const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => fs.existsSync(p));
const STEP_MS = 10_000; // each wait below
const skip = chromiumMissing();

/** One sio-chat process; resolves once it prints "chat on http://localhost:<port>/". */
class ChatNode {
  constructor(name) {
    this.name = name;
    this.log = "";
    this.exit = null;
  }

  async start(command, args) {
    const [bin, ...rest] = command;
    const argv = [bin, ...rest, ...args];
    // --pdeathsig: a node outlives no test process killed hard
    const [file, fileArgs] = SETPRIV ? [SETPRIV, ["--pdeathsig", "KILL", "--", ...argv]] : [bin, argv.slice(1)];
    this.child = spawn(file, fileArgs, { stdio: ["ignore", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve((this.exit = { code, signal }))));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => (this.log = (this.log + chunk).slice(-8000)));
    }
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start in ${STEP_MS} ms:\n${this.log}`)), STEP_MS);
      this.child.stdout.on("data", () => {
        if (/chat on http:\/\/localhost:\d+\//.test(this.log)) {
          clearTimeout(timer);
          resolve();
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited early (code ${code}, signal ${signal}): ${argv.join(" ")}\n${this.log}`));
      });
    });
  }

  async stop() {
    if (!this.child || this.exit) return this.exit;
    this.child.kill("SIGTERM");
    const timeout = delay(5000).then(() => null);
    const result = await Promise.race([this.exited, timeout]);
    if (result) return result;
    this.child.kill("SIGKILL");
    await this.exited;
    return { code: null, signal: "SIGKILL (did not stop on SIGTERM within 5 s)" };
  }
}

describe("chat page in Chromium on two nodes (Redis Streams adapter)", { skip }, () => {
  const command = JSON.parse(process.env.SIO_CHAT ?? "null");
  let redis;
  const chatNodes = [new ChatNode("node 1"), new ChatNode("node 2")];
  let ports;
  let browser;
  const pages = [];
  const pageErrors = [];

  const hostOf = (i) => `127.0.0.1:${ports[i]}`;
  const messagesOf = (page) => page.$$eval("#messages li.message", (items) => items.map((li) => li.textContent));
  const infosOf = (page) => page.$$eval("#messages li.info", (items) => items.map((li) => li.textContent));
  const statusOf = (page) => page.textContent("#status");
  const waitUntil = (page, what, fn, arg) =>
    page.waitForFunction(fn, arg, { timeout: STEP_MS }).catch(async (e) => {
      throw new Error(
        `${what}: ${e.message.split("\n")[0]}\n  status: ${await statusOf(page)}\n` +
          `  messages: ${JSON.stringify(await page.$$eval("#messages li", (l) => l.map((x) => x.textContent)))}`,
      );
    });
  // The page's own form: type, press Enter.
  async function send(page, text) {
    await page.fill("#text", text);
    await page.press("#text", "Enter");
  }
  async function waitForMessage(page, line) {
    await waitUntil(
      page,
      `message "${line}"`,
      (l) => [...document.querySelectorAll("#messages li.message")].some((li) => li.textContent === l),
      line,
    );
  }

  before(async () => {
    assert.ok(Array.isArray(command), "SIO_CHAT must hold the chat server's command as a JSON array");
    redis = await startRedis();
    ports = await freePorts(2);
    await Promise.all(
      chatNodes.map((node, i) =>
        node.start(command, [
          "--host", "127.0.0.1",
          "--port", String(ports[i]),
          "--redis", redis.url,
          "--peer", `http://${hostOf(1 - i)}`,
        ]),
      ),
    );
    browser = await launchChromium();
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext({ viewport: { width: 640, height: 560 } });
      const page = await context.newPage();
      page.on("pageerror", (e) => pageErrors.push(`page ${i + 1}: ${e.message}`));
      await page.goto(`http://${hostOf(i)}/`);
      pages.push(page);
    }
    // Both online, both know the other node (config.json), both in #lobby.
    const names = ["ada", "bob"];
    for (const [i, page] of pages.entries()) {
      await waitUntil(page, "online", () => document.getElementById("status").textContent.startsWith("online"));
      await waitUntil(page, "config.json loaded", () => typeof nodes !== "undefined" && nodes.length === 2);
      await page.fill("#nickname", names[i]);
      await page.fill("#room", "lobby");
      await page.click("#join button");
      await waitUntil(page, "joined", (n) => document.getElementById("room-info").textContent.includes(`#lobby as ${n}`), names[i]);
    }
    // ada sees bob join (the notice crosses nodes too)
    await waitUntil(pages[0], "bob joined", () =>
      [...document.querySelectorAll("#messages li.info")].some((li) => li.textContent === "bob joined"),
    );
  });

  after(async () => {
    if (pages.length === 2) {
      try {
        const file = await screenshot();
        console.log(`# screenshot of both pages: ${file}`);
      } catch (e) {
        console.log(`# screenshot failed: ${e.message}`);
      }
    }
    await browser?.close().catch(() => {});
    const exits = await Promise.all(chatNodes.map((n) => n.stop()));
    await redis?.cleanup();
    if (pageErrors.length) console.log(`# page errors:\n${pageErrors.join("\n")}`);
    for (const [i, exit] of exits.entries())
      if (exit && exit.code !== 0) console.log(`# ${chatNodes[i].name} exit ${JSON.stringify(exit)}; log:\n${chatNodes[i].log}`);
  });

  // Both pages side by side in one PNG, in SIO_BROWSER_ARTIFACTS or the temp directory.
  async function screenshot() {
    const shots = await Promise.all(pages.map((p) => p.screenshot({ fullPage: true })));
    const dir = process.env.SIO_BROWSER_ARTIFACTS || os.tmpdir();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "sio-chat-browser.png");
    const sheet = await browser.newPage({ viewport: { width: 1300, height: 600 } });
    const cell = (png, i) =>
      `<figure><figcaption>page ${i + 1} (opened on node ${i + 1}, ${hostOf(i)})</figcaption>` +
      `<img src="data:image/png;base64,${png.toString("base64")}"></figure>`;
    await sheet.setContent(
      `<style>body{margin:0;display:flex;gap:8px;background:#888;font:14px sans-serif}` +
        `figure{margin:4px}figcaption{color:#fff;padding:2px}img{display:block;border:1px solid #000}</style>` +
        shots.map(cell).join(""),
    );
    await sheet.screenshot({ path: file, fullPage: true });
    await sheet.close();
    return file;
  }

  test("messages typed on one page appear on the other (across nodes)", async () => {
    await send(pages[0], "hello from ada on node 1");
    await waitForMessage(pages[1], "ada: hello from ada on node 1");
    await send(pages[1], "hello from bob on node 2");
    await waitForMessage(pages[0], "bob: hello from bob on node 2");
    for (const page of pages)
      assert.deepEqual(await messagesOf(page), ["ada: hello from ada on node 1", "bob: hello from bob on node 2"]);
  });

  test("node 2 stops: page 2 resumes on node 1 with exactly the 3 messages it missed", async () => {
    const [page1, page2] = pages;
    const before2 = await messagesOf(page2);
    // Hold page 2's reconnection to node 1 until the 3 messages are sent, so that they are
    // surely sent while it is disconnected (and after it has started to move).
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    let held;
    const attempted = new Promise((resolve) => (held = resolve));
    const node1Socket = (url) => url.host === hostOf(0) && url.pathname.startsWith("/socket.io/");
    const hold = async (route) => {
      held();
      await gate;
      await route.continue().catch(() => {});
    };
    await page2.context().route(node1Socket, hold);

    const exit = await chatNodes[1].stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `node 2 stops cleanly on SIGTERM; log:\n${chatNodes[1].log}`);
    await waitUntil(page2, "offline", () => document.getElementById("status").textContent === "offline");
    await Promise.race([
      attempted,
      delay(STEP_MS).then(() => {
        throw new Error("page 2 never tried to reconnect to node 1");
      }),
    ]);

    const missed = ["while you were away 1", "while you were away 2", "while you were away 3"];
    for (const text of missed) {
      await send(page1, text);
      await waitForMessage(page1, `ada: ${text}`);
    }
    assert.equal(await statusOf(page2), "offline", "page 2 is still disconnected when the 3 messages are sent");
    release();
    await page2.context().unroute(node1Socket, hold);

    await waitUntil(
      page2,
      "online on node 1",
      (host) => /^online \(\w+\) on /.test(document.getElementById("status").textContent) &&
        document.getElementById("status").textContent.endsWith(` on ${host}`),
      hostOf(0),
    );
    // Either the resumed notice, or (not recovered) a new session that joined again.
    await waitUntil(page2, "resumed notice or a second join", () => {
      const infos = [...document.querySelectorAll("#messages li.info")].map((li) => li.textContent);
      return infos.includes("connection resumed: nothing was missed") || infos.filter((t) => t === "joined #lobby").length > 1;
    });
    assert.equal(
      await page2.evaluate(() => socket.recovered),
      true,
      "page 2's session was not recovered on node 1: it started a new session and joined again " +
        "(was the session written to Redis when node 2 stopped?)",
    );
    const expected = [...before2, ...missed.map((t) => `ada: ${t}`)];
    await waitUntil(page2, "the 3 missed messages", (n) => document.querySelectorAll("#messages li.message").length >= n, expected.length);
    await delay(500); // a late duplicate would show up by now
    assert.deepEqual(await messagesOf(page2), expected, "exactly the missed messages, once each, in order");
    const infos = await infosOf(page2);
    assert.equal(infos.filter((t) => t === "connection resumed: nothing was missed").length, 1);
    assert.equal(infos.filter((t) => t === "joined #lobby").length, 1, "recovered, not joined again");
  });

  test("the resumed page sends again and page 1 gets it", async () => {
    await send(pages[1], "bob is back");
    await waitForMessage(pages[0], "bob: bob is back");
    await waitForMessage(pages[1], "bob: bob is back");
    assert.equal((await messagesOf(pages[0])).filter((t) => t === "bob: bob is back").length, 1);
    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});
