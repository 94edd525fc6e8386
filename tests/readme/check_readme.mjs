// Compiles every C++ example of the README (syntax and types only), so the documented API
// never drifts from the real one. Usage: node check_readme.mjs README CXX INCLUDE_DIR
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [readme, compiler, includeDir] = process.argv.slice(2);
const blocks = [...readFileSync(readme, "utf8").matchAll(/```cpp\n([\s\S]*?)```/g)].map((m) => m[1]);
const dir = mkdtempSync(join(tmpdir(), "readme-"));
let failed = 0;
blocks.forEach((block, index) => {
  const lines = block.split("\n");
  const includes = lines.filter((line) => line.startsWith("#include"));
  const body = lines.filter((line) => !line.startsWith("#include"));
  const file = join(dir, `example${index}.cpp`);
  writeFileSync(file, ["#include <boost/asio/io_context.hpp>", ...includes, "int main() {", ...body, "}"].join("\n"));
  try {
    execFileSync(compiler, ["-std=c++20", "-fsyntax-only", `-I${includeDir}`, "-DBOOST_ASIO_SEPARATE_COMPILATION", file], { stdio: "pipe" });
    console.log(`README example ${index + 1}: compiles`);
  } catch (error) {
    failed++;
    console.log(`README example ${index + 1}: does not compile\n${error.stderr}`);
  }
});
if (blocks.length === 0) {
  console.log("no C++ example found in the README");
  process.exit(1);
}
process.exit(failed ? 1 : 0);
