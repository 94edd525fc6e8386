// The Admin UI's login (--admin-auth user:password): the right credentials connect and get
// a session id (`session`, before `config`), which alone lets a later UI in; a wrong
// username or password, a missing or ill-typed auth, an unknown session id are refused
// with "invalid credentials"; other namespaces are not behind the login. Without
// --admin-auth anyone gets in.
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' node --test tests/integration/admin-ui/

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { shared, startSioServer, connect, connectError, closeAll, opOk } from "../lib/sio.mjs";
import { AUTH_ARGS, USER, PASSWORD, ALL_FEATURES, uiClient, connectUi, waitMatch, got } from "./helpers.mjs";

describe("admin UI login (--admin-auth)", () => {
  const s = shared({ before, after }, startSioServer, AUTH_ARGS);

  test(
    "the right credentials connect; `session` comes before `config`",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      try {
        const [config] = await waitMatch(ui, "config");
        assert.deepEqual(config, { supportedFeatures: ALL_FEATURES });
        const events = ui.received.map((e) => e.event);
        assert.equal(events.indexOf("session"), 0, `events: ${events.join(", ")}`);
        const [sessionId] = got(ui, "session")[0];
        assert.match(sessionId, /^[0-9a-f]{16}$/);
      } finally {
        closeAll(ui);
      }
    }),
  );

  test(
    "a session id alone lets a UI in again, without a new session",
    s.wrap(async (srv) => {
      const first = await connectUi(srv.url);
      const [[sessionId]] = [await waitMatch(first, "session")];
      closeAll(first);
      const again = await connectUi(srv.url, { auth: { sessionId } });
      try {
        await waitMatch(again, "config");
        assert.deepEqual(got(again, "session"), [], "no second session");
      } finally {
        closeAll(again);
      }
    }),
  );

  test(
    "wrong credentials, unknown sessions and bad auth payloads are refused",
    s.wrap(async (srv) => {
      const bad = [
        { username: USER, password: "wrong" },
        { username: "someone", password: PASSWORD },
        { password: PASSWORD },
        {},
        { username: USER, password: PASSWORD.slice(0, -1) },
        { username: [USER], password: PASSWORD },
        { sessionId: "0123456789abcdef" },
        { sessionId: 42 },
        { username: USER, password: `${PASSWORD}\u0000` },
      ];
      // reference differs: with the right username and a password that is not a string,
      // bcryptjs's compare() rejects inside admin-ui's async middleware, which then never
      // answers (the UI waits until it gives up). The C++ server refuses them.
      const cppOnly = [{ username: USER }, { username: USER, password: 12345 }, { username: USER, password: { toString: PASSWORD } }];
      for (const auth of srv.reference ? bad : [...bad, ...cppOnly]) {
        const ui = uiClient(srv.url, { auth });
        try {
          const err = await connectError(ui, 8000);
          assert.equal(err.message, "invalid credentials", JSON.stringify(auth));
          assert.deepEqual(got(ui, "session"), []);
        } finally {
          closeAll(ui);
        }
      }
      // still serving, with the right credentials
      const ui = await connectUi(srv.url);
      closeAll(ui);
    }),
  );

  test(
    "logins in parallel, good and bad, each get their answer",
    s.wrap(async (srv) => {
      const attempts = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? PASSWORD : `nope-${i}`));
      const sockets = attempts.map((password) => uiClient(srv.url, { auth: { username: USER, password } }));
      try {
        const outcomes = await Promise.all(
          sockets.map(
            (ui) =>
              new Promise((resolve) => {
                ui.once("connect", () => resolve("connected"));
                ui.once("connect_error", (err) => resolve(err.message));
              }),
          ),
        );
        assert.deepEqual(
          outcomes,
          attempts.map((p) => (p === PASSWORD ? "connected" : "invalid credentials")),
        );
      } finally {
        closeAll(...sockets);
      }
    }),
  );

  test(
    "the other namespaces are not behind the login",
    s.wrap(async (srv) => {
      const plain = await connect(srv.url, "/");
      const custom = await connect(srv.url, "/custom");
      try {
        assert.equal((await opOk(plain, { op: "whoami" })).id, plain.id);
      } finally {
        closeAll(plain, custom);
      }
    }),
  );
});

describe("admin UI without --admin-auth", () => {
  const s = shared({ before, after }, startSioServer, ["--admin-ui"]);

  test(
    "any UI gets in, with or without credentials, and gets no session",
    s.wrap(async (srv) => {
      for (const auth of [undefined, { username: "x", password: "y" }]) {
        const ui = await connectUi(srv.url, { auth });
        try {
          const [config] = await waitMatch(ui, "config");
          assert.deepEqual(config.supportedFeatures, ALL_FEATURES);
          assert.deepEqual(got(ui, "session"), []);
        } finally {
          closeAll(ui);
        }
      }
    }),
  );
});

test("--admin-auth without --admin-ui, or without a colon, is a usage error", async () => {
  const { runServerRaw } = await import("../lib/testserver.mjs");
  for (const args of [["--admin-auth", "a:b"], ["--admin-ui", "--admin-auth", "nocolon"], ["--admin-ui", "--admin-auth", ":pw"]]) {
    const r = await runServerRaw(args);
    assert.equal(r.code, 2, `${JSON.stringify(args)}: exit ${r.code}\n${r.stderr}`);
  }
});
