// The chat page over HTTPS and WSS in a real (headless) Chromium: sio-chat serves the page
// and Socket.IO with --tls-cert/--tls-key, a certificate chain from a private CA made with
// openssl (lib/tls.mjs). Chromium trusts that CA through an NSS database in a home folder
// of its own (certutil, Debian's libnss3-tools), as a company's managed browsers would.
// The page goes online over polling, upgrades to WebSocket (wss:), and a message makes the
// round trip. A Chromium without the CA refuses the page. Skips when no Chromium exists.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromiumMissing, launchChromium } from "../lib/chromium.mjs";
import { PrivateCa } from "../lib/tls.mjs";

const STEP_MS = 10_000;
const hasCertutil = (() => {
  try {
    execFileSync("certutil", ["-H"], { stdio: "ignore" });
    return true;
  } catch (err) {
    return err.code !== "ENOENT"; // it prints its help and exits non-zero
  }
})();
const skip = chromiumMissing()
  ? chromiumMissing()
  : !hasCertutil
    ? 'no certutil (install Debian\'s "libnss3-tools")'
    : false;

/** A home folder whose NSS database trusts `caFile` for TLS servers (empty when null). */
function homeTrusting(caFile) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "sio-chromium-home-"));
  const db = path.join(home, ".pki", "nssdb");
  fs.mkdirSync(db, { recursive: true });
  execFileSync("certutil", ["-d", `sql:${db}`, "-N", "--empty-password"]);
  if (caFile) execFileSync("certutil", ["-d", `sql:${db}`, "-A", "-t", "C,,", "-n", "sio test root", "-i", caFile]);
  return home;
}

describe("chat page over HTTPS/WSS in Chromium (private CA)", { skip }, () => {
  const command = JSON.parse(process.env.SIO_CHAT ?? "null");
  let ca, chat, log = "", port, homes = [];
  const browsers = [];

  async function launch(home) {
    const browser = await launchChromium({ env: { ...process.env, HOME: home } });
    browsers.push(browser);
    return browser;
  }

  before(async () => {
    assert.ok(Array.isArray(command), "SIO_CHAT must hold the chat server's command as a JSON array");
    ca = new PrivateCa("sio browser");
    const { certFile, keyFile } = ca.issueServer();
    const [bin, ...rest] = command;
    chat = spawn(bin, [...rest, "--host", "127.0.0.1", "--port", "0", "--tls-cert", certFile, "--tls-key", keyFile], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [chat.stdout, chat.stderr]) stream.setEncoding("utf8").on("data", (d) => (log += d));
    port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sio-chat did not start:\n${log}`)), STEP_MS);
      chat.stdout.on("data", () => {
        const m = /chat on https:\/\/localhost:(\d+)\//.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      chat.once("exit", (code) => reject(new Error(`sio-chat exited (${code}):\n${log}`)));
    });
  });

  after(async () => {
    for (const browser of browsers) await browser.close().catch(() => {});
    if (chat && chat.exitCode === null) {
      const exited = new Promise((resolve) => chat.once("exit", resolve));
      chat.kill("SIGTERM");
      await exited;
    }
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
    ca?.remove();
  });

  test("a browser trusting the CA loads the page, upgrades to wss: and chats", async () => {
    const home = homeTrusting(ca.rootFile);
    homes.push(home);
    const browser = await launch(home);
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const response = await page.goto(`https://localhost:${port}/`);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).protocol, "https:");
    await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("online"), null, { timeout: STEP_MS });
    await page.waitForFunction("socket.io.engine.transport.name === 'websocket'", null, { timeout: STEP_MS });
    assert.equal(await page.evaluate("socket.io.engine.transport.ws.url.split(':')[0]"), "wss");
    await page.fill("#nickname", "tls");
    await page.fill("#room", "secure");
    await page.click("#join button");
    await page.fill("#text", "over wss");
    await page.press("#text", "Enter");
    await page.waitForFunction(
      () => [...document.querySelectorAll("#messages li.message")].some((li) => li.textContent === "tls: over wss"),
      null,
      { timeout: STEP_MS },
    );
    assert.deepEqual(errors, []);
  });

  test("a browser without the CA refuses the page", async () => {
    const home = homeTrusting(null);
    homes.push(home);
    const browser = await launch(home);
    const page = await browser.newPage();
    await assert.rejects(page.goto(`https://localhost:${port}/`), /ERR_CERT_AUTHORITY_INVALID/);
  });
});
