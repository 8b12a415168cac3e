#!/usr/bin/env bash
# Measurements of the durable embedded store, in one run on one machine:
#   1. end-to-end ingest, durable (--fsync always) vs in-memory: 500 × 1 KiB PutRecords, 8 clients;
#   2. resident memory of a durable server with 1 GiB and with 5 GiB stored;
#   3. recovery: kill -9 the server holding 5 GiB, restart it, time until it listens (per GiB).
#
#   bench/durability.sh [--out <dir>] [--duration <s>] [--big-gib <n>]
# Servers listen on free loopback ports and are always stopped. Needs ~6 GiB of free disk in $TMPDIR.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir=""
duration=10
big_gib=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out_dir="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --big-gib) big_gib="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
out_dir=${out_dir:-$(mktemp -d "${TMPDIR:-/tmp}/rivulet-durability.XXXXXX")}
data_root=$(mktemp -d "${TMPDIR:-/tmp}/rivulet-durability-data.XXXXXX")
mkdir -p "$out_dir"

server_dll="$root/src/Rivulet.Server/bin/Release/net10.0/Rivulet.Server.dll"
loadgen_dll="$root/bench/Rivulet.LoadGen/bin/Release/net10.0/Rivulet.LoadGen.dll"
dotnet build -c Release "$root/src/Rivulet.Server" -v q -nologo >/dev/null
dotnet build -c Release "$root/bench/Rivulet.LoadGen" -v q -nologo >/dev/null

# shellcheck source=server-control.sh
. "$root/bench/server-control.sh"
endpoint=""
cleanup() { stop_server; rm -rf "$data_root"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() { # <log> <args…>: starts on a free port, sets server_pid, endpoint and start_ms
  local log="$1"; shift
  local t0; t0=$(date +%s%N)
  : >"$log"
  dotnet "$server_dll" serve --port 0 --tls-port off "$@" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1200); do
    if grep -q "listening on" "$log"; then
      start_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
      endpoint=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited:" >&2; tail -n 20 "$log" >&2; return 1; }
    sleep 0.05
  done
  echo "server did not start within 60 s" >&2; return 1
}

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$server_pid/status"; }

loadgen() { dotnet "$loadgen_dll" --endpoint "$endpoint" "$@"; }

echo "== 1. ingest, 500 × 1 KiB PutRecords, 8 clients, ${duration} s"
start_server "$out_dir/memory.log" --in-memory
loadgen --phases putrecords-1k --clients 8 --duration "$duration" --json-out "$out_dir/memory.json" | tee "$out_dir/memory.txt" | tail -n 4
stop_server
start_server "$out_dir/durable.log" --data-dir "$data_root/ingest" --fsync always
loadgen --phases putrecords-1k --clients 8 --duration "$duration" --json-out "$out_dir/durable.json" | tee "$out_dir/durable.txt" | tail -n 4
stop_server
rm -rf "$data_root/ingest"

echo "== 2. resident memory with 1 GiB and ${big_gib} GiB stored"
start_server "$out_dir/fill.log" --data-dir "$data_root/fill" --fsync always
# 2048 requests of 500 × 1 KiB = 1 GiB of record data.
loadgen --phases putrecords-1k --clients 8 --duration 600 --max-requests 2048 --keep-stream --no-verify >/dev/null
sleep 3
rss_1=$(rss_mib); du_1=$(du -sm "$data_root/fill" | cut -f1)
loadgen --phases putrecords-1k --clients 8 --duration 1200 --max-requests $(( 2048 * (big_gib - 1) )) --keep-stream --no-verify >/dev/null
sleep 3
rss_big=$(rss_mib); du_big=$(du -sm "$data_root/fill" | cut -f1)
# Reading old data must stream it from disk, not hold it.
loadgen --phases putrecords-1k --clients 8 --duration 60 --max-requests 2048 --json-out "$out_dir/readback.json" >/dev/null
rss_read=$(rss_mib)

echo "== 3. recovery after kill -9 with ${du_big} MiB on disk"
kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
start_server "$out_dir/recover.log" --data-dir "$data_root/fill" --fsync always
recovery_ms=$start_ms
stop_server
start_server "$out_dir/empty.log" --data-dir "$data_root/empty" --fsync always
empty_ms=$start_ms
stop_server

python3 - "$out_dir" "$rss_1" "$du_1" "$rss_big" "$du_big" "$rss_read" "$recovery_ms" "$empty_ms" <<'PY'
import json, sys
out, rss1, du1, rssb, dub, rssr, rec, empty = sys.argv[1], *map(int, sys.argv[2:])
mem = json.load(open(f"{out}/memory.json"))["phases"][0]
dur = json.load(open(f"{out}/durable.json"))["phases"][0]
print()
print(f"{'':34}{'in-memory':>14}{'durable':>14}{'ratio':>8}")
print(f"{'records/s (500 x 1 KiB, 8 clients)':34}{mem['recordsPerSecond']:>14,.0f}{dur['recordsPerSecond']:>14,.0f}{dur['recordsPerSecond']/mem['recordsPerSecond']:>8.2f}")
print(f"{'MB/s':34}{mem['megabytesPerSecond']:>14,.1f}{dur['megabytesPerSecond']:>14,.1f}")
print(f"{'p50 / p99 ms':34}{mem['latencyP50Ms']:>7.1f} /{mem['latencyP99Ms']:>5.1f}{dur['latencyP50Ms']:>7.1f} /{dur['latencyP99Ms']:>5.1f}")
print()
print(f"resident memory: {rss1} MiB with {du1} MiB on disk, {rssb} MiB with {dub} MiB on disk ({(rssb-rss1)/rss1*100:+.1f}%), {rssr} MiB after reading 1 GiB back")
print(f"recovery: {rec} ms to listen with {dub} MiB on disk vs {empty} ms empty -> {(rec-empty)/(dub/1024):.0f} ms per GiB")
PY
echo "summaries and logs: $out_dir"
