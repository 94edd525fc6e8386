// Debian's Chromium for the browser tests, driven by playwright-core: where it is, the flags
// it runs with on this machine kind (headless as root, no network beyond localhost), and
// why a test skips when it is absent.
import fs from "node:fs";
import { peerRequire } from "./testserver.mjs";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // --user-data-dir: Playwright's launch() always passes a fresh temporary one itself
  // (and refuses one in args); it is removed when the browser closes.
];

/** false when Chromium is there, else the reason to skip. */
export const chromiumMissing = () =>
  fs.existsSync(CHROMIUM)
    ? false
    : `no Chromium binary at ${CHROMIUM} (install Debian's "chromium" or set CHROMIUM=/path)`;

/** Launches headless Chromium; `options` are added to Playwright's launch options. */
export function launchChromium(options = {}) {
  const { chromium } = peerRequire("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000, ...options });
}
