# Sourced by scripts/bench: the baseline build of `scripts/bench --baseline REF`. REF's tree
# is exported with `git archive` into build/baseline/<full commit>/ (gitignored with the
# rest of build/) and built there, Release, by that tree's own scripts/build; a finished
# build is kept (a stamp file), so a rerun against the same commit does not rebuild.
# The folder layout mirrors the working tree's (sources at ../../ of the build folder),
# so ccache (base_dir) mostly reuses the working tree's objects for unchanged files.

# baseline_build REF [TARGET...]: sets baseline_commit (full) and baseline_root; builds
# TARGETs (default sio-testserver) there unless a stamp says they were built.
baseline_build() {
  local ref=$1
  shift
  local targets=("${@:-sio-testserver}")
  baseline_commit=$(git rev-parse --verify --quiet "$ref^{commit}") || {
    echo "bench: --baseline $ref: no such commit" >&2
    exit 2
  }
  baseline_root=build/baseline/$baseline_commit
  local stamp="$baseline_root/.built-$(printf '%s+' "${targets[@]}")"
  [[ -f $stamp ]] && return 0
  if [[ ! -f $baseline_root/.exported ]]; then
    rm -rf "$baseline_root"
    mkdir -p "$baseline_root"
    git archive "$baseline_commit" | tar -x -C "$baseline_root"
    touch "$baseline_root/.exported"
  fi
  echo "bench: building the baseline $(git rev-parse --short "$baseline_commit") in $baseline_root" \
    "(${targets[*]}; kept for the next run)" >&2
  "$baseline_root/scripts/build" release "${targets[@]}" >"$baseline_root/build.log" 2>&1 || {
    echo "bench: the baseline build failed, see $baseline_root/build.log" >&2
    tail -n 20 "$baseline_root/build.log" >&2
    exit 1
  }
  touch "$stamp"
}
