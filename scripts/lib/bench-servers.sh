# Sourced by scripts/bench and scripts/bench-cluster: a private redis-server and the servers
# under test (C++ sio-testserver, a baseline build of it, or its Node.js twin) on free ports,
# pinned with taskset, stopped with the script. Expects bench_dir (a temporary folder) and
# SERVER_CORES / CLIENT_CORES (taskset core lists) to be set.

bench_pids=()  # processes of ours still running

bench_cleanup() {
  local pid
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$bench_dir"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_redis: a redis-server on CLIENT_CORES; sets redis_port, redis_url, redis_pid.
start_redis() {
  redis_port=$(free_port)
  taskset -c "$CLIENT_CORES" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" \
    --appendonly no --dir "$bench_dir" --daemonize no >"$bench_dir/redis.log" 2>&1 &
  redis_pid=$!
  bench_pids+=("$redis_pid")
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
  redis_url="redis://127.0.0.1:$redis_port"
}

# cpp: the working tree's build (or --measure's: measure_root); base: the baseline's
# (scripts/lib/bench-baseline.sh sets baseline_root); node: the Node.js twin.
server_command() {
  case $1 in
    cpp) echo "${measure_root:+$measure_root/}build/release/apps/sio-testserver" ;;
    base) echo "${baseline_root:?no baseline built}/build/release/apps/sio-testserver" ;;
    node) echo node tests/twin/sio-testserver.js ;;
  esac
}

# start_server IMPL NAME [FLAGS...]: one server on SERVER_CORES (every thread of the
# process, Node's helpers included); sets port_NAME and pid_NAME.
start_server() {
  local impl=$1 name=$2
  shift 2
  rm -f "$bench_dir/$name.out" "$bench_dir/$name.err"
  # shellcheck disable=SC2046
  taskset -c "$SERVER_CORES" $(server_command "$impl") --port 0 "$@" \
    >"$bench_dir/$name.out" 2>"$bench_dir/$name.err" &
  local pid=$!
  bench_pids+=("$pid")
  printf -v "pid_$name" '%s' "$pid"
  local waited=0
  until grep -q '^listening on' "$bench_dir/$name.out" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || ((waited++ > 300)); then
      echo "bench: $impl server $name did not start:" >&2
      cat "$bench_dir/$name.err" >&2
      exit 1
    fi
    sleep 0.1
  done
  printf -v "port_$name" '%s' "$(awk '/^listening on/ {print $3; exit}' "$bench_dir/$name.out")"
}

# stop_servers PID...: stops those servers and forgets them (redis-server stays).
stop_servers() {
  local pid kept=()
  kill "$@" 2>/dev/null || true
  wait "$@" 2>/dev/null || true
  for pid in "${bench_pids[@]}"; do
    [[ " $* " == *" $pid "* ]] || kept+=("$pid")
  done
  bench_pids=("${kept[@]}")
}
