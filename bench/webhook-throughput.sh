#!/usr/bin/env bash
# Webhook delivery throughput of the outbox (SQLite, one replica): N pending deliveries of one webhook are put into the
# outbox while the gateway is stopped (copies of a test ping's delivery), then the gateway starts and sends them to a
# local receiver (bench/webhook-receiver.py). Prints deliveries/s from the first receipt to the last, and gateway CPU.
# Usage: bench/webhook-throughput.sh [GATEWAY_BIN_DIR] [N]   (GATEWAY_BIN_DIR defaults to the Debug build; pass a copy
# of another build's output to compare two builds.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/gateway/InvoiceGateway.Gateway/bin/Debug/net10.0}; N=${2:-2000}
W=${WORK:-/tmp/igthroughput}; GW=http://127.0.0.1:5193; RP=5194; KEY=bench-app-key-0123456789abcdef; DB=$W/data/invoicegateway.db
rm -rf $W; mkdir -p $W
python3 $ROOT/bench/webhook-receiver.py $RP $W/received.tsv & RPID=$!
start_gateway() {
  (cd $BIN && exec env Gateway__DataDirectory=$W/data Gateway__Demo=false Logging__LogLevel__Default=Warning \
    Gateway__ApiKeys__0__Name=app Gateway__ApiKeys__0__Key=$KEY Gateway__ApiKeys__0__Role=app \
    Gateway__RateLimit__PermitLimit=1000000 Gateway__Webhooks__AllowInsecure=true \
    dotnet InvoiceGateway.Gateway.dll --urls $GW) >> $W/gateway.log 2>&1 & GPID=$!
}
start_gateway
trap 'kill $GPID $RPID 2>/dev/null || true' EXIT
for i in $(seq 1 60); do curl -sf $GW/health/live >/dev/null && break; sleep 1; done
ID=$(curl -sf -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' $GW/v1/webhooks -d "{\"url\":\"http://127.0.0.1:$RP/\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf -o /dev/null -X POST -H "X-Api-Key: $KEY" $GW/v1/webhooks/$ID/test
for i in $(seq 1 60); do [ -s $W/received.tsv ] && break; sleep 0.5; done
kill $GPID; wait $GPID 2>/dev/null || true
: > $W/received.tsv
NOW=$(( $(date +%s) * 1000 ))
sqlite3 $DB "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
  INSERT INTO webhook_deliveries (Id, TenantId, WebhookId, EventId, EventType, InvoiceId, OrderingKey, Sequence, Payload, Status,
    AttemptCount, NextAttemptAt, RetryFrom, LeaseUntil, LastStatusCode, CreatedAt, CompletedAt)
  SELECT 'dlv_bench' || i, d.TenantId, d.WebhookId, 'evt_bench' || i, d.EventType, NULL, NULL, 0, d.Payload, 'pending',
    0, $NOW, $NOW, NULL, NULL, $NOW, NULL FROM n, (SELECT * FROM webhook_deliveries LIMIT 1) d;"
start_gateway
C0=$(awk '{print $14+$15}' /proc/$GPID/stat)
for i in $(seq 1 1200); do [ "$(wc -l < $W/received.tsv)" -ge $N ] && break; sleep 0.5; done
C1=$(awk '{print $14+$15}' /proc/$GPID/stat)
python3 - $W/received.tsv $N $(( C1 - C0 )) $(getconf CLK_TCK) <<'PY'
import sys
rows = sorted(float(l.split("\t")[0]) for l in open(sys.argv[1]))
n, cpu, hz = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
span = rows[-1] - rows[0]
print(f"{len(rows)}/{n} received in {span:.1f} s: {len(rows) / span:.1f} deliveries/s; gateway CPU {cpu / hz:.1f} s after start")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
