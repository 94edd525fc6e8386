// ctest entry for the msgpack differential test: writes fresh vectors with the real JS
// encoders (gen-vectors.mjs), then runs the C++ checker on them.
// Usage: node run.mjs <msgpack-diff-check executable> <vectors file> [count] [seed]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const [checker, vectors, ...rest] = process.argv.slice(2);
if (!checker || !vectors) {
  console.error("usage: node run.mjs <checker> <vectors-file> [count] [seed]");
  process.exit(2);
}
const generator = fileURLToPath(new URL("./gen-vectors.mjs", import.meta.url));
for (const [cmd, args] of [[process.execPath, [generator, vectors, ...rest]], [checker, [vectors]]]) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
