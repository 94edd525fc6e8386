#!/usr/bin/env bash
# Configures and builds tests/package/subdirectory, a project that includes socketio-cpp
# with add_subdirectory, then runs its consumer: proves sio::sio works without installing.
# Only the consumer target (and the libraries it links) is built. The work folder is kept
# (in the build tree) so a second run is incremental; its cache is dropped each time, so
# the configure is a fresh one. Every find_package and find_program leaves an entry in the
# cache: none may be there for GoogleTest, Google Benchmark or Node.js.
#   check_subdirectory.sh WORK_DIR SOURCE_DIR     (CONSUMER_CXX_FLAGS: extra compiler flags)
set -euo pipefail
work=$1 source_dir=$2
mkdir -p "$work"
rm -f "$work/CMakeCache.txt"
cmake -S "$source_dir/tests/package/subdirectory" -B "$work" -G Ninja \
  -DSIO_SOURCE_DIR="$source_dir" -DCMAKE_CXX_FLAGS="${CONSUMER_CXX_FLAGS:-}" \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
if grep -iE "^(GTEST|GMOCK|benchmark|NODE)[A-Za-z_]*:" "$work/CMakeCache.txt"; then
  echo "the configure looked for a test or benchmark tool (cache entries above)"; exit 1
fi
cmake --build "$work" --target consumer >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }
"$work/consumer"
