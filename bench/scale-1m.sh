#!/usr/bin/env bash
# Issue 16 items 2 and 3 at scale: TENANTS tenants x CONNS GoScore connections, SIZE cached invoices in all (10k, 100k
# or 1m; the invoices per connection follow), Release builds, the sandbox in its own process, SQLite, one replica.
#   bash bench/scale-1m.sh [10k|100k|1m]        (default 1m; SKIP_BUILD=1 reuses bin/Release; DURATION=20s per kind)
# PROFILE=1 also records System.Runtime counters for the whole run ($WORK/counters.csv) and two 20 s CPU traces
# (dotnet-trace, dotnet-sampled-thread-time: thread stacks ~100 Hz, waits included): while the connections sync ($WORK/sync.nettrace) and during the plain lists
# ($WORK/lists.nettrace), each with its top frames (dotnet-trace report topN) beside it.
# Prints and appends to $WORK/summary.md: the time to create and sync everything, the gateway's RSS empty vs filled
# (per invoice), then for each kind of list (plain, q=, status=, overdue=true) wrk's p50/p99 and requests/s with 64
# connections spread round-robin over the tenants' own API keys (bench/scale-1m.lua).
set -euo pipefail
SIZE=${1:-1m}
case $SIZE in 10k) TOTAL=10000 ;; 100k) TOTAL=100000 ;; 1m) TOTAL=1000000 ;; *) echo "size is 10k, 100k or 1m" >&2; exit 2 ;; esac
TENANTS=${TENANTS:-200}; CONNS=${CONNS:-5}; PER=$(( TOTAL / TENANTS / CONNS ))
DURATION=${DURATION:-20s}; CLIENTS=${CLIENTS:-64}; THREADS=${THREADS:-2}
W=${WORK:-/tmp/igscale-$SIZE}; ROOT=$(cd "$(dirname "$0")/.." && pwd)
SB=http://127.0.0.1:${SB_PORT:-5291}; GW=http://127.0.0.1:${GW_PORT:-5292}; KEY=scale-app-key-0123456789abcdef
mkdir -p "$W"; rm -rf "$W/data" "$W/keys" "$W"/*.conf "$W"/*.nettrace "$W"/*.txt; mkdir -p "$W/keys"
log() { echo "$*" | tee -a "$W/summary.md"; }
if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet build -c Release "$ROOT/gateway/InvoiceGateway.Gateway" -nologo -v q
  dotnet build -c Release "$ROOT/sandbox/InvoiceGateway.Sandbox" -nologo -v q
fi
cleanup() { kill "$(cat "$W/gateway.pid" 2>/dev/null)" "$(cat "$W/sandbox.pid" 2>/dev/null)" 2>/dev/null || true; }
trap cleanup EXIT; trap "exit 130" INT TERM

(cd "$ROOT/sandbox/InvoiceGateway.Sandbox/bin/Release/net10.0" && exec env Logging__LogLevel__Default=Warning \
  dotnet InvoiceGateway.Sandbox.dll --urls $SB --Sandbox:InvoicesPerSource=10 --Sandbox:InvoicesPerConsent=$PER) > "$W/sandbox.log" 2>&1 &
echo $! > "$W/sandbox.pid"
# Ttl of an hour: the measured lists are served from the synced copies, no refresh runs during the run (item 4's concern).
# Cache:MemoryLimitMb high enough that the million invoices are not evicted (the default 1 GB holds about 300,000).
(cd "$ROOT/gateway/InvoiceGateway.Gateway/bin/Release/net10.0" && exec env Gateway__DataDirectory="$W/data" Logging__LogLevel__Default=Warning \
  Gateway__Sources__goscore-app__Adapter=goscore Gateway__Sources__goscore-app__BaseUrl=$SB/goscore/api/1.0 \
  Gateway__Sources__goscore-app__Auth__Type=goscore Gateway__Sources__goscore-app__Auth__ClientId=demo-goscore-client \
  Gateway__Sources__goscore-app__Auth__SecretKey=demo-goscore-secret Gateway__Sources__goscore-app__Options__PageSize=1000 \
  Gateway__Sources__goscore-app__Connectable=true Gateway__Sources__goscore-app__Cache__Ttl=01:00:00 \
  Gateway__ApiKeys__0__Name=app Gateway__ApiKeys__0__Key=$KEY Gateway__ApiKeys__0__Role=app \
  Gateway__RateLimit__PermitLimit=1000000 Gateway__Tenants__MaxConnections=$CONNS Gateway__Cache__MemoryLimitMb=${CACHE_MB:-16384} \
  ${GATEWAY_ENV:-} dotnet InvoiceGateway.Gateway.dll --urls $GW) > "$W/gateway.log" 2>&1 &
echo $! > "$W/gateway.pid"
for _ in $(seq 1 120); do curl -sf $GW/health/ready >/dev/null && curl -sf $SB/_sandbox/health >/dev/null && break; sleep 0.5; done
GPID=$(cat "$W/gateway.pid")
rss() { awk '/VmRSS/{print $2}' /proc/$GPID/status; }
cpu() { awk '{print $14+$15}' /proc/$GPID/stat; }
HZ=$(getconf CLK_TCK)
PATH=$PATH:$HOME/.dotnet/tools
trace() { # name: a 20 s CPU sample of the gateway, and its top frames
  dotnet-trace collect -p $GPID --profile dotnet-sampled-thread-time --duration 00:00:00:20 -o "$W/$1.nettrace" > "$W/$1.trace.log" 2>&1 \
    && dotnet-trace report "$W/$1.nettrace" topN -n 40 > "$W/$1.top.txt" 2>&1 \
    && dotnet-trace report "$W/$1.nettrace" topN -n 60 --inclusive > "$W/$1.top-inclusive.txt" 2>&1; }
[ -n "${PROFILE:-}" ] && { dotnet-counters collect -p $GPID --counters System.Runtime --refresh-interval 5 --format csv -o "$W/counters.csv" > /dev/null 2>&1 & }
log ""; log "## $SIZE: $TENANTS tenants x $CONNS connections x $PER invoices ($(date -u +%FT%TZ), $(git -C "$ROOT" rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg))"
# Warm the request path once (JIT, EF model, key lookup) on the default tenant, so "empty" is a running gateway, not a cold one.
curl -sf -o /dev/null $GW/v1/invoices?limit=1 -H "X-Api-Key: $KEY" || true
sleep 2; RSS0=$(rss); C0=$(cpu); T0=$(date +%s.%N)

# The tenants' keys: one POST each, 32 at a time in one curl process (no process per request).
for t in $(seq 0 $(( TENANTS - 1 ))); do
  printf 'url = "%s/v1/tenants/t%d/keys"\nrequest = "POST"\nheader = "X-Api-Key: %s"\nheader = "Content-Type: application/json"\ndata = "{\\"name\\":\\"bench\\"}"\noutput = "%s/keys/%d.json"\nnext\n' \
    $GW $t $KEY "$W" $t
done > "$W/keys.conf"
sed -i '$d' "$W/keys.conf"; curl -s --parallel --parallel-max 32 -K "$W/keys.conf" 2>>"$W/curl.log"
for t in $(seq 0 $(( TENANTS - 1 ))); do jq -r .key "$W/keys/$t.json"; done > "$W/keys.txt"
[ "$(grep -c '^igk_' "$W/keys.txt")" -eq "$TENANTS" ] || { echo "not every tenant key was issued" >&2; exit 1; }

# The connections: each POST reads the consent's first page, so CONNS x TENANTS upstream reads; 32 at a time.
for t in $(seq 0 $(( TENANTS - 1 ))); do for c in $(seq 0 $(( CONNS - 1 ))); do
  printf 'url = "%s/v1/connections"\nrequest = "POST"\nheader = "X-Api-Key: %s"\nheader = "X-Tenant-Id: t%d"\nheader = "Content-Type: application/json"\ndata = "{\\"name\\":\\"gs%d\\",\\"source\\":\\"goscore-app\\",\\"options\\":{\\"ConsentId\\":\\"c%d\\"}}"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\nnext\n' \
    $GW $KEY $t $c $(( t * CONNS + c + 1 ))
done; done > "$W/connections.conf"
sed -i '$d' "$W/connections.conf"; CODES=$(curl -s --parallel --parallel-max 32 -K "$W/connections.conf" 2>>"$W/curl.log" | sort | uniq -c | tr '\n' ' ')
T1=$(date +%s.%N)
log "- $TENANTS keys and $(( TENANTS * CONNS )) connections created in $(echo "$T1 - $T0" | bc | xargs printf %.1f) s (HTTP statuses: $CODES)"

[ -n "${PROFILE:-}" ] && { trace sync & }
# Synced: every connection has its connection.synced event (the first background read compared and stored).
DB="$W/data/invoicegateway.db"
CREATED=$(sqlite3 "$DB" "select count(*) from connections")
for _ in $(seq 1 ${SYNC_WAIT:-1800}); do
  n=$(sqlite3 "$DB" "select count(*) from events where type='connection.synced'" 2>/dev/null || echo 0)
  [ "$n" -ge "$CREATED" ] && break; sleep 1
done
T2=$(date +%s.%N); C1=$(cpu)
log "- all synced $(echo "$T2 - $T0" | bc | xargs printf %.1f) s after the first key ($n connection.synced; gateway CPU $(echo "scale=1; ($C1 - $C0) / $HZ" | bc) s; sync stores that failed: $(grep -c 'Could not store what the sync read' "$W/gateway.log" || true))"

# Quiet: the background reads the sync may still have queued (its first pass) are done once the sandbox has had no
# request for 10 s (at most QUIET_WAIT s).
upstream() { curl -sf $SB/_sandbox/requests | jq '[.[]] | add'; }
Q0=$(date +%s)
while [ $(( $(date +%s) - Q0 )) -lt ${QUIET_WAIT:-900} ]; do
  a=$(upstream); sleep 10; b=$(upstream); [ "$a" = "$b" ] && break
done
log "- quiet $(( $(date +%s) - Q0 )) s later ($b upstream requests in all; gateway CPU $(echo "scale=1; ($(cpu) - C0) / $HZ" | bc) s since the first key)"

# Every tenant read once (its five snapshots are cached by the sync; this builds nothing but what a first request builds).
i=0; while read -r k; do
  printf 'url = "%s/v1/invoices?limit=50"\nheader = "X-Api-Key: %s"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\nnext\n' $GW "$k"; i=$((i+1))
done < "$W/keys.txt" > "$W/first.conf"
sed -i '$d' "$W/first.conf"; CODES=$(curl -s --parallel --parallel-max 16 -K "$W/first.conf" 2>>"$W/curl.log" | sort | uniq -c | tr '\n' ' ')
log "- first list of every tenant: HTTP statuses $CODES"
K1=$(head -1 "$W/keys.txt")
COUNT=$(curl -sf "$GW/v1/invoices?limit=200" -H "X-Api-Key: $K1" | jq '.data | length')
sleep 5; RSS1=$(rss)
log "- gateway RSS: empty $(( RSS0 / 1024 )) MiB, filled $(( RSS1 / 1024 )) MiB: **$(( (RSS1 - RSS0) * 1024 / TOTAL )) bytes per cached invoice** (tenant t0 lists $COUNT of limit=200)"

# The lists, one kind after the other; the same 64 connections, round-robin over the tenants' keys.
# first: each tenant's first request of the kind, one at a time (what a request pays that finds something not yet
# built for its snapshots: an index, an order), p50 / max ms over the tenants.
first() {
  while read -r k; do
    printf 'url = "%s/v1/invoices?%s"\nheader = "X-Api-Key: %s"\noutput = /dev/null\nwrite-out = "%%{time_total}\\n"\nnext\n' $GW "$1" "$k"
  done < "$W/keys.txt" > "$W/first-kind.conf"
  sed -i '$d' "$W/first-kind.conf"
  curl -s -K "$W/first-kind.conf" 2>>"$W/curl.log" | sort -g | awk '{ t[NR] = $1 * 1000 } END { printf "%.1f / %.1f", t[int((NR + 1) / 2)], t[NR] }'
}
log ""; log "| $SIZE list | p50 ms | p99 ms | requests/s | non-2xx | upstream requests meanwhile | load before | first request per tenant, p50 / max ms |"; log "| --- | --- | --- | --- | --- | --- | --- | --- |"
for kind in "limit=50" "limit=50&q=fjordkraft" "limit=50&status=paid" "limit=50&overdue=true"; do
  FIRST=$(first "$kind")
  [ -n "${PROFILE:-}" ] && [ "$kind" = "limit=50" ] && { trace lists & }
  U0=$(upstream); L0=$(cut -d' ' -f1 /proc/loadavg)
  KEYS="$W/keys.txt" QUERY="$kind" wrk -t"$THREADS" -c"$CLIENTS" -d"$DURATION" --latency -s "$ROOT/bench/scale-1m.lua" $GW > "$W/wrk.$kind.txt"
  RESULT=$(grep '^RESULT' "$W/wrk.$kind.txt" | cut -d' ' -f2-)
  log "| \`$kind\` | $RESULT | $(( $(upstream) - U0 )) | $L0 | $FIRST |"
done
wait_traces() { while pgrep -f "dotnet-trace collect -p $GPID" > /dev/null; do sleep 1; done; }
[ -n "${PROFILE:-}" ] && wait_traces
log ""; log "- gateway RSS after the runs $(( $(rss) / 1024 )) MiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
