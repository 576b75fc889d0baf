#!/usr/bin/env bash
# Scale of the background sync: 200 tenants x 5 GoScore connections x 200 invoices, 1% of invoices changed per Ttl (60 s),
# each tenant with one webhook (invoice.updated) to a local receiver (bench/webhook-receiver.py) that records receipt times:
# delivery latency from the sandbox change to receipt, events/s, deliveries/s, gateway CPU and RSS.
# Uses the Debug builds (dotnet build InvoiceGateway.sln first); SQLite, one replica; SYNC_CONCURRENCY sets Gateway:Sync:Concurrency
# (default 8); prints the figures of bench/results/sync.md.
set -euo pipefail
W=${WORK:-/tmp/igscale}; ROOT=$(cd "$(dirname "$0")/.." && pwd); SB=http://127.0.0.1:5191; GW=http://127.0.0.1:5192; KEY=scale-app-key-0123456789abcdef
RP=5195
mkdir -p $W; rm -rf $W/data; : > $W/received.tsv; : > $W/changes.tsv
python3 $ROOT/bench/webhook-receiver.py $RP $W/received.tsv & echo $! > $W/receiver.pid
(cd $ROOT/sandbox/InvoiceGateway.Sandbox/bin/Debug/net10.0 && exec env Logging__LogLevel__Default=Warning dotnet InvoiceGateway.Sandbox.dll --urls $SB --Sandbox:InvoicesPerSource=10 --Sandbox:InvoicesPerConsent=200) > $W/sandbox.log 2>&1 &
echo $! > $W/sandbox.pid
(cd $ROOT/gateway/InvoiceGateway.Gateway/bin/Debug/net10.0 && exec env Gateway__DataDirectory=$W/data Logging__LogLevel__Default=Warning \
  Gateway__Sources__goscore-app__Adapter=goscore Gateway__Sources__goscore-app__BaseUrl=$SB/goscore/api/1.0 \
  Gateway__Sources__goscore-app__Auth__Type=goscore Gateway__Sources__goscore-app__Auth__ClientId=demo-goscore-client \
  Gateway__Sources__goscore-app__Auth__SecretKey=demo-goscore-secret Gateway__Sources__goscore-app__Options__PageSize=200 \
  Gateway__Sources__goscore-app__Connectable=true Gateway__Sources__goscore-app__Cache__Ttl=00:01:00 \
  Gateway__ApiKeys__0__Name=app Gateway__ApiKeys__0__Key=$KEY Gateway__ApiKeys__0__Role=app \
  Gateway__RateLimit__PermitLimit=1000000 Gateway__Tenants__MaxConnections=10 Gateway__Webhooks__AllowInsecure=true Gateway__Sync__Concurrency=${SYNC_CONCURRENCY:-8} \
  dotnet InvoiceGateway.Gateway.dll --urls $GW) > $W/gateway.log 2>&1 &
echo $! > $W/gateway.pid
for i in $(seq 1 60); do curl -sf $GW/health/live >/dev/null && break; sleep 1; done
GPID=$(cat $W/gateway.pid)
cpu() { awk '{print $14+$15}' /proc/$GPID/stat; }
scpu() { awk '{print $14+$15}' /proc/$(cat $W/sandbox.pid)/stat; }
rss() { awk '/VmRSS/{print $2}' /proc/$GPID/status; }
T0=$(date +%s)
for t in $(seq 0 199); do for c in $(seq 0 4); do echo "$t $c"; done; done | xargs -P 8 -n 2 sh -c \
  'curl -sf -o /dev/null -X POST '$GW'/v1/connections -H "X-Api-Key: '$KEY'" -H "X-Tenant-Id: t$0" -H "Content-Type: application/json" \
   -d "{\"name\":\"gs$1\",\"source\":\"goscore-app\",\"options\":{\"ConsentId\":\"c$(( $0 * 5 + $1 + 1 ))\"}}" || echo fail $0 $1'
echo "connections created in $(( $(date +%s) - T0 )) s"
seq 0 199 | xargs -P 8 -I{} curl -sf -o /dev/null -X POST $GW/v1/webhooks -H "X-Api-Key: $KEY" -H "X-Tenant-Id: t{}" -H "Content-Type: application/json" \
  -d "{\"url\":\"http://127.0.0.1:$RP/\",\"types\":[\"invoice.updated\"]}"
echo "webhooks: $(sqlite3 $W/data/invoicegateway.db "select count(*) from webhooks")"
ev() { sqlite3 $W/data/invoicegateway.db "select type, count(*) from events group by type" | tr '\n' ' '; }
for i in $(seq 1 90); do n=$(sqlite3 $W/data/invoicegateway.db "select count(*) from events where type='connection.synced'"); [ "$n" -ge 1000 ] && break; sleep 2; done
echo "all 1000 synced $(( $(date +%s) - T0 )) s after start: $(ev); rss $(rss) kB"
C0=$(cpu); SC0=$(scpu); S0=$(date +%s); D0=$(wc -l < $W/received.tsv); E0=$(sqlite3 $W/data/invoicegateway.db "select count(*) from events where type='invoice.updated'")
for round in 1 2 3; do
  R0=$(date +%s)
  # 1% of each connection's 200 invoices: 2 per consent, a new amount each round.
  for k in $(seq 1 1000); do for j in 0 1; do echo "$k $j"; done; done | xargs -P 8 -n 2 sh -c \
    'id=$(( 1000000000000 + $0 * 1000 + $1 * 100 )); curl -sf -o /dev/null -X PATCH "'$SB'/_sandbox/data/goscore/invoices/$id?list=c$0" -d "{\"amount\":'$round'$(( $1 + 1 )).5}" \
     && echo "$(date +%s.%N) $id" >> '$W'/changes.tsv || echo fail $0 $1'
  sleep $(( R0 + 60 > $(date +%s) ? R0 + 60 - $(date +%s) : 0 ))
  echo "round $round: $(ev) rss $(rss) kB"
done
sleep 30
C1=$(cpu); SC1=$(scpu); S1=$(date +%s); D1=$(wc -l < $W/received.tsv); E1=$(sqlite3 $W/data/invoicegateway.db "select count(*) from events where type='invoice.updated'")
HZ=$(getconf CLK_TCK)
echo "steady state: $(( E1 - E0 )) invoice.updated in $(( S1 - S0 )) s = $(echo "scale=1; ($E1 - $E0) / ($S1 - $S0)" | bc) events/s; gateway CPU $(echo "scale=1; ($C1 - $C0) * 100 / $HZ / ($S1 - $S0)" | bc) % of one core; rss $(rss) kB"
echo "sandbox CPU $(echo "scale=1; ($SC1 - $SC0) * 100 / $HZ / ($S1 - $S0)" | bc) % of one core"
echo "deliveries received: $(( D1 - D0 )) in $(( S1 - S0 )) s = $(echo "scale=1; ($D1 - $D0) / ($S1 - $S0)" | bc)/s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
sqlite3 $W/data/invoicegateway.db "select status, count(*) from webhook_deliveries group by status" | tr '\n' ' '; echo
# Latency: each receipt against the latest change of its invoice made before it (a change not read before the next
# one to the same invoice is one event: measured from the later change).
python3 - $W/changes.tsv $W/received.tsv <<'PY'
import bisect, collections, sys
changes = collections.defaultdict(list)
for line in open(sys.argv[1]):
    at, invoice = line.split()
    changes[invoice].append(float(at))
for times in changes.values():
    times.sort()
latencies = []
for line in open(sys.argv[2]):
    at, _, _, invoice = line.rstrip("\n").split("\t")
    times = changes.get(invoice.split(":")[-1], [])
    i = bisect.bisect_right(times, float(at))
    if i:
        latencies.append(float(at) - times[i - 1])
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"delivery latency, sandbox change to receipt, {len(latencies)} deliveries: p50 {pick(0.5):.1f} s, p99 {pick(0.99):.1f} s, max {latencies[-1]:.1f} s")
PY
# The outbox's part of it: from the event to the delivery's first attempt.
sqlite3 $W/data/invoicegateway.db "select a.At - e.OccurredAt from webhook_attempts a join webhook_deliveries d on d.Id = a.DeliveryId
  join events e on e.Id = d.EventId where a.Number = 1" | python3 -c '
import sys
v = sorted(int(x) for x in sys.stdin if x.strip())
p = lambda q: v[min(len(v) - 1, int(q * len(v)))]
print(f"event to first delivery attempt, {len(v)} deliveries: p50 {p(.5)} ms, p99 {p(.99)} ms, max {v[-1]} ms")'
sqlite3 $W/data/invoicegateway.db "select count(*) from sync_invoices; select count(*) from sync_sources;" | tr '\n' ' '; echo
ls -la $W/data/
kill $(cat $W/gateway.pid) $(cat $W/sandbox.pid) $(cat $W/receiver.pid)
