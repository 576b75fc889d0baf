#!/usr/bin/env bash
# The gateway's benchmark suite, one command:   bash bench/run.sh
#
# Builds Release, starts the sandbox (5 APIs x 10,000 invoices), the gateway configured for it and the bare
# Kestrel baseline on loopback ports, then measures (see bench/README.md):
#   detail, list  wrk -t2 -c64 -d10s, gateway and baseline alternating (ABBA) for BENCH_ROUNDS rounds each
#   cold          fan-out with every source delayed 250 ms (own small sandbox + gateway): merged vs each source alone
#   memory        the gateway's VmRSS with 5 x 10,000 invoices cached, and its growth per cached invoice
#   startup       process start to /health/ready 200 (configured sources, new SQLite database and existing one), and
#                 demo mode's start to its first answered list
#   refresh       p99 of the cached list on a gateway whose lists expire every 5 s vs the main one (no expiry)
#   yarp          the raw passthrough (ibana) against calling the sandbox directly
#   bdn           BenchmarkDotNet: normalization per adapter and the cached list page path
# and writes every figure to bench/results/latest.md. Everything it starts is stopped on exit.
#
# Knobs (environment): BENCH_PHASES="detail list cold memory yarp bdn", BENCH_ROUNDS=3, BENCH_DURATION=10s,
# BENCH_CONNECTIONS=64, BENCH_BDN_FILTER='*', BENCH_NO_BUILD=1 (reuse the last Release build), BENCH_GATEWAY_ENV (more
# environment for the gateways), BENCH_GCDUMP=FILE (a heap snapshot of the filled gateway, with dotnet-gcdump).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PHASES=${BENCH_PHASES:-"startup detail list refresh cold memory yarp bdn"}
ROUNDS=${BENCH_ROUNDS:-3}
BDN_FILTER=${BENCH_BDN_FILTER:-'*'}
REFRESH_DURATION=${BENCH_REFRESH_DURATION:-25s}
REFRESH_TTL=00:00:05
COLD_PER_SOURCE=200
COLD_PAGE_SIZE=20
COLD_LATENCY_MS=250
COLD_REPEATS=3
YARP_PATH='v1/invoice?page=1&limit=20'

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# ---------------------------------------------------------------- build
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  log "building Release"
  for project in sandbox/InvoiceGateway.Sandbox gateway/InvoiceGateway.Gateway bench/InvoiceGateway.Baseline bench/InvoiceGateway.Benchmarks; do
    dotnet build -c Release -nologo -v q "$project" >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; exit 1; }
  done
fi


# compare NAME GATEWAY_URL BASELINE_URL GATEWAY_HEADER BASELINE_HEADER: alternating rounds (ABBA), appends to the report
compare() {
  local name=$1 gw_url=$2 base_url=$3 gw_header=$4 base_header=$5 r
  local g_rps="" b_rps="" ratios="" g_p50="" g_p99="" b_p50="" b_p99="" errors=""
  log "$name: warming up (JIT tiering)"
  warm 10s "$gw_url" ${gw_header:+-H "$gw_header"}
  warm 5s "$base_url" ${base_header:+-H "$base_header"}
  for ((r = 1; r <= ROUNDS; r++)); do
    local order="gateway baseline"
    [ $((r % 2)) -eq 0 ] && order="baseline gateway"
    local g=0 b=0 side
    for side in $order; do
      if [ "$side" = gateway ]; then
        run_wrk "$name-gateway-$r" "$gw_url" ${gw_header:+"$gw_header"}
        g=$RPS; g_rps+=" $RPS"; g_p50+=" $P50"; g_p99+=" $P99"; errors+=$ERRORS
      else
        run_wrk "$name-baseline-$r" "$base_url" ${base_header:+"$base_header"}
        b=$RPS; b_rps+=" $RPS"; b_p50+=" $P50"; b_p99+=" $P99"; errors+=$ERRORS
      fi
    done
    local ratio
    ratio=$(awk -v g="$g" -v b="$b" 'BEGIN { if (b > 0) printf "%.3f", g / b; else print 0 }')
    ratios+=" $ratio"
    log "$name round $r: gateway $g req/s, baseline $b req/s, ratio $ratio"
  done
  eval "RESULT_${name}_GW=$(echo "$g_rps" | median)"
  eval "RESULT_${name}_BASE=$(echo "$b_rps" | median)"
  eval "RESULT_${name}_RATIO=$(echo "$ratios" | median)"
  eval "RESULT_${name}_RATIOS='$(echo "$ratios" | minmax)'"
  eval "RESULT_${name}_GW_P50=$(echo "$g_p50" | median)"
  eval "RESULT_${name}_GW_P99=$(echo "$g_p99" | median)"
  eval "RESULT_${name}_BASE_P50=$(echo "$b_p50" | median)"
  eval "RESULT_${name}_BASE_P99=$(echo "$b_p99" | median)"
  eval "RESULT_${name}_GW_ALL='$g_rps'"
  eval "RESULT_${name}_BASE_ALL='$b_rps'"
  eval "RESULT_${name}_RATIO_ALL='$ratios'"
  eval "RESULT_${name}_ERRORS='$errors'"
}

# ---------------------------------------------------------------- start-up: to ready, and demo mode to its first list
# ms_until URL SECONDS [HEADER]: milliseconds from now until URL answers 2xx (polled every 10 ms), or "n/a".
ms_until() {
  local begin end i
  begin=$(date +%s%N)
  for ((i = 0; i < $2 * 100; i++)); do
    if curl -sf -o /dev/null ${3:+-H "$3"} "$1" 2>/dev/null; then
      end=$(date +%s%N); echo $(( (end - begin) / 1000000 )); return 0
    fi
    sleep 0.01
  done
  echo n/a
}
STARTUP_REPEATS=${BENCH_STARTUP_REPEATS:-5}
case " $PHASES " in *" startup "*)
  # Both ways the gateway is started: the Release build's output (what `dotnet run` runs, JIT-compiled at start) and
  # the published app (`dotnet publish`, as the Dockerfile does: ReadyToRun, see the project file).
  PUBLISHED=$WORK/published
  log "publishing the gateway (ReadyToRun)"
  dotnet publish gateway/InvoiceGateway.Gateway -c Release -nologo -v q -o "$PUBLISHED" >"$WORK/publish.log" 2>&1 ||
    { tail -n 30 "$WORK/publish.log" >&2; exit 1; }
  STARTUP_SANDBOX_PORT=$(free_port 5380)
  start startupsandbox "$ROOT/sandbox/InvoiceGateway.Sandbox/$BIN" InvoiceGateway.Sandbox.dll \
    "Sandbox__InvoicesPerSource=100" Logging__LogLevel__Default=Warning -- --urls "http://127.0.0.1:$STARTUP_SANDBOX_PORT"
  wait_http "http://127.0.0.1:$STARTUP_SANDBOX_PORT/_sandbox/health" 120
  declare -A s_ms=() s_cpu=()
  for ((r = 1; r <= STARTUP_REPEATS; r++)); do
    for way in build published; do
      dir="$ROOT/gateway/InvoiceGateway.Gateway/$BIN"; [ "$way" = published ] && dir=$PUBLISHED
      port=$(free_port 5350)
      gateway_env "$STARTUP_SANDBOX_PORT" "$port"
      data="$WORK/startup-data-$way-$r"
      for kind in new existing; do
        start startupgw "$dir" InvoiceGateway.Gateway.dll "${GATEWAY_ENV[@]}" "Gateway__DataDirectory=$data"
        t=$(ms_until "http://127.0.0.1:$port/health/ready" 60)
        s_cpu[$way-$kind]+=" $(cpu_ms "$PID_startupgw")"
        kill "$PID_startupgw" 2>/dev/null || true; wait "$PID_startupgw" 2>/dev/null || true
        s_ms[$way-$kind]+=" $t"
      done
      demo_port=$(free_port 5360)
      start startupdemo "$dir" InvoiceGateway.Gateway.dll \
        "ASPNETCORE_URLS=http://127.0.0.1:$demo_port" Logging__LogLevel__Default=Warning "Gateway__DataDirectory=$WORK/startup-demo-$way-$r"
      t=$(ms_until "http://127.0.0.1:$demo_port/v1/invoices?limit=50" 60)
      s_cpu[$way-demo]+=" $(cpu_ms "$PID_startupdemo")"
      kill "$PID_startupdemo" 2>/dev/null || true; wait "$PID_startupdemo" 2>/dev/null || true
      s_ms[$way-demo]+=" $t"
      log "startup round $r ($way): ready (new database) $(echo "${s_ms[$way-new]}" | awk '{ print $NF }') ms, (existing) $(echo "${s_ms[$way-existing]}" | awk '{ print $NF }') ms, demo first list $t ms"
    done
  done
  kill "$PID_startupsandbox" 2>/dev/null || true; wait "$PID_startupsandbox" 2>/dev/null || true
  ;;
esac

# ---------------------------------------------------------------- the main stack: sandbox (10,000 per API), gateway, baseline
needs_main=0
for phase in detail list refresh memory yarp; do case " $PHASES " in *" $phase "*) needs_main=1 ;; esac; done

if [ $needs_main -eq 1 ]; then
  SANDBOX_PORT=$(free_port 5180)
  GATEWAY_PORT=$(free_port 5150)
  BASELINE_PORT=$(free_port $((GATEWAY_PORT + 1)))
  GATEWAY=http://127.0.0.1:$GATEWAY_PORT
  start_sandbox "$SANDBOX_PORT"
  gateway_env "$SANDBOX_PORT" "$GATEWAY_PORT"
  with_ttl 01:00:00
  log "starting the gateway on $GATEWAY"
  start gateway "$ROOT/gateway/InvoiceGateway.Gateway/$BIN" InvoiceGateway.Gateway.dll "${GATEWAY_ENV[@]}"
  wait_http "$GATEWAY/health/live" 60
  fill_gateway "$GATEWAY" "$WORK"
  RSS_AFTER_WARM=$(rss "$PID_gateway")
  start_baseline "$BASELINE_PORT" "$WORK/detail.json" "$WORK/list.json"
fi

case " $PHASES " in *" detail "*)
  compare detail "$GATEWAY/v1/invoices/$DETAIL_ID" "$BASELINE/v1/invoices/$DETAIL_ID" "X-Api-Key: $API_KEY" "" ;;
esac
case " $PHASES " in *" list "*)
  compare list "$GATEWAY/v1/invoices?$LIST_QUERY" "$BASELINE/v1/invoices?$LIST_QUERY" "X-Api-Key: $API_KEY" "" ;;
esac

# ---------------------------------------------------------------- memory: RSS growth from empty to 5 x 10,000 cached
# A gateway of its own with the background sync off: with it on, the sources are being read while the "empty" figure is
# taken. The list request reads every source (and the sync's comparison still runs for each read, as always).
# Besides the five sources it has five more of the same kinds on a sandbox of its own with no generated invoices (the
# seed examples only, 7 in all): requests of every kind against those warm the gateway up (JIT, thread pool, pools)
# before the "warm" figure, so the growth from it is what holding the invoices takes. Both figures are reported.
case " $PHASES " in *" memory "*)
  RSS_NOW=$(rss "$PID_gateway")
  RSS_PEAK=$(awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$PID_gateway/status")
  BASELINE_RSS=$(rss "$PID_baseline")
  WARM_SANDBOX_PORT=$(free_port $((SANDBOX_PORT + 3)))
  start warmsandbox "$ROOT/sandbox/InvoiceGateway.Sandbox/$BIN" InvoiceGateway.Sandbox.dll \
    Sandbox__InvoicesPerSource=0 Logging__LogLevel__Default=Warning -- --urls "http://127.0.0.1:$WARM_SANDBOX_PORT"
  wait_http "http://127.0.0.1:$WARM_SANDBOX_PORT/_sandbox/health" 120
  MEMORY_PORT=$(free_port $((BASELINE_PORT + 2)))
  MEMORY_GATEWAY=http://127.0.0.1:$MEMORY_PORT
  gateway_env "$WARM_SANDBOX_PORT" "$MEMORY_PORT"
  with_ttl 01:00:00
  WARM_ENV=()
  for e in "${GATEWAY_ENV[@]}"; do
    case "$e" in Gateway__Sources__*) WARM_ENV+=("${e/Gateway__Sources__/Gateway__Sources__warm}") ;; esac
  done
  gateway_env "$SANDBOX_PORT" "$MEMORY_PORT"
  with_ttl 01:00:00
  GATEWAY_ENV+=("${WARM_ENV[@]}" Gateway__Sync__Enabled=false "Gateway__DataDirectory=$WORK/memory-data")
  log "memory: a gateway without background sync on $MEMORY_GATEWAY"
  start memorygw "$ROOT/gateway/InvoiceGateway.Gateway/$BIN" InvoiceGateway.Gateway.dll "${GATEWAY_ENV[@]}"
  wait_http "$MEMORY_GATEWAY/health/live" 60
  # The gateway's own footprint before any invoice is cached: one authenticated request that caches nothing.
  curl -s -o /dev/null -H "X-Api-Key: $API_KEY" "$MEMORY_GATEWAY/v1/sources" || true
  sleep 2
  MEM_EMPTY=$(rss "$PID_memorygw")
  # Warm-up: every kind of request against the five sources that hold only the seed examples.
  for api in goscore sendcloud sendregning ibana dollr; do
    for query in "limit=50&include=raw" "status=open&overdue=true&sort=-gross&limit=10" "q=a&sort=issueDate&limit=10" "limit=50"; do
      curl -s -o "$WORK/warm-list.json" -H "X-Api-Key: $API_KEY" "$MEMORY_GATEWAY/v1/invoices?source=warm$api&$query" || true
    done
    id=$({ grep -o '"id":"warm[a-z]*:[^"]*"' "$WORK/warm-list.json" || true; } | head -n 1 | cut -d'"' -f4)
    if [ -n "$id" ]; then
      curl -s -o /dev/null -H "X-Api-Key: $API_KEY" "$MEMORY_GATEWAY/v1/invoices/$id" || true
      curl -s -o /dev/null -H "X-Api-Key: $API_KEY" "$MEMORY_GATEWAY/v1/invoices/$id?include=raw" || true
      curl -s -o /dev/null -H "X-Api-Key: $API_KEY" -H "Accept: application/vnd.oasis.ubl+xml" "$MEMORY_GATEWAY/v1/invoices/$id" || true
    fi
  done
  sleep 2
  MEM_WARM=$(rss "$PID_memorygw")
  curl -sf -o "$WORK/memory-list.json" -H "X-Api-Key: $API_KEY" "$MEMORY_GATEWAY/v1/invoices?$LIST_QUERY"
  MEM_FILLING=$(rss "$PID_memorygw")
  # The five filled sources only (not the warm-up ones).
  MEM_CACHED=$(grep -o '"name":"[a-z]*","state":"[a-z]*","count":[0-9]*' "$WORK/memory-list.json" | grep -v '"name":"warm' \
    | grep -o '"count":[0-9]*' | awk -F: '{ s += $2 } END { print s }')
  # A second after the last read ends, the gateway collects what the reads left (Aggregation/MemoryReclaimer.cs).
  sleep 4
  MEM_FILLED=$(rss "$PID_memorygw")
  log "memory: empty $MEM_EMPTY MiB, warmed up $MEM_WARM MiB, $MEM_CACHED invoices cached $MEM_FILLED MiB ($MEM_FILLING MiB as the list was answered)"
  warm "$DURATION" "$MEMORY_GATEWAY/v1/invoices?$LIST_QUERY" -H "X-Api-Key: $API_KEY"
  MEM_LOADED=$(rss "$PID_memorygw")
  MEM_HEAP=""
  # BENCH_GCDUMP=FILE: a heap snapshot of the filled gateway (dotnet-gcdump, forces a full GC) and its report by type.
  if [ -n "${BENCH_GCDUMP:-}" ]; then
    dotnet-gcdump collect -p "$PID_memorygw" -o "$BENCH_GCDUMP" >&2
    dotnet-gcdump report "$BENCH_GCDUMP" >"$BENCH_GCDUMP.txt"
    MEM_HEAP=$(awk '/GC Heap bytes/ { gsub(",", "", $1); printf "%.0f", $1 / 1048576; exit }' "$BENCH_GCDUMP.txt")
    log "memory: live GC heap $MEM_HEAP MiB (gcdump), VmRSS after its full GC $(rss "$PID_memorygw") MiB"
  fi
  kill "$PID_memorygw" "$PID_warmsandbox" 2>/dev/null || true
  wait "$PID_memorygw" "$PID_warmsandbox" 2>/dev/null || true
  ;;
esac

# ---------------------------------------------------------------- refresh wait: lists expiring every 5 s vs never
case " $PHASES " in *" refresh "*)
  REFRESH_PORT=$(free_port $((BASELINE_PORT + 1)))
  REFRESH_GATEWAY=http://127.0.0.1:$REFRESH_PORT
  gateway_env "$SANDBOX_PORT" "$REFRESH_PORT"
  with_ttl "$REFRESH_TTL"
  log "refresh: a second gateway on $REFRESH_GATEWAY with Cache:Ttl $REFRESH_TTL"
  start refreshgw "$ROOT/gateway/InvoiceGateway.Gateway/$BIN" InvoiceGateway.Gateway.dll "${GATEWAY_ENV[@]}"
  wait_http "$REFRESH_GATEWAY/health/live" 60
  curl -sf -o /dev/null -H "X-Api-Key: $API_KEY" "$REFRESH_GATEWAY/v1/invoices?$LIST_QUERY"
  warm 10s "$REFRESH_GATEWAY/v1/invoices?$LIST_QUERY" -H "X-Api-Key: $API_KEY"
  saved_duration=$DURATION; DURATION=$REFRESH_DURATION
  r_exp_p99="" r_none_p99="" r_exp_p50="" r_none_p50="" r_exp_max="" r_none_max="" r_ratios="" r_errors=""
  for ((r = 1; r <= ROUNDS; r++)); do
    order="expiring steady"; [ $((r % 2)) -eq 0 ] && order="steady expiring"
    for side in $order; do
      if [ "$side" = expiring ]; then
        run_wrk "refresh-expiring-$r" "$REFRESH_GATEWAY/v1/invoices?$LIST_QUERY" "X-Api-Key: $API_KEY"
        e99=$P99; r_exp_p99+=" $P99"; r_exp_p50+=" $P50"; r_errors+=$ERRORS
        r_exp_max+=" $(to_ms "$(awk '$1 == "Latency" { print $4 }' "$WORK/wrk-refresh-expiring-$r.txt")")"
      else
        run_wrk "refresh-steady-$r" "$GATEWAY/v1/invoices?$LIST_QUERY" "X-Api-Key: $API_KEY"
        s99=$P99; r_none_p99+=" $P99"; r_none_p50+=" $P50"; r_errors+=$ERRORS
        r_none_max+=" $(to_ms "$(awk '$1 == "Latency" { print $4 }' "$WORK/wrk-refresh-steady-$r.txt")")"
      fi
    done
    ratio=$(awk -v e="$e99" -v s="$s99" 'BEGIN { if (s > 0) printf "%.2f", e / s; else print 0 }')
    r_ratios+=" $ratio"
    log "refresh round $r: p99 expiring $e99 ms, steady $s99 ms, ratio $ratio"
  done
  DURATION=$saved_duration
  kill "$PID_refreshgw" 2>/dev/null || true; wait "$PID_refreshgw" 2>/dev/null || true
  ;;
esac

# ---------------------------------------------------------------- yarp: the raw passthrough against the sandbox directly
# Besides req/s, each run's CPU time per request (user + system, /proc/PID/stat) and context switches per request (every
# thread's voluntary + involuntary ones) of the gateway and of the sandbox: the passthrough adds a second HTTP hop on the
# same cores, and these say where a change of the ratio comes from. With BENCH_YARP_AGAINST=DIR (another gateway's Release
# output, e.g. main's), a second gateway from DIR runs on the same sandbox with the same configuration and the three sides
# rotate in every round, so that two builds are compared in the same minutes of a shared machine.
ctx_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'; }
per() { awk -v d="$1" -v n="$n" -v k="$2" 'BEGIN { if (n > 0) printf "%.1f", d * k / n; else print "n/a" }'; } # DELTA SCALE, over $n requests
YARP_ROWS=""
case " $PHASES " in *" yarp "*)
  YARP_DIRECT="$SANDBOX/ibana/$YARP_PATH"
  declare -A yarp_url=([gateway]="$GATEWAY/v1/sources/ibana/raw/$YARP_PATH" [direct]="$YARP_DIRECT")
  declare -A yarp_header=([gateway]="X-Api-Key: $API_KEY" [direct]="Authorization: Bearer demo-ibana-token")
  declare -A yarp_pid=([gateway]=$PID_gateway [direct]="")
  yarp_sides="gateway direct"
  if [ -n "${BENCH_YARP_AGAINST:-}" ]; then
    other_port=$(free_port $((GATEWAY_PORT + 7)))
    gateway_env "$SANDBOX_PORT" "$other_port"
    with_ttl 01:00:00
    log "yarp: starting the other gateway (${BENCH_YARP_AGAINST}) on port $other_port"
    start yarpother "$BENCH_YARP_AGAINST" InvoiceGateway.Gateway.dll "${GATEWAY_ENV[@]}" "Gateway__DataDirectory=$WORK/yarp-other-data"
    wait_http "http://127.0.0.1:$other_port/health/live" 60
    curl -s -o /dev/null -H "X-Api-Key: $API_KEY" "http://127.0.0.1:$other_port/v1/invoices?$LIST_QUERY"
    yarp_url[other]="http://127.0.0.1:$other_port/v1/sources/ibana/raw/$YARP_PATH"
    yarp_header[other]="X-Api-Key: $API_KEY"
    yarp_pid[other]=$PID_yarpother
    yarp_sides="gateway other direct"
  fi
  log "yarp: warming up (JIT tiering)"
  for side in $yarp_sides; do warm "$([ "$side" = direct ] && echo 5s || echo 10s)" "${yarp_url[$side]}" -H "${yarp_header[$side]}"; done
  read -r -a sides <<<"$yarp_sides"
  declare -A y_rps=() y_p50=() y_p99=() y_ratio=()
  y_errors=""
  for ((r = 1; r <= ROUNDS; r++)); do
    declare -A got=()
    for ((i = 0; i < ${#sides[@]}; i++)); do
      side=${sides[$(((i + r - 1) % ${#sides[@]}))]}
      load=$(cut -d' ' -f1 /proc/loadavg)
      gpid=${yarp_pid[$side]}
      s_cpu0=$(cpu_ms "$PID_sandbox"); s_cs0=$(ctx_switches "$PID_sandbox")
      [ -n "$gpid" ] && { g_cpu0=$(cpu_ms "$gpid"); g_cs0=$(ctx_switches "$gpid"); }
      run_wrk "yarp-$side-$r" "${yarp_url[$side]}" "${yarp_header[$side]}"
      s_cpu1=$(cpu_ms "$PID_sandbox"); s_cs1=$(ctx_switches "$PID_sandbox")
      n=$(awk '/requests in/ { print $1 }' "$WORK/wrk-yarp-$side-$r.txt"); n=${n:-0}
      g_us="–"; g_cs="–"
      if [ -n "$gpid" ]; then
        g_us=$(per $(($(cpu_ms "$gpid") - g_cpu0)) 1000); g_cs=$(per $(($(ctx_switches "$gpid") - g_cs0)) 1)
      fi
      got[$side]=$RPS
      y_rps[$side]+=" $RPS"; y_p50[$side]+=" $P50"; y_p99[$side]+=" $P99"; y_errors+=$ERRORS
      YARP_ROWS+="| $r | $load | $side | $RPS | $g_us | $(per $((s_cpu1 - s_cpu0)) 1000) | $g_cs | $(per $((s_cs1 - s_cs0)) 1) |"$'\n'
    done
    for side in gateway other; do
      [ -n "${got[$side]:-}" ] || continue
      y_ratio[$side]+=" $(awk -v g="${got[$side]}" -v b="${got[direct]}" 'BEGIN { if (b > 0) printf "%.3f", g / b; else print 0 }')"
    done
    log "yarp round $r: $(for side in $yarp_sides; do printf '%s %s req/s  ' "$side" "${got[$side]}"; done)"
    unset got
  done
  RESULT_yarp_GW=$(echo "${y_rps[gateway]}" | median); RESULT_yarp_BASE=$(echo "${y_rps[direct]}" | median)
  RESULT_yarp_RATIO=$(echo "${y_ratio[gateway]}" | median); RESULT_yarp_RATIOS=$(echo "${y_ratio[gateway]}" | minmax)
  RESULT_yarp_GW_P50=$(echo "${y_p50[gateway]}" | median); RESULT_yarp_GW_P99=$(echo "${y_p99[gateway]}" | median)
  RESULT_yarp_BASE_P50=$(echo "${y_p50[direct]}" | median); RESULT_yarp_BASE_P99=$(echo "${y_p99[direct]}" | median)
  RESULT_yarp_GW_ALL=${y_rps[gateway]}; RESULT_yarp_BASE_ALL=${y_rps[direct]}; RESULT_yarp_RATIO_ALL=${y_ratio[gateway]}
  RESULT_yarp_ERRORS=$y_errors
  if [ -n "${BENCH_YARP_AGAINST:-}" ]; then
    RESULT_yarp_OTHER=$(echo "${y_rps[other]}" | median); RESULT_yarp_OTHER_ALL=${y_rps[other]}
    RESULT_yarp_OTHER_RATIO=$(echo "${y_ratio[other]}" | median); RESULT_yarp_OTHER_RATIOS=$(echo "${y_ratio[other]}" | minmax)
    RESULT_yarp_OTHER_RATIO_ALL=${y_ratio[other]}
    RESULT_yarp_OTHER_P50=$(echo "${y_p50[other]}" | median); RESULT_yarp_OTHER_P99=$(echo "${y_p99[other]}" | median)
    kill "$PID_yarpother" 2>/dev/null || true; wait "$PID_yarpother" 2>/dev/null || true
  fi
  ;;
esac

# ---------------------------------------------------------------- cold fan-out: every source 250 ms per request
COLD_ROWS=""
case " $PHASES " in *" cold "*)
  # The main stack is not needed any more: stop it, so the cold run has the machine to itself.
  for pid in ${PID_gateway:-} ${PID_baseline:-} ${PID_sandbox:-}; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  COLD_SANDBOX_PORT=$(free_port 5280)
  COLD_GATEWAY_PORT=$(free_port 5250)
  COLD_SANDBOX=http://127.0.0.1:$COLD_SANDBOX_PORT
  COLD_GATEWAY=http://127.0.0.1:$COLD_GATEWAY_PORT
  log "cold fan-out: sandbox with $COLD_PER_SOURCE invoices per API, page size $COLD_PAGE_SIZE, latency ${COLD_LATENCY_MS} ms"
  start coldsandbox "$ROOT/sandbox/InvoiceGateway.Sandbox/$BIN" InvoiceGateway.Sandbox.dll \
    "Sandbox__InvoicesPerSource=$COLD_PER_SOURCE" Logging__LogLevel__Default=Warning -- --urls "$COLD_SANDBOX"
  wait_http "$COLD_SANDBOX/_sandbox/health" 120
  gateway_env "$COLD_SANDBOX_PORT" "$COLD_GATEWAY_PORT" "$COLD_PAGE_SIZE"
  start coldgateway "$ROOT/gateway/InvoiceGateway.Gateway/$BIN" InvoiceGateway.Gateway.dll "${GATEWAY_ENV[@]}"
  wait_http "$COLD_GATEWAY/health/live" 60
  # One read without latency first: what is measured is the fan-out, not JIT compilation or token exchanges.
  curl -sf -o /dev/null -H "X-Api-Key: $API_KEY" "$COLD_GATEWAY/v1/invoices?limit=50"
  for api in goscore sendcloud sendregning ibana dollr; do
    curl -sf -o /dev/null -X PUT -H 'Content-Type: application/json' -d "{\"latencyMs\":$COLD_LATENCY_MS}" "$COLD_SANDBOX/_sandbox/faults/$api"
  done
  # cold_time QUERY: seconds of one list request that bypasses the cache (Cache-Control: no-cache) and so reads every
  # queried source again; fails the run when a source did not answer ok.
  cold_time() {
    local body="$WORK/cold.json" t
    t=$(curl -s -o "$body" -w '%{time_total}' -H "X-Api-Key: $API_KEY" -H 'Cache-Control: no-cache' "$COLD_GATEWAY/v1/invoices?limit=50&$1")
    if grep -q '"state":"failed"' "$body"; then echo "cold read $1 failed: $(head -c 600 "$body")" >&2; exit 1; fi
    printf '%.2f\n' "$t"
  }
  declare -A cold_times=()
  for ((r = 1; r <= COLD_REPEATS; r++)); do
    cold_times[all]+=" $(cold_time '')"
    cold_times[paged]+=" $(cold_time 'source=goscore,sendcloud,sendregning,ibana')"
    for api in goscore sendcloud sendregning ibana dollr; do cold_times[$api]+=" $(cold_time "source=$api")"; done
    log "cold round $r: all $(echo "${cold_times[all]}" | awk '{ print $NF }') s"
  done
  for key in all paged goscore sendcloud sendregning ibana dollr; do
    eval "COLD_${key}=$(echo "${cold_times[$key]}" | median)"
    eval "COLD_${key}_ALL='${cold_times[$key]}'"
  done
  COLD_SLOWEST=$(for api in goscore sendcloud sendregning ibana dollr; do eval "echo \$COLD_$api $api"; done | sort -g | tail -1)
  COLD_SLOWEST_PAGED=$(for api in goscore sendcloud sendregning ibana; do eval "echo \$COLD_$api $api"; done | sort -g | tail -1)
  COLD_RATIO=$(awk -v a="$COLD_all" -v s="${COLD_SLOWEST% *}" 'BEGIN { printf "%.2f", a / s }')
  COLD_RATIO_PAGED=$(awk -v a="$COLD_paged" -v s="${COLD_SLOWEST_PAGED% *}" 'BEGIN { printf "%.2f", a / s }')
  ;;
esac

# ---------------------------------------------------------------- BenchmarkDotNet
case " $PHASES " in *" bdn "*)
  log "BenchmarkDotNet (filter $BDN_FILTER)"
  for pid in ${PID_coldgateway:-} ${PID_coldsandbox:-}; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  (cd "$ROOT/bench/InvoiceGateway.Benchmarks/$BIN" &&
    dotnet InvoiceGateway.Benchmarks.dll --filter "$BDN_FILTER" --artifacts "$WORK/bdn") >"$WORK/bdn.log" 2>&1 ||
    { tail -n 40 "$WORK/bdn.log" >&2; exit 1; }
  ;;
esac

# ---------------------------------------------------------------- report
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "ge") ? (v >= t) : (v <= t); print ok ? "**met**" : "**not met**" }'; }
{
  echo "# InvoiceGateway benchmark results"
  echo
  echo "Written by \`bash bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' + local changes')."
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'),"
  echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: other builds and tests run at the same time)."
  echo
  if [ $needs_main -eq 1 ]; then
    echo "Sandbox: $PER_SOURCE generated invoices per API; the gateway cached $CACHED_INVOICES invoices from 5 sources."
    echo "First (uncached) list request: $FIRST_LIST (HTTP status, seconds). Sources: $(sed 's/"//g' "$WORK/sources.txt" | tr '\n' ' ')"
    echo
  fi
  for name in detail list yarp; do
    case " $PHASES " in *" $name "*) ;; *) continue ;; esac
    eval "gw=\$RESULT_${name}_GW base=\$RESULT_${name}_BASE ratio=\$RESULT_${name}_RATIO ratios=\$RESULT_${name}_RATIOS"
    eval "gp50=\$RESULT_${name}_GW_P50 gp99=\$RESULT_${name}_GW_P99 bp50=\$RESULT_${name}_BASE_P50 bp99=\$RESULT_${name}_BASE_P99"
    eval "gall=\$RESULT_${name}_GW_ALL ball=\$RESULT_${name}_BASE_ALL rall=\$RESULT_${name}_RATIO_ALL errs=\$RESULT_${name}_ERRORS"
    case $name in
      detail) echo "## Cached GET /v1/invoices/$DETAIL_ID vs bare Kestrel serving the same bytes"; target=0.80 ;;
      list) echo "## Cached GET /v1/invoices?$LIST_QUERY (5 x $PER_SOURCE invoices) vs bare Kestrel serving the same bytes"; target=0.80 ;;
      yarp) echo "## YARP passthrough GET /v1/sources/ibana/raw/$YARP_PATH vs the sandbox directly"; target="" ;;
    esac
    echo
    echo "wrk -t2 -c$CONNECTIONS -d$DURATION --latency, $ROUNDS rounds $([ "$name" = yarp ] && echo "with the sides rotating" || echo "alternating (ABBA)"); medians, ratio = median of the per-round ratios."
    echo
    echo "| | req/s (median) | p50 ms | p99 ms | req/s per round |"
    echo "| --- | ---: | ---: | ---: | --- |"
    if [ "$name" = yarp ]; then
      echo "| gateway (YARP) | $gw | $gp50 | $gp99 | $gall |"
      [ -n "${BENCH_YARP_AGAINST:-}" ] &&
        echo "| other gateway ($BENCH_YARP_AGAINST) | $RESULT_yarp_OTHER | $RESULT_yarp_OTHER_P50 | $RESULT_yarp_OTHER_P99 | $RESULT_yarp_OTHER_ALL |"
      echo "| sandbox direct | $base | $bp50 | $bp99 | $ball |"
    else
      echo "| gateway | $gw | $gp50 | $gp99 | $gall |"
      echo "| baseline | $base | $bp50 | $bp99 | $ball |"
    fi
    echo
    if [ -n "$target" ]; then
      echo "Ratio gateway / baseline: **$ratio** (rounds: $rall; range $ratios); target ≥ $target: $(verdict "$ratio" "$target" ge)."
    else
      echo "Ratio gateway / direct: **$ratio** (rounds: $rall; range $ratios)."
      [ -n "${BENCH_YARP_AGAINST:-}" ] &&
        echo "Ratio other gateway / direct: **$RESULT_yarp_OTHER_RATIO** (rounds: $RESULT_yarp_OTHER_RATIO_ALL; range $RESULT_yarp_OTHER_RATIOS)."
      echo
      echo "Every run, in the order run (the sides rotate each round); CPU = user + system time of the process over the run"
      echo "÷ requests served, context switches likewise (all its threads, voluntary + involuntary):"
      echo
      echo "| round | load average | side | req/s | gateway CPU µs/req | sandbox CPU µs/req | gateway cs/req | sandbox cs/req |"
      echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
      printf '%s' "$YARP_ROWS"
    fi
    [ -n "${errs// /}" ] && echo "wrk reported: $errs"
    echo
  done
  case " $PHASES " in *" memory "*)
    echo "## Memory"
    echo
    echo "A gateway of its own without background sync (so that \"empty\" is empty), configured like the main one plus five"
    echo "warm-up sources of the same kinds on a sandbox without generated invoices; the sandboxes run in processes of their own."
    echo "VmRSS empty (after one request that caches nothing): $MEM_EMPTY MiB; warmed up (every kind of request against the"
    echo "warm-up sources): $MEM_WARM MiB; with $MEM_CACHED invoices cached: **$MEM_FILLED MiB** 4 s after the list request that"
    echo "read them ($MEM_FILLING MiB as it was answered, before the collection that follows large reads), $MEM_LOADED MiB"
    echo "after $DURATION of list requests${MEM_HEAP:+; live GC heap (dotnet-gcdump, after a full GC) $MEM_HEAP MiB}."
    echo
    per() { awk -v a="$1" -v e="$2" -v n="$MEM_CACHED" 'BEGIN { printf "%.2f", (a - e) * 1024 / n }'; }
    echo "| growth per cached invoice | from warmed up | from empty |"
    echo "| --- | ---: | ---: |"
    echo "| filled (4 s after the list) | **$(per "$MEM_FILLED" "$MEM_WARM") KB** | $(per "$MEM_FILLED" "$MEM_EMPTY") KB |"
    echo "| after $DURATION of list requests | $(per "$MEM_LOADED" "$MEM_WARM") KB | $(per "$MEM_LOADED" "$MEM_EMPTY") KB |"
    echo
    echo "(RSS includes what the garbage collector has not returned yet; target ≤ 3 KB, issue 11.)"
    echo
    echo "The main gateway (background sync on, $CACHED_INVOICES invoices): VmRSS $RSS_AFTER_WARM MiB after warming, $RSS_NOW MiB"
    echo "after the load runs (peak VmHWM $RSS_PEAK MiB). The bare baseline process: $BASELINE_RSS MiB."
    echo
    ;;
  esac
  case " $PHASES " in *" startup "*)
    echo "## Start-up"
    echo
    echo "From starting \`dotnet InvoiceGateway.Gateway.dll\` to the first 200 (polled every 10 ms), and the CPU time the process"
    echo "used until then; $STARTUP_REPEATS rounds, the two ways alternating, medians. *build*: the Release build's output (what"
    echo "\`dotnet run\` runs); *published*: \`dotnet publish -c Release\` (ReadyToRun, as the Dockerfile publishes)."
    echo
    echo "| | way | ms (median) | CPU ms (median) | ms, all rounds |"
    echo "| --- | --- | ---: | ---: | --- |"
    for way in build published; do
      echo "| to /health/ready, 5 configured sources, new SQLite database (schema created) | $way | $(echo "${s_ms[$way-new]}" | median) | $(echo "${s_cpu[$way-new]}" | median) | ${s_ms[$way-new]} |"
      echo "| to /health/ready, 5 configured sources, existing database | $way | $(echo "${s_ms[$way-existing]}" | median) | $(echo "${s_cpu[$way-existing]}" | median) | ${s_ms[$way-existing]} |"
      echo "| demo mode (in-process sandbox, new database) to its first GET /v1/invoices?limit=50 | $way | $(echo "${s_ms[$way-demo]}" | median) | $(echo "${s_cpu[$way-demo]}" | median) | ${s_ms[$way-demo]} |"
    done
    echo
    echo "Targets (issue 16): ready under 1,500 ms, demo's first list within 3,000 ms."
    echo
    ;;
  esac
  case " $PHASES " in *" refresh "*)
    echo "## Refresh wait: cached list with Cache:Ttl $REFRESH_TTL (expiring) vs one hour (steady)"
    echo
    echo "wrk -t2 -c$CONNECTIONS -d$REFRESH_DURATION --latency on GET /v1/invoices?$LIST_QUERY, 5 x $PER_SOURCE invoices: a second"
    echo "gateway on the same sandbox whose five lists expire every 5 s (each $REFRESH_DURATION run spans several expiries) vs"
    echo "the main gateway (no expiry during the run); $ROUNDS rounds alternating; medians."
    echo
    echo "| | p50 ms | p99 ms | max ms | p99 per round |"
    echo "| --- | ---: | ---: | ---: | --- |"
    echo "| expiring (Ttl 5 s) | $(echo "$r_exp_p50" | median) | $(echo "$r_exp_p99" | median) | $(echo "$r_exp_max" | median) | $r_exp_p99 |"
    echo "| steady (Ttl 1 h) | $(echo "$r_none_p50" | median) | $(echo "$r_none_p99" | median) | $(echo "$r_none_max" | median) | $r_none_p99 |"
    echo
    rr=$(echo "$r_ratios" | median)
    echo "p99 expiring / steady: **$rr** (rounds:$r_ratios); target ≤ 3: $(verdict "$rr" 3 le)."
    [ -n "${r_errors// /}" ] && echo "wrk reported: $r_errors"
    echo
    ;;
  esac
  case " $PHASES " in *" cold "*)
    echo "## Cold fan-out, every source delayed ${COLD_LATENCY_MS} ms per request"
    echo
    echo "Own sandbox with $COLD_PER_SOURCE invoices per API, PageSize $COLD_PAGE_SIZE (goscore, sendregning, ibana); each figure is the"
    echo "median of $COLD_REPEATS list requests with \`Cache-Control: no-cache\` (every queried source read again), seconds."
    echo
    echo "| read | seconds (median) | all |"
    echo "| --- | ---: | --- |"
    echo "| merged, 5 sources | $COLD_all | $COLD_all_ALL |"
    for api in goscore sendcloud sendregning ibana dollr; do eval "echo \"| $api alone | \$COLD_$api | \$COLD_${api}_ALL |\""; done
    echo "| merged, the 4 paged sources (no dollr) | $COLD_paged | $COLD_paged_ALL |"
    echo
    echo "Merged / slowest alone ($COLD_SLOWEST s): **$COLD_RATIO**; target ≤ 1.3: $(verdict "$COLD_RATIO" 1.3 le)."
    echo "Without dollr: merged / slowest alone ($COLD_SLOWEST_PAGED s): **$COLD_RATIO_PAGED**."
    echo
    ;;
  esac
  case " $PHASES " in *" bdn "*)
    echo "## BenchmarkDotNet"
    echo
    echo "In-process short job (3 warm-up, 3 measured iterations), MemoryDiagnoser. Normalization: OperationsPerInvoke ="
    echo "invoices per page, so Mean is per invoice, Op/s is invoices per second on one core (one thread) and Allocated is"
    echo "bytes per invoice. ListPage: per request; Allocated does not grow with InvoicesPerSource."
    echo
    for f in "$WORK"/bdn/results/*-report-github.md; do
      [ -f "$f" ] || continue
      echo "### $(basename "$f" -report-github.md | sed 's/.*\.//')"
      echo
      sed -n '/^|/,$p' "$f" | sed "s/\*\*//g; s/&#39;//g"
      echo
    done
    ;;
  esac
  echo "Total run time: $(( $(date +%s) - started )) s."
} >"$OUT/latest.md"
cp "$WORK/wrk-all.txt" "$OUT/latest-wrk.txt" 2>/dev/null || true
log "wrote bench/results/latest.md"
cat "$OUT/latest.md"
