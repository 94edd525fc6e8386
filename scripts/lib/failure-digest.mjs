// Prints a short digest of the failures in a ctest log (Testing/Temporary/LastTest.log):
// for each failed ctest test, the node:test cases marked ✖ and the first lines of their
// error (stack frames left out), so that the end of a long CI log says why it failed.
// Usage: node scripts/lib/failure-digest.mjs <LastTest.log> [max lines per failure]

import { readFileSync } from "node:fs";

const [file, perFailureArg] = process.argv.slice(2);
const perFailure = Number(perFailureArg ?? 14);
const lines = readFileSync(file, "utf8").split("\n");
const clip = (line) => (line.length > 2000 ? `${line.slice(0, 2000)} …(${line.length} chars)` : line);

// ctest's log: a block per test, opened by "<n>/<m> Test: <name>" and closed by
// 'Test Failed.' or 'Test Passed.' lines
const blocks = [];
let current = null;
for (const line of lines) {
  const start = /^\d+\/\d+ Test: (\S+)/.exec(line);
  if (start) {
    current = { name: start[1], lines: [] };
    blocks.push(current);
  } else if (current) {
    current.lines.push(line);
  }
}

// every attempt that failed (ctest --repeat until-pass runs a failed test again), the last
// attempt of each test deciding whether it failed the run or passed on retry
const lastAttempt = new Map(blocks.map((b) => [b.name, b]));
const failed = blocks.filter((b) => b.lines.some((l) => /^Test Failed/.test(l)));
let printed = 0;
for (const block of failed) {
  const last = lastAttempt.get(block.name);
  const note = last === block ? "" : last.lines.some((l) => /^Test Failed/.test(l)) ? " (first attempt)" : " (then passed on retry)";
  console.log(`=== ${block.name}${note}`);
  const body = block.lines;
  // the case lines of the spec reporter: "✖ name (ms)" followed by the indented error;
  // node:test repeats them under "✖ failing tests:", which is the part read here when present
  const summary = body.findIndex((l) => /^✖ failing tests:/.test(l));
  const from = summary >= 0 ? summary + 1 : 0;
  let shown = 0;
  for (let i = from; i < body.length && shown < 12; i++) {
    if (!/^\s*✖ /.test(body[i]) || /^✖ failing tests:/.test(body[i])) continue;
    shown++;
    console.log(clip(body[i]));
    let kept = 0;
    for (let j = i + 1; j < body.length && kept < perFailure; j++) {
      const l = body[j];
      if (/^\s*✖ /.test(l) || /^test at /.test(l) || /^\S/.test(l)) break;
      if (/^\s+at /.test(l) || l.trim() === "") continue;
      console.log(clip(l));
      kept++;
    }
  }
  if (shown === 0) {
    // not a node:test suite (or it died first): the last lines of its output
    const begin = body.indexOf("Output:");
    const end = body.indexOf("<end of output>");
    const output = begin >= 0 && end > begin ? body.slice(begin + 2, end) : body;
    for (const l of output.filter((l) => l.trim() !== "").slice(-perFailure)) console.log(clip(l));
  }
  printed++;
}
if (printed === 0) console.log("(no failed test found in the log)");
