#!/usr/bin/env bash
# Two builds of the gateway side by side against one sandbox and the bare baseline:
#
#   bash bench/ab.sh <commitA> <commitB> [rounds]      (rounds: default 5; "." as a commit = the working tree)
#
# Builds each commit's gateway in Release in a directory of its own (`git archive`, kept under BENCH_AB_CACHE, default
# /tmp/invoicegateway-ab, so a commit is built once), starts ONE sandbox (5 x 10,000 invoices), gateway A, gateway B
# (both with bench/run.sh's environment, from bench/lib.sh) and the baseline serving B's bytes, warms each up, then for
# detail and list runs `wrk` (bench/run.sh's settings) alternating A, baseline, B, baseline (B first in even rounds).
# Each build's ratio is to the baseline run right after it, in its own round; B/A is the two builds in the same round.
# Also per run: the process's CPU time per request (utime + stime over the run / requests), and `uptime`'s load before
# each round. Writes the report to BENCH_AB_REPORT (default bench/results/ab-latest.md) and prints it.
# The sandbox and the baseline are built from this working tree (BENCH_NO_BUILD=1: use their last Release build).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ $# -ge 2 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
ROUNDS=${3:-5}
CACHE=${BENCH_AB_CACHE:-/tmp/invoicegateway-ab}
REPORT=${BENCH_AB_REPORT:-$ROOT/bench/results/ab-latest.md}

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# commit_of REF: the full hash; "." is the working tree's tracked files as they are now (git stash create).
commit_of() {
  if [ "$1" = . ]; then
    local stash; stash=$(git stash create)
    git rev-parse "${stash:-HEAD}^{commit}"
  else
    git rev-parse "$1^{commit}"
  fi
}

# build_gateway SHA: its gateway's Release output directory (built once per commit).
build_gateway() {
  local dir=$CACHE/$1
  if [ ! -f "$dir/gateway/InvoiceGateway.Gateway/$BIN/InvoiceGateway.Gateway.dll" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    git archive "$1" | tar -x -C "$dir"
    log "building the gateway of ${1:0:7} in $dir"
    (cd "$dir" && dotnet build -c Release -nologo -v q gateway/InvoiceGateway.Gateway) >"$WORK/build-${1:0:7}.log" 2>&1 ||
      { tail -n 30 "$WORK/build-${1:0:7}.log" >&2; rm -rf "$dir"; exit 1; }
  fi
  echo "$dir/gateway/InvoiceGateway.Gateway/$BIN"
}

SHA_A=$(commit_of "$1"); SHA_B=$(commit_of "$2")
NAME_A="A ${SHA_A:0:7}"; NAME_B="B ${SHA_B:0:7}"
[ "$1" = . ] && NAME_A+=" (working tree on $(git rev-parse --short HEAD))"
[ "$2" = . ] && NAME_B+=" (working tree on $(git rev-parse --short HEAD))"
mkdir -p "$CACHE"
DIR_A=$(build_gateway "$SHA_A")
DIR_B=$(build_gateway "$SHA_B")
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  log "building the sandbox and the baseline"
  for project in sandbox/InvoiceGateway.Sandbox bench/InvoiceGateway.Baseline; do
    dotnet build -c Release -nologo -v q "$project" >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; exit 1; }
  done
fi

SANDBOX_PORT=$(free_port 5480)
start_sandbox "$SANDBOX_PORT"
declare -A URL=()
for side in a b; do
  port=$(free_port $((5450 + ${#URL[@]} * 2)))
  URL[$side]=http://127.0.0.1:$port
  gateway_env "$SANDBOX_PORT" "$port"
  with_ttl 01:00:00
  dir=$DIR_A; [ $side = b ] && dir=$DIR_B
  log "starting gateway $side on ${URL[$side]}"
  start "gateway$side" "$dir" InvoiceGateway.Gateway.dll "${GATEWAY_ENV[@]}"
  wait_http "${URL[$side]}/health/live" 60
  mkdir -p "$WORK/$side"
  fill_gateway "${URL[$side]}" "$WORK/$side"
done
start_baseline "$(free_port 5460)" "$WORK/b/detail.json" "$WORK/b/list.json"
SAME_BYTES="the same bytes from A and B"
for f in detail list; do
  cmp -s "$WORK/a/$f.json" "$WORK/b/$f.json" ||
    SAME_BYTES="A's and B's bytes differ (A: detail $(wc -c <"$WORK/a/detail.json") B, list $(wc -c <"$WORK/a/list.json") B; the baseline serves B's)"
done
log "$SAME_BYTES"

# measure LABEL PID URL [HEADER]: one wrk run; sets RPS and US (the process's CPU microseconds per request).
measure() {
  local label=$1 pid=$2 url=$3; shift 3
  local before after requests
  before=$(cpu_ms "$pid")
  run_wrk "$label" "$url" "$@"
  after=$(cpu_ms "$pid")
  requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk-$label.txt")
  US=$(awk -v a="$after" -v b="$before" -v n="${requests:-0}" 'BEGIN { if (n > 0) printf "%.1f", (a - b) * 1000 / n; else print "n/a" }')
}

ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.3f", x / y; else print 0 }'; }

TABLES=""
for name in detail list; do
  path="v1/invoices/$DETAIL_ID"; [ $name = list ] && path="v1/invoices?$LIST_QUERY"
  log "$name: warming up (JIT tiering)"
  warm 10s "${URL[a]}/$path" -H "X-Api-Key: $API_KEY"
  warm 10s "${URL[b]}/$path" -H "X-Api-Key: $API_KEY"
  warm 5s "$BASELINE/$path"
  rows="" ra_all="" rb_all="" ba_all="" ua_all="" ub_all="" ubase_all=""
  for ((r = 1; r <= ROUNDS; r++)); do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    order="a b"; [ $((r % 2)) -eq 0 ] && order="b a"
    declare -A rps=() base=() us=() ubase=()
    for side in $order; do
      measure "$name-$side-$r" "$(eval echo "\$PID_gateway$side")" "${URL[$side]}/$path" "X-Api-Key: $API_KEY"
      rps[$side]=$RPS; us[$side]=$US
      measure "$name-base$side-$r" "$PID_baseline" "$BASELINE/$path"
      base[$side]=$RPS; ubase[$side]=$US
    done
    ra=$(ratio "${rps[a]}" "${base[a]}"); rb=$(ratio "${rps[b]}" "${base[b]}"); ba=$(ratio "${rps[b]}" "${rps[a]}")
    ra_all+=" $ra"; rb_all+=" $rb"; ba_all+=" $ba"; ua_all+=" ${us[a]}"; ub_all+=" ${us[b]}"; ubase_all+=" ${ubase[a]} ${ubase[b]}"
    first=A; [ "$order" = "b a" ] && first=B
    rows+="| $r | $load | $first | ${rps[a]} / ${base[a]} | ${rps[b]} / ${base[b]} | $ra | $rb | $ba | ${us[a]} | ${us[b]} | ${ubase[a]}, ${ubase[b]} |"$'\n'
    log "$name round $r (load $load): A $ra, B $rb, B/A $ba; CPU us/request A ${us[a]}, B ${us[b]}, baseline ${ubase[a]}/${ubase[b]}"
  done
  TABLES+="## $name: GET /$path"$'\n\n'
  TABLES+="| round | load (1, 5, 15 min) before | first | A req/s / baseline after it | B req/s / baseline after it | A ratio | B ratio | B/A | A CPU µs/req | B CPU µs/req | baseline CPU µs/req |"$'\n'
  TABLES+="| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"$'\n'
  TABLES+="$rows"
  TABLES+="| **median** | | | | | **$(echo "$ra_all" | median)** | **$(echo "$rb_all" | median)** | **$(echo "$ba_all" | median)** | $(echo "$ua_all" | median) | $(echo "$ub_all" | median) | $(echo "$ubase_all" | median) |"$'\n\n'
  TABLES+="Ranges: A $(echo "$ra_all" | minmax), B $(echo "$rb_all" | minmax), B/A $(echo "$ba_all" | minmax)."
  TABLES+=" CPU per request, B/A per round:$(paste -d' ' <(echo "$ub_all" | tr ' ' '\n' | grep -v '^$') <(echo "$ua_all" | tr ' ' '\n' | grep -v '^$') | awk '{ printf " %.2f", $1 / $2 }')."$'\n\n'
done

{
  echo "# A/B: $NAME_A vs $NAME_B (bench/ab.sh, $(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "One sandbox ($PER_SOURCE invoices per API, $CACHED_INVOICES cached), both gateways with bench/run.sh's environment, the"
  echo "bare baseline serving B's bytes ($SAME_BYTES). wrk -t2 -c$CONNECTIONS -d$DURATION per run; each round runs A, baseline, B,"
  echo "baseline (B first in even rounds); a build's ratio is to the baseline run right after it. CPU µs/req: the process's"
  echo "utime + stime over the run / requests served. Machine: $(nproc) cores, shared; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  printf '%s' "$TABLES"
  echo "Total run time: $(( $(date +%s) - started )) s."
} >"$REPORT"
log "wrote $REPORT"
cat "$REPORT"
