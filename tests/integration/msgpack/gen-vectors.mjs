// Differential vectors for the C++ msgpack codec: random JSON-like JS values (Buffers at
// any depth, every number class incl. unsafe integers, -0, NaN, ±Infinity, multi-byte
// strings, size-class boundaries) and random Dates, each encoded by the real
// @msgpack/msgpack 2.8 and notepack.io 3.0.1 and decoded back by both.
// Usage: node gen-vectors.mjs <out-file> [count=3000] [seed]   (format: see writeLine below)
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";

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

// mulberry32: small, seedable, good enough for test data.
let state = SEED;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];

// Lengths that cross every header boundary, and ordinary small ones.
const STR_LENGTHS = [0, 1, 5, 30, 31, 32, 33, 100, 254, 255, 256, 257, 1000];
const BIN_LENGTHS = [0, 1, 3, 16, 255, 256, 257, 1024];
const COUNTS = [0, 1, 2, 3, 4, 14, 15, 16, 17];

const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyz0123456789 _-",
  "é€ü中文ß",
  "😀🎉𝄞",
  "a\"\\/\n\t\u0000\u001f\u007f",
];

function randomString(byteTarget) {
  // Builds up to about byteTarget UTF-8 bytes (exact when ASCII is picked).
  const alphabet = rand() < 0.6 ? ALPHABETS[0] : pick(ALPHABETS);
  const chars = [...alphabet];
  let s = "";
  let bytes = 0;
  while (bytes < byteTarget) {
    const c = pick(chars);
    const b = Buffer.byteLength(c);
    if (bytes + b > byteTarget) {
      s += "x".repeat(byteTarget - bytes);
      break;
    }
    s += c;
    bytes += b;
  }
  return s;
}

const POW = [5, 7, 8, 15, 16, 31, 32, 52, 53, 54, 63, 64, 70];
function randomNumber() {
  switch (int(12)) {
    case 0:
      return int(128);
    case 1:
      return -int(40);
    case 2: {
      const p = 2 ** pick(POW);
      return (rand() < 0.5 ? 1 : -1) * (p + pick([-2, -1, 0, 1, 2]));
    }
    case 3:
      return Math.floor((rand() - 0.5) * 2 ** int(54));
    case 4:
      return (rand() - 0.5) * 10 ** (int(40) - 20);
    case 5:
      return pick([0, -0, NaN, Infinity, -Infinity, 0.1, 1.5, -1.5, 5e-324, 1e21, 1e300, -1e300]);
    case 6: // unsafe integers
      return (rand() < 0.5 ? 1 : -1) * Math.floor(2 ** (53 + rand() * 20));
    case 7:
      return Math.fround(rand() * 1000);
    case 8:
      return int(0x10000) * pick([1, -1]);
    case 9:
      return int(2 ** 32) * pick([1, -1]);
    case 10:
      return 2 ** 53 * pick([1, -1]);
    default:
      return rand() * 1e6;
  }
}

function randomKey() {
  switch (int(6)) {
    case 0:
      return String(int(100)); // integer-like keys: JS puts them first
    case 1:
      return randomString(pick([0, 1, 31, 32, 40]));
    default:
      return pick(["type", "data", "nsp", "uid", "rooms", "except", "flags", "id", "a", "b"]) + int(20);
  }
}

function randomValue(depth) {
  const r = rand();
  if (depth > 0 && r < 0.3) {
    const n = rand() < 0.85 ? int(5) : rand() < 0.9 ? pick(COUNTS) : int(40);
    if (rand() < 0.5) {
      const a = [];
      for (let i = 0; i < n; i++) a.push(randomValue(depth - 1));
      return a;
    }
    const o = {};
    for (let i = 0; i < n; i++) o[randomKey()] = randomValue(depth - 1);
    return o;
  }
  const k = int(10);
  if (k < 3) return randomNumber();
  if (k < 6) return randomString(rand() < 0.85 ? int(20) : pick(STR_LENGTHS));
  if (k < 8) {
    const b = Buffer.alloc(rand() < 0.8 ? int(8) : pick(BIN_LENGTHS));
    for (let i = 0; i < b.length; i++) b[i] = int(256);
    return b;
  }
  if (k < 9) return rand() < 0.5;
  return null;
}

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

// Tagged JSON: Buffers → {"$bin":"<hex>"}, -0/NaN/±Infinity → {"$num":"-0"|"NaN"|...}.
function tag(v) {
  if (v instanceof Uint8Array) return { $bin: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex") };
  if (typeof v === "number") {
    if (Object.is(v, -0) || !Number.isFinite(v)) return { $num: Object.is(v, -0) ? "-0" : String(v) };
    return v;
  }
  if (Array.isArray(v)) return v.map(tag);
  if (v instanceof Date) return v.toJSON();
  if (v && typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v)) o[k] = tag(v[k]);
    return o;
  }
  return v;
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
