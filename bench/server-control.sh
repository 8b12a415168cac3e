# Sourced by the bench scripts: stop_server stops the server whose pid is in $server_pid, politely
# (SIGTERM, 10 s at most) and then by force, and clears server_pid. Safe to call when none runs.
server_pid=""
stop_server() {
  [[ -n "$server_pid" ]] || return 0
  kill "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
