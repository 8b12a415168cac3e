#!/usr/bin/env bash
# SubscribeToShard delivery, measured against one server with its default durable store (a
# temporary data directory, fsync always), run in this order:
#   idle      10,000 records put one at a time; the time from each PutRecord answer to the event
#             carrying the record reaching the reader (p50, p90, p99, max)
#   loaded    the same while the load generator writes 500 x 100 B PutRecords to another stream with
#             --load-clients clients (4) for --load-seconds (60); its records/s are printed after
#   fanout    on a fresh server, 20 consumers x 5 shards = 100 subscriptions while a writer puts
#             --fanout-records records; records per second each subscription received, the server's
#             resident memory (before, peak, end), and whether every subscription got every record
#             of its shard once and in order
#
#   bench/fanout.sh [--records N] [--fanout-records N] [--load-clients N] [--load-seconds N] [--out <dir>]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
records=10000
fanout_records=100000
load_clients=4
load_seconds=60
out_dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --records) records="$2"; shift 2 ;;
    --fanout-records) fanout_records="$2"; shift 2 ;;
    --load-clients) load_clients="$2"; shift 2 ;;
    --load-seconds) load_seconds="$2"; shift 2 ;;
    --out) out_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

out_dir=${out_dir:-$(mktemp -d "${TMPDIR:-/tmp}/rivulet-fanout.XXXXXX")}
mkdir -p "$out_dir"
data_dir="$out_dir/data"
server_dll="$root/src/Rivulet.Server/bin/Release/net10.0/Rivulet.Server.dll"
loadgen_dll="$root/bench/Rivulet.LoadGen/bin/Release/net10.0/Rivulet.LoadGen.dll"
fanout_dll="$root/bench/Rivulet.FanOut/bin/Release/net10.0/Rivulet.FanOut.dll"

# shellcheck source=server-control.sh
. "$root/bench/server-control.sh"
load_pid=""
cleanup() {
  [[ -z "$load_pid" ]] || kill "$load_pid" 2>/dev/null || true
  stop_server
  rm -rf "$data_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for project in src/Rivulet.Server bench/Rivulet.LoadGen bench/Rivulet.FanOut; do
  dotnet build -c Release "$root/$project" >"$out_dir/build.log" 2>&1 || { tail -n 20 "$out_dir/build.log" >&2; exit 1; }
done

start() { # a fresh server with an empty durable store
  stop_server
  rm -rf "$data_dir"
  log="$out_dir/server-$1.log"
  dotnet "$server_dll" serve --data-dir "$data_dir" --port 0 --tls-port off >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    grep -q "listening on" "$log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  endpoint=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -n 1)
  echo "server $endpoint (pid $server_pid, durable store in $data_dir)"
}

start latency
echo "== idle"
dotnet "$fanout_dll" latency --endpoint "$endpoint" --records "$records" | tee "$out_dir/idle.txt"

echo "== loaded ($load_clients load generator clients writing 500 x 100 B PutRecords to another stream)"
dotnet "$loadgen_dll" --endpoint "$endpoint" --clients "$load_clients" --duration "$load_seconds" --phases putrecords-100 --no-verify >"$out_dir/load.txt" 2>&1 &
load_pid=$!
sleep 3
started=$SECONDS
dotnet "$fanout_dll" latency --endpoint "$endpoint" --records "$records" | tee "$out_dir/loaded.txt"
measured=$((SECONDS - started))
wait "$load_pid" || { cat "$out_dir/load.txt" >&2; exit 1; }
load_pid=""
grep -E "^(phase +requests|putrecords-100)" "$out_dir/load.txt"
if (( measured + 3 > load_seconds )); then
  echo "warning: the measurement took ${measured} s, longer than the load ran (${load_seconds} s); raise --load-seconds" >&2
fi

echo "== fanout (on a fresh server, so its memory is the subscriptions' and not the load's)"
start fanout
dotnet "$fanout_dll" fanout --endpoint "$endpoint" --records "$fanout_records" --shards 5 --consumers 20 --server-pid "$server_pid" | tee "$out_dir/fanout.txt"
echo "results in $out_dir"
