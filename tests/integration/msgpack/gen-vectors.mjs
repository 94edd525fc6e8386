// Differential vectors for the C++ msgpack codec: random JSON-like JS values (Buffers at
// any depth, every number class incl. unsafe integers, -0, NaN, ±Infinity, multi-byte
// strings, size-class boundaries) and random Dates, each encoded by the real
// @msgpack/msgpack 2.8 and notepack.io 3.0.1 and decoded back by both.
// Usage: node gen-vectors.mjs <out-file> [count=3000] [seed]   (format: see writeLine below)
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";

import { seed, rand, int, pick, randomValue, tag } from "./random-values.mjs";

const require = createRequire(new URL("../../node/package.json", import.meta.url));
const mm = require("@msgpack/msgpack");
const np = require("notepack.io");

const [outFile, countArg, seedArg] = process.argv.slice(2);
if (!outFile) {
  console.error("usage: node gen-vectors.mjs <out-file> [count] [seed]");
  process.exit(2);
}
const COUNT = Number(countArg ?? 3000);
const SEED = Number(seedArg ?? process.env.MSGPACK_DIFF_SEED ?? 20260101) >>> 0;
seed(SEED);

// A few large values cross the 16-bit boundaries of str, bin, array and map.
function bigValues() {
  const out = [];
  out.push("s".repeat(65535), "s".repeat(65536), "é".repeat(40000));
  out.push(Buffer.alloc(65535, 7), Buffer.alloc(65536, 9));
  out.push(new Array(65535).fill(1), new Array(65536).fill(null));
  const m16 = {};
  for (let i = 0; i < 65535; i++) m16["k" + i] = i & 1;
  const m32 = { ...m16, last: true };
  out.push(m16, m32);
  // A typical cluster BROADCAST with a binary attachment.
  out.push({
    uid: "9b1f7c0e0a6d3c21",
    nsp: "/",
    type: 3,
    data: {
      packet: { type: 2, data: ["file", Buffer.alloc(1024, 0xab), { name: "x.bin", size: 1024 }] },
      opts: { rooms: ["room1"], except: [], flags: {} },
    },
  });
  return out;
}

const hex = (b) => Buffer.from(b).toString("hex");
const lines = [];
const values = bigValues();
while (values.length < COUNT) values.push(randomValue(int(6)));

// V <tagged json> <@msgpack/msgpack hex> <notepack hex> <mm.decode(mm) tagged>
//   <np.decode(np) tagged> <mm.encode(mm.decode(mm)) hex> <np.encode(np.decode(np)) hex>
// (notepack keeps integers beyond 2^64 modulo 2^64, so its second round can differ)
for (const v of values) {
  const a = mm.encode(v);
  const b = np.encode(v);
  const da = mm.decode(a);
  const db = np.decode(b);
  lines.push(["V", JSON.stringify(tag(v)), hex(a), hex(b), JSON.stringify(tag(da)), JSON.stringify(tag(db)),
    hex(mm.encode(da)), hex(np.encode(db))].join("\t"));
}

// D <ms> <@msgpack/msgpack hex> <notepack hex> <JSON of mm.decode> <JSON of np.decode> <empty> <empty>
const DATE_SPECIAL = [0, -1, 1, 999, -999, 1000, -1000, 2 ** 32 * 1000, 2 ** 34 * 1000, 2 ** 34 * 1000 - 1,
  253402300799999, 253402300800000, -62167219200000, -62167219200001, 8.64e15, -8.64e15];
const dates = [...DATE_SPECIAL];
for (let i = 0; i < 500; i++) {
  const r = int(4);
  if (r === 0) dates.push(Math.floor(rand() * 2 ** 32) * 1000);
  else if (r === 1) dates.push(Math.floor((rand() - 0.3) * 4e12));
  else if (r === 2) dates.push(Math.floor((rand() - 0.5) * 1.728e16));
  else dates.push(Math.floor(rand() * 2 ** 34 * 1000));
}
for (const ms of dates) {
  const d = new Date(ms);
  const a = mm.encode(d);
  const b = np.encode(d);
  lines.push(["D", String(ms), hex(a), hex(b), JSON.stringify(mm.decode(a)), JSON.stringify(np.decode(b)), "", ""].join("\t"));
}

writeFileSync(outFile, lines.join("\n") + "\n");
console.log(`gen-vectors: seed ${SEED}, ${values.length} values, ${dates.length} dates → ${outFile}`);
