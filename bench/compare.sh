#!/usr/bin/env bash
# Runs the same load against Rivulet and kinesalite, one server at a time, and prints both summaries and the
# Rivulet/kinesalite ratio per phase. Servers listen on free loopback ports and are always stopped on exit.
#
#   bench/compare.sh [--targets rivulet,kinesalite] [--out <dir>] [-- <load generator options>]
#
# e.g. bench/compare.sh -- --duration 5 --clients 4
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
targets="rivulet,kinesalite"
out_dir=""
loadgen_args=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --targets) targets="$2"; shift 2 ;;
    --out) out_dir="$2"; shift 2 ;;
    --) shift; loadgen_args=("$@"); break ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

out_dir=${out_dir:-$(mktemp -d "${TMPDIR:-/tmp}/rivulet-compare.XXXXXX")}
mkdir -p "$out_dir"
server_dll="$root/src/Rivulet.Server/bin/Release/net10.0/Rivulet.Server.dll"
loadgen_dll="$root/bench/Rivulet.LoadGen/bin/Release/net10.0/Rivulet.LoadGen.dll"
kinesalite_cli="$bench/kinesalite/node_modules/kinesalite/cli.js"

# shellcheck source=server-control.sh
. "$root/bench/server-control.sh"
trap stop_server EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() { # <port> <log>: up to 30 s for the server to accept connections
  for _ in $(seq 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "server exited during startup; last lines of $2:" >&2
      tail -n 20 "$2" >&2
      return 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "server did not listen on port $1 within 30 s (log: $2)" >&2
  return 1
}

echo "== building"
if [[ ",$targets," == *",rivulet,"* ]]; then
  dotnet build -c Release "$root/src/Rivulet.Server" -nologo -v q
fi
dotnet build -c Release "$root/bench/Rivulet.LoadGen" -nologo -v q
if [[ ",$targets," == *",kinesalite,"* && ! -d "$bench/kinesalite/node_modules" ]]; then
  (cd "$bench/kinesalite" && npm ci --no-audit --no-fund)
fi

status=0
IFS=',' read -r -a target_list <<<"$targets"
for target in "${target_list[@]}"; do
  port=$(free_port)
  log="$out_dir/$target.server.log"
  echo
  echo "== $target on 127.0.0.1:$port"
  case "$target" in
    rivulet) dotnet "$server_dll" serve --in-memory --port "$port" --tls-port off >"$log" 2>&1 & ;;
    kinesalite) node "$kinesalite_cli" --port "$port" --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0 \
      --shardLimit 100000 >"$log" 2>&1 & ;;
    *) echo "unknown target '$target' (rivulet, kinesalite)" >&2; exit 2 ;;
  esac
  server_pid=$!
  if wait_for_port "$port" "$log"; then
    if ! dotnet "$loadgen_dll" --endpoint "http://127.0.0.1:$port" --json-out "$out_dir/$target.json" \
      ${loadgen_args[@]+"${loadgen_args[@]}"} | tee "$out_dir/$target.txt"; then
      echo "$target: load generator failed (exit ${PIPESTATUS[0]})" >&2
      status=1
    fi
  else
    status=1
  fi
  stop_server
done

if [[ -f "$out_dir/rivulet.json" && -f "$out_dir/kinesalite.json" ]]; then
  echo
  echo "== Rivulet / kinesalite (throughput: > 1 means Rivulet is faster; latency: < 1 means Rivulet is faster)"
  node - "$out_dir/rivulet.json" "$out_dir/kinesalite.json" <<'JS'
const fs = require('fs');
const [r, k] = process.argv.slice(2).map(f => JSON.parse(fs.readFileSync(f, 'utf8')));
const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
const cols = ['phase', 'rivulet rec/s', 'kinesalite rec/s', 'rec/s ratio', 'MB/s ratio', 'p50 ratio', 'p99 ratio'];
console.log(cols[0].padEnd(16) + cols.slice(1).map(c => c.padStart(17)).join(''));
for (const rp of r.phases) {
  const kp = k.phases.find(p => p.name === rp.name);
  if (!kp) continue;
  const row = [rp.recordsPerSecond.toFixed(0), kp.recordsPerSecond.toFixed(0),
    ratio(rp.recordsPerSecond, kp.recordsPerSecond), ratio(rp.megabytesPerSecond, kp.megabytesPerSecond),
    ratio(rp.latencyP50Ms, kp.latencyP50Ms), ratio(rp.latencyP99Ms, kp.latencyP99Ms)];
  console.log(rp.name.padEnd(16) + row.map(c => String(c).padStart(17)).join(''));
}
const verdict = s => (s.verification ? (s.verification.passed ? 'PASS' : 'FAIL') : 'skipped');
console.log(`verification: rivulet ${verdict(r)}, kinesalite ${verdict(k)}`);
JS
fi
echo
echo "summaries and server logs: $out_dir"
exit "$status"
