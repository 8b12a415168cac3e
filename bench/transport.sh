#!/usr/bin/env bash
# What TLS and signature verification cost Rivulet's ingest, measured side by side in one run:
#   plain   cleartext HTTP/1.1, real SigV4 signatures, server with --auth none
#   tls     the same over TLS (HTTP/1.1 by ALPN), trusting the certificate the server printed
#   verify  cleartext, real signatures, server with --auth verify checking each one
# The three alternate for --rounds rounds (default 3), each run on a fresh server on a free loopback
# port (one at a time), each verified by reading every acknowledged record back. Prints records/s per phase and mode, averaged,
# and the ratios tls/plain and verify/plain.
#
#   bench/transport.sh [--rounds N] [--out <dir>] [-- <load generator options>]
#
# Default load: --duration 5 --phases putrecords-1k,putrecord (500 x 1 KiB PutRecords, then single PutRecord).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=3
out_dir=""
loadgen_args=(--duration 5 --phases putrecords-1k,putrecord)

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --out) out_dir="$2"; shift 2 ;;
    --) shift; loadgen_args=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

out_dir=${out_dir:-$(mktemp -d "${TMPDIR:-/tmp}/rivulet-transport.XXXXXX")}
mkdir -p "$out_dir"
server_dll="$root/src/Rivulet.Server/bin/Release/net10.0/Rivulet.Server.dll"
loadgen_dll="$root/bench/Rivulet.LoadGen/bin/Release/net10.0/Rivulet.LoadGen.dll"
access_key=AKIALOADGENEXAMPLE01
secret_key=loadgen-secret
credentials="$out_dir/credentials"
printf '[loadgen]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$access_key" "$secret_key" >"$credentials"

# shellcheck source=server-control.sh
. "$root/bench/server-control.sh"
trap stop_server EXIT
trap 'exit 130' INT TERM

start_server() { # <log> <serve options...>: waits (30 s at most) for the listening line
  local log=$1
  shift
  dotnet "$server_dll" serve --in-memory --port 0 "$@" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    if grep -q "listening on" "$log" && { ! grep -q "https://" "$log" || grep -q "TLS certificate" "$log"; }; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  return 1
}

echo "== building"
dotnet build -c Release "$root/src/Rivulet.Server" -nologo -v q
dotnet build -c Release "$root/bench/Rivulet.LoadGen" -nologo -v q

status=0
run() { # <mode> <round> <endpoint> [load generator options...]
  local mode=$1 round=$2 endpoint=$3
  shift 3
  echo "== round $round: $mode ($endpoint)"
  if ! dotnet "$loadgen_dll" --endpoint "$endpoint" --sign --access-key "$access_key" --secret-key "$secret_key" \
    --json-out "$out_dir/$mode-$round.json" "$@" "${loadgen_args[@]}" >"$out_dir/$mode-$round.txt"; then
    echo "$mode round $round: load generator failed; see $out_dir/$mode-$round.txt" >&2
    status=1
  fi
}

# Each run gets a fresh server, so that every mode starts as cold as the others, and the order of
# the modes turns from round to round, so that none always runs first.
modes=(plain tls verify)
for round in $(seq "$rounds"); do
  for i in 0 1 2; do
    mode=${modes[$(((i + round - 1) % 3))]}
    log="$out_dir/$mode-$round.server.log"
    case "$mode" in
      plain)
        start_server "$log" --tls-port off
        run plain "$round" "$(sed -n 's|.*listening on \(http://[0-9.:]*\).*|\1|p' "$log")" ;;
      tls)
        start_server "$log" --tls-port 0
        run tls "$round" "$(sed -n 's|.* and \(https://[0-9.:]*\).*|\1|p' "$log")" --ca-file "$(sed -n 's|.*TLS certificate: ||p' "$log")" ;;
      verify)
        start_server "$log" --tls-port off --auth verify --credentials "$credentials"
        run verify "$round" "$(sed -n 's|.*listening on \(http://[0-9.:]*\).*|\1|p' "$log")" ;;
    esac
    stop_server
  done
done

echo
echo "== records/s, mean of $rounds rounds (min-max); ratios of the means"
node - "$out_dir" "$rounds" <<'JS'
const fs = require('fs');
const [dir, rounds] = [process.argv[2], Number(process.argv[3])];
const modes = ['plain', 'tls', 'verify'];
const runs = Object.fromEntries(modes.map(m => [m, [...Array(rounds).keys()].map(i => `${dir}/${m}-${i + 1}.json`)
  .filter(f => fs.existsSync(f)).map(f => JSON.parse(fs.readFileSync(f, 'utf8')))]));
const phases = runs.plain.length ? runs.plain[0].phases.map(p => p.name) : [];
const stats = (mode, phase) => {
  const values = runs[mode].map(r => r.phases.find(p => p.name === phase)?.recordsPerSecond ?? 0);
  return { mean: values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1), min: Math.min(...values), max: Math.max(...values) };
};
console.log('phase'.padEnd(16) + modes.map(m => m.padStart(26)).join('') + 'tls/plain'.padStart(12) + 'verify/plain'.padStart(14));
for (const phase of phases) {
  const s = Object.fromEntries(modes.map(m => [m, stats(m, phase)]));
  const cell = x => `${x.mean.toFixed(0)} (${x.min.toFixed(0)}-${x.max.toFixed(0)})`;
  console.log(phase.padEnd(16) + modes.map(m => cell(s[m]).padStart(26)).join('') +
    (s.tls.mean / s.plain.mean).toFixed(2).padStart(12) + (s.verify.mean / s.plain.mean).toFixed(2).padStart(14));
}
const verdicts = modes.flatMap(m => runs[m].map(r => (r.verification ? (r.verification.passed ? 'PASS' : 'FAIL') : 'skipped')));
console.log(`verification: ${verdicts.filter(v => v === 'PASS').length} of ${verdicts.length} runs passed`);
JS
echo
echo "summaries and server logs: $out_dir"
exit "$status"
