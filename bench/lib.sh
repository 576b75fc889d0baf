# Shared by bench/run.sh and bench/ab.sh (sourced, after ROOT is set): the settings both measure with, the processes
# they start (and stop on exit), the gateway's environment for the sandbox's five APIs, and the wrk helpers.

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
PER_SOURCE=10000
API_KEY=bench-admin-key-0123456789
DETAIL_ID=sendregning:123
LIST_QUERY='limit=50'
BIN=bin/Release/net10.0

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 LC_ALL=C
OUT=$ROOT/bench/results
WORK=$(mktemp -d /tmp/invoicegateway-bench.XXXXXX)
mkdir -p "$OUT"
started=$(date +%s)

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed: apt-get install -y curl" >&2; exit 1; }

# ---------------------------------------------------------------- processes we start, and only those, are stopped
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%3ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

# cpu_ms PID: the CPU time (user + system) the process has used so far, in milliseconds: less moved by the other
# processes of a shared machine than the wall-clock time is.
cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / t) }' "/proc/$1/stat" 2>/dev/null || echo n/a; }

rss() { awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$1/status"; } # PID -> MiB

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }

# start NAME DIR DLL [ENV=VALUE...] -- [ARGS...]: runs `dotnet DLL ARGS` in DIR with the extra environment.
start() {
  local name=$1 dir=$2 dll=$3; shift 3
  local envs=() args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  (cd "$dir" && exec env "${envs[@]}" dotnet "$dll" "${args[@]}") >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$name=$!"
}

wait_http() { # URL SECONDS [HEADER]
  local i
  for ((i = 0; i < $2 * 4; i++)); do
    if curl -sf -o /dev/null ${3:+-H "$3"} "$1"; then return 0; fi
    sleep 0.25
  done
  echo "no answer from $1 after $2 s; logs:" >&2
  tail -n 20 "$WORK"/*.log >&2
  exit 1
}


# ---------------------------------------------------------------- gateway configuration for the five sandbox APIs
# gateway_env SANDBOX_PORT GATEWAY_PORT [PAGE_SIZE]: the environment a user would set (docker-compose.yml has the same).
gateway_env() {
  local root="http://127.0.0.1:$1" page=${3:-}
  GATEWAY_ENV=(
    "ASPNETCORE_URLS=http://127.0.0.1:$2" ASPNETCORE_ENVIRONMENT=Production
    Logging__LogLevel__Default=Warning
    # The gateway's own limit (at most 1,000,000 per window) must not be what wrk measures.
    Gateway__RateLimit__PermitLimit=1000000 Gateway__RateLimit__Window=00:00:01
    Gateway__ApiKeys__0__Name=bench "Gateway__ApiKeys__0__Key=$API_KEY" Gateway__ApiKeys__0__Admin=true
    Gateway__Sources__goscore__Adapter=goscore "Gateway__Sources__goscore__BaseUrl=$root/goscore/api/1.0"
    Gateway__Sources__goscore__Auth__Type=goscore Gateway__Sources__goscore__Auth__ClientId=demo-goscore-client
    Gateway__Sources__goscore__Auth__SecretKey=demo-goscore-secret Gateway__Sources__goscore__Options__ConsentId=1
    Gateway__Sources__sendcloud__Adapter=sendcloud "Gateway__Sources__sendcloud__BaseUrl=$root/sendcloud/api/v2"
    Gateway__Sources__sendcloud__Auth__Type=basic Gateway__Sources__sendcloud__Auth__Username=demo-sendcloud-public
    Gateway__Sources__sendcloud__Auth__Password=demo-sendcloud-secret
    Gateway__Sources__sendregning__Adapter=sendregning "Gateway__Sources__sendregning__BaseUrl=$root/sendregning"
    Gateway__Sources__sendregning__Auth__Type=basic Gateway__Sources__sendregning__Auth__Username=demo@sendregning.no
    Gateway__Sources__sendregning__Auth__Password=demo-sendregning-password
    Gateway__Sources__ibana__Adapter=generic "Gateway__Sources__ibana__BaseUrl=$root/ibana"
    Gateway__Sources__ibana__Auth__Type=bearer Gateway__Sources__ibana__Auth__Token=demo-ibana-token
    Gateway__Sources__ibana__Options__Mapping=ibana
    Gateway__Sources__dollr__Adapter=generic "Gateway__Sources__dollr__BaseUrl=$root/dollr"
    Gateway__Sources__dollr__Auth__Type=token Gateway__Sources__dollr__Auth__ClientId=demo-dollr-client
    Gateway__Sources__dollr__Auth__ClientSecret=demo-dollr-secret Gateway__Sources__dollr__Options__Mapping=dollr
  )
  # BENCH_GATEWAY_ENV="NAME=VALUE ...": more environment for the gateways (e.g. DOTNET_GCConserveMemory=7 to compare GC settings).
  if [ -n "${BENCH_GATEWAY_ENV:-}" ]; then
    read -r -a extra <<<"$BENCH_GATEWAY_ENV"
    GATEWAY_ENV+=("${extra[@]}")
  fi
  if [ -n "$page" ]; then
    GATEWAY_ENV+=(Gateway__Sources__goscore__Options__PageSize=$page Gateway__Sources__sendregning__Options__PageSize=$page
      Gateway__Sources__ibana__Options__PageSize=$page)
  fi
}

# with_ttl TTL: every source's list cached for TTL, and two minutes to read 10,000 invoices (dollr needs 10,001 requests).
with_ttl() {
  local api
  for api in goscore sendcloud sendregning ibana dollr; do
    GATEWAY_ENV+=("Gateway__Sources__${api}__Timeout=00:02:00" "Gateway__Sources__${api}__Cache__Ttl=$1")
  done
}

# ---------------------------------------------------------------- wrk helpers
to_ms() { # "1.23ms" | "850.00us" | "1.02s" -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.6g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
minmax() { tr ' ' '\n' | grep -v '^$' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }'; }

# run_wrk LABEL URL [HEADER...]: one wrk run; sets RPS P50 P99 ERRORS
run_wrk() {
  local label=$1 url=$2; shift 2
  local headers=() h
  for h in "$@"; do headers+=(-H "$h"); done
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${headers[@]}" "$url" >"$WORK/wrk-$label.txt" 2>&1 || true
  cat "$WORK/wrk-$label.txt" >>"$WORK/wrk-all.txt"
  RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/wrk-$label.txt")
  P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/wrk-$label.txt")")
  P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/wrk-$label.txt")")
  ERRORS=$(awk '/Non-2xx|Socket errors/ { print }' "$WORK/wrk-$label.txt" | tr '\n' ' ')
  RPS=${RPS:-0}
}

warm() { wrk -t2 -c"$CONNECTIONS" -d"$1" "${@:3}" "$2" >/dev/null 2>&1 || true; }

# ---------------------------------------------------------------- the stack measured: sandbox, filled gateway, baseline
# start_sandbox PORT: the sandbox with PER_SOURCE generated invoices per API; sets SANDBOX.
start_sandbox() {
  SANDBOX=http://127.0.0.1:$1
  log "starting the sandbox ($PER_SOURCE invoices per API) on $SANDBOX"
  start sandbox "$ROOT/sandbox/InvoiceGateway.Sandbox/$BIN" InvoiceGateway.Sandbox.dll \
    "Sandbox__InvoicesPerSource=$PER_SOURCE" Logging__LogLevel__Default=Warning -- --urls "$SANDBOX"
  wait_http "$SANDBOX/_sandbox/health" 120
}

# Reading 10,000 dollr invoices takes 10,001 requests (a detail per summary): on a busy machine that can pass the
# default 10 s budget of a source's read, which would fail the warm-up rather than measure anything.
# And what is measured is cached reads: with the default Cache:Ttl of one minute, each source's list expires during
# the runs and the requests that find it expired wait for its re-read (seconds for 10,000 invoices); see the README.
# So the measured gateways run with `with_ttl 01:00:00` after gateway_env.

# fill_gateway URL DIR: the first list reads the five sources (fails unless all five answered ok), then the bytes the
# cached list and detail answer are kept in DIR/list.json and DIR/detail.json; sets FIRST_LIST and CACHED_INVOICES.
fill_gateway() {
  local gateway=$1 dir=$2
  log "warming the caches of $gateway (5 sources x $PER_SOURCE invoices)"
  curl -s -o "$dir/list.json" -H "X-Api-Key: $API_KEY" -w '%{http_code} %{time_total}\n' "$gateway/v1/invoices?$LIST_QUERY" >"$dir/first-list.txt"
  FIRST_LIST=$(cat "$dir/first-list.txt")
  grep -o '"name":"[a-z]*","state":"[a-z]*","count":[0-9]*,"durationMs":[0-9]*' "$dir/list.json" >"$dir/sources.txt" || true
  if [ "$(grep -c '"state":"ok"' "$dir/sources.txt")" -ne 5 ]; then
    echo "not every source was read; the list answered: $FIRST_LIST" >&2
    head -c 2000 "$dir/list.json" >&2
    exit 1
  fi
  curl -sf -o "$dir/list.json" -H "X-Api-Key: $API_KEY" "$gateway/v1/invoices?$LIST_QUERY"
  curl -sf -o "$dir/detail.json" -H "X-Api-Key: $API_KEY" "$gateway/v1/invoices/$DETAIL_ID"
  curl -sf -o /dev/null -H "X-Api-Key: $API_KEY" "$gateway/v1/invoices/$DETAIL_ID"
  CACHED_INVOICES=$(grep -o '"count":[0-9]*' "$dir/sources.txt" | awk -F: '{ s += $2 } END { print s }')
}

# start_baseline PORT DETAIL_FILE LIST_FILE: the bare Kestrel app serving those bytes; sets BASELINE.
start_baseline() {
  BASELINE=http://127.0.0.1:$1
  log "starting the baseline on $BASELINE (bodies: detail $(wc -c <"$2") B, list $(wc -c <"$3") B)"
  start baseline "$ROOT/bench/InvoiceGateway.Baseline/$BIN" InvoiceGateway.Baseline.dll -- \
    --urls "$BASELINE" --body "/v1/invoices/$DETAIL_ID=$2" --body "/v1/invoices=$3"
  wait_http "$BASELINE/v1/invoices" 60
  cmp -s <(curl -s "$BASELINE/v1/invoices") "$3" || { echo "baseline does not serve the gateway's bytes" >&2; exit 1; }
}
