// HTTPS and WSS in the process (--tls-cert / --tls-key): the official socket.io-client
// from Node.js over HTTPS polling, WSS, and polling upgraded to WSS, against a certificate
// chain from a private CA made with openssl in the test (lib/tls.mjs). The client trusts
// only the root, so the server must send the intermediate. A client that does not trust
// the CA is refused; `socket.handshake.secure` is true; SIGHUP reloads the files (new
// connections get the new certificate, established ones stay) and a bad reload keeps the
// previous certificate. Runs against the C++ server and against the Node.js twin.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { startSioServer, client, connected, connectError, upgraded, closeAll, opOk, emitAck, MODES } from "../lib/sio.mjs";
import { explain } from "../lib/testserver.mjs";
import { PrivateCa } from "../lib/tls.mjs";

/** GET https://127.0.0.1:port/path trusting `ca`: {status, body}. */
function httpsGet(port, urlPath, ca) {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", port, path: urlPath, ca, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
  });
}

/** Retries `attempt` (which rejects until the condition holds) a bounded number of times. */
async function eventually(attempt, tries = 50) {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe("TLS in process", () => {
  let ca, other, srv, files;

  before(async () => {
    ca = new PrivateCa("sio test");
    other = new PrivateCa("another");
    const issued = ca.issueServer();
    // the server reads its files from paths of its own, which the reload tests overwrite
    files = { cert: path.join(ca.dir, "live-chain.pem"), key: path.join(ca.dir, "live.key") };
    fs.copyFileSync(issued.certFile, files.cert);
    fs.copyFileSync(issued.keyFile, files.key);
    srv = await startSioServer(["--tls-cert", files.cert, "--tls-key", files.key]);
  });
  after(async () => {
    await srv?.stop();
    ca?.remove();
    other?.remove();
  });

  const url = () => `https://127.0.0.1:${srv.port}`;
  const wrap = (fn) => async () => {
    try {
      await fn();
    } catch (err) {
      throw explain(srv, err);
    }
  };

  for (const mode of MODES) {
    test(`${mode.name}: connects trusting the root CA, messages and binary go both ways, handshake.secure`, wrap(async () => {
      const socket = client(url(), "/", { mode, ca: ca.rootPem });
      try {
        await connected(socket);
        if (!mode.transports) await upgraded(socket);
        assert.equal(socket.io.engine.transport.name, mode.transports ? mode.transports[0] : "websocket");
        const args = await emitAck(socket, "message-with-ack", ["über", Buffer.from([0, 1, 2, 255]), { n: 1 }]);
        assert.equal(args[0], "über");
        assert.deepEqual([...args[1]], [0, 1, 2, 255]);
        assert.deepEqual(args[2], { n: 1 });
        const handshake = await opOk(socket, { op: "handshake" });
        assert.equal(handshake.secure, true);
        assert.match(handshake.address, /^(::ffff:)?127\.0\.0\.1$/);
      } finally {
        closeAll(socket);
      }
    }));
  }

  for (const mode of MODES.slice(0, 2)) {
    test(`${mode.name}: a client that does not trust the CA is refused`, wrap(async () => {
      const socket = client(url(), "/", { mode, ca: other.rootPem });
      try {
        await connectError(socket); // (the same client trusting the root connects, above)
      } finally {
        closeAll(socket);
      }
    }));
  }

  test("the refusal is the certificate check: Node's TLS names an unknown issuer", wrap(async () => {
    await assert.rejects(httpsGet(srv.port, "/healthz", other.rootPem), (err) => {
      assert.match(err.code, /UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF|SELF_SIGNED/);
      return true;
    });
    const chainless = await new Promise((resolve) => {
      // trusting the intermediate alone would also pass; trusting the root needs the chain
      const req = https.get({ host: "127.0.0.1", port: srv.port, path: "/healthz", ca: ca.rootPem }, (res) => {
        res.resume();
        resolve(res.socket.getPeerCertificate(true));
      });
      req.on("error", (err) => resolve(err));
    });
    assert.ok(!(chainless instanceof Error), String(chainless));
    assert.equal(chainless.subject.CN, "localhost");
    assert.equal(chainless.issuerCertificate.subject.CN, "sio test intermediate CA");
  }));

  test("the port serves only TLS: a plain HTTP client gets no Engine.IO handshake", wrap(async () => {
    const socket = client(`http://127.0.0.1:${srv.port}`, "/", { mode: MODES[0] });
    try {
      await connectError(socket);
    } finally {
      closeAll(socket);
    }
  }));

  test("/healthz answers over HTTPS", wrap(async () => {
    const res = await httpsGet(srv.port, "/healthz", ca.rootPem);
    assert.equal(res.status, srv.reference ? 404 : 200); // the twin has no health endpoint
  }));

  test("SIGHUP reloads the certificate: new connections get it, established ones stay; a bad file keeps the previous one", wrap(async () => {
    const before = client(url(), "/", { mode: MODES[1], ca: ca.rootPem });
    try {
      await connected(before);
      // rotate to a certificate of another CA
      const next = other.issueServer();
      fs.copyFileSync(next.certFile, files.cert);
      fs.copyFileSync(next.keyFile, files.key);
      process.kill(srv.pid, "SIGHUP");
      await eventually(async () => {
        const res = await httpsGet(srv.port, "/socket.io/?EIO=4&transport=polling", other.rootPem);
        assert.equal(res.status, 200);
      });
      const after = client(url(), "/", { mode: MODES[0], ca: other.rootPem });
      const stale = client(url(), "/", { mode: MODES[0], ca: ca.rootPem });
      try {
        await connected(after);
        await connectError(stale);
      } finally {
        closeAll(after, stale);
      }
      // the connection made before the reload still works
      assert.deepEqual(await emitAck(before, "message-with-ack", ["still here"]), ["still here"]);

      // a reload that cannot read its files keeps serving the certificate in use
      fs.writeFileSync(files.cert, "not a certificate\n");
      process.kill(srv.pid, "SIGHUP");
      await eventually(async () => assert.match(srv.stderr(), /reload failed/i));
      const again = client(url(), "/", { mode: MODES[1], ca: other.rootPem });
      try {
        await connected(again);
      } finally {
        closeAll(again);
      }
    } finally {
      closeAll(before);
    }
  }));
});
