// A private certificate authority for TLS tests, made with the openssl command line in a
// temporary folder: a root CA, an intermediate CA, and server certificates for localhost
// and 127.0.0.1 signed by the intermediate. A server is given its certificate followed by
// the intermediate (the chain file); clients trust the root only, so a server that does
// not send its chain fails them.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const openssl = (args, cwd) => execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });

/** A fresh P-256 key in `file`. */
function newKey(dir, file) {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file], dir);
}

/** Signs `name`.csr with the CA `issuer` (files issuer.pem / issuer.key) using `extensions`. */
function sign(dir, name, issuer, extensions) {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    ["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.pem`, "-CAkey", `${issuer}.key`,
      "-CAcreateserial", "-days", "2", "-sha256", "-extfile", `${name}.ext`, "-out", `${name}.pem`],
    dir,
  );
}

export class PrivateCa {
  /** Creates the root and the intermediate CA in a new temporary folder. */
  constructor(label = "sio test") {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "sio-tls-"));
    const dir = this.dir;
    newKey(dir, "root.key");
    openssl(
      ["req", "-x509", "-new", "-key", "root.key", "-sha256", "-days", "2", "-subj", `/CN=${label} root CA`,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", "root.pem"],
      dir,
    );
    newKey(dir, "intermediate.key");
    openssl(["req", "-new", "-key", "intermediate.key", "-subj", `/CN=${label} intermediate CA`, "-out", "intermediate.csr"], dir);
    sign(dir, "intermediate", "root",
      "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
    this.rootPem = fs.readFileSync(path.join(dir, "root.pem"));
    this.rootFile = path.join(dir, "root.pem");
    this.count = 0;
  }

  /**
   * A server certificate for localhost and 127.0.0.1: {certFile (the chain: leaf then
   * intermediate), keyFile, leafFile}.
   */
  issueServer(name = `server${++this.count}`) {
    const dir = this.dir;
    newKey(dir, `${name}.key`);
    openssl(["req", "-new", "-key", `${name}.key`, "-subj", "/CN=localhost", "-out", `${name}.csr`], dir);
    sign(dir, name, "intermediate",
      "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n" +
        "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
    const chainFile = path.join(dir, `${name}-chain.pem`);
    fs.writeFileSync(chainFile, Buffer.concat([
      fs.readFileSync(path.join(dir, `${name}.pem`)),
      fs.readFileSync(path.join(dir, "intermediate.pem")),
    ]));
    return { certFile: chainFile, keyFile: path.join(dir, `${name}.key`), leafFile: path.join(dir, `${name}.pem`) };
  }

  remove() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
