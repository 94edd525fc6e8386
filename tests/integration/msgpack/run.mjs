// ctest entry for the msgpack differential tests: writes fresh vectors with the real JS
// packages (gen-vectors.mjs, or the generator named by --generator), then runs the C++
// checker on them.
// Usage: node run.mjs [--generator gen-packet-vectors.mjs] <checker executable> <vectors file> [count] [seed]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);
let generatorName = "gen-vectors.mjs";
if (argv[0] === "--generator") {
  generatorName = argv[1];
  argv.splice(0, 2);
}
const [checker, vectors, ...rest] = argv;
if (!checker || !vectors || !generatorName) {
  console.error("usage: node run.mjs [--generator <script>] <checker> <vectors-file> [count] [seed]");
  process.exit(2);
}
const generator = fileURLToPath(new URL(`./${generatorName}`, import.meta.url));
for (const [cmd, args] of [[process.execPath, [generator, vectors, ...rest]], [checker, [vectors]]]) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
