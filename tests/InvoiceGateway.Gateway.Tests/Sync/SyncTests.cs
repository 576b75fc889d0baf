using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Events;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;
using InvoiceGateway.Gateway.Tests.Webhooks;
using InvoiceGateway.Sandbox;
using InvoiceGateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceGateway.Gateway.Tests.Sync;

/// <summary>
/// Background sync against the sandbox, driven by changes to its data at run time: each change becomes exactly the
/// expected event within a Ttl or two, the feed returns it, invoices carry <c>changedAt</c>, and with two replicas on one
/// PostgreSQL and Redis one change is one event.
/// </summary>
public sealed class SyncTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SandboxChanges_BecomeExactlyTheirEvents_InTheFeed()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox));
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "changes");
        await SyncFeed.ConnectAsync(tenant, "books", "c41");

        // The first read is one connection.synced with the count, not an event per invoice.
        var (first, cursor) = await SyncFeed.FollowAsync(tenant, null, e => e.Has(EventTypes.ConnectionSynced));
        var synced = Assert.Single(first);
        Assert.Equal("books", synced.Str("source"));
        Assert.Equal(5, synced["data"]!["count"]!.GetValue<int>());

        // An amount changed: invoice.updated naming the field, its old and new value.
        var changedId = SyncFeed.GoScoreId(41, 1);
        await sandbox.ChangeAsync(HttpMethod.Patch, $"_sandbox/data/goscore/invoices/{changedId}?list=c41", """{"amount":4321.5,"credit_note_amount":null,"type":"INVOICE"}""");
        var (updates, afterUpdate) = await SyncFeed.FollowAsync(tenant, cursor, e => e.Has(EventTypes.InvoiceUpdated));
        var updated = Assert.Single(updates);
        Assert.Equal("books:" + changedId, updated.Str("invoiceId"));
        var gross = updated["data"]!["changes"]!.AsArray().Single(c => c.Str("field") == "totals.gross")!;
        Assert.Equal(4321.5m, gross["to"]!.GetValue<decimal>());
        Assert.NotEqual(gross["from"]?.ToJsonString(), gross["to"]!.ToJsonString());
        Assert.Equal(4321.5m, updated["data"]!["invoice"]!["totals"]!["gross"]!.GetValue<decimal>());

        // A new invoice: invoice.created with the canonical invoice.
        await sandbox.ChangeAsync(HttpMethod.Post, "_sandbox/data/goscore/invoices?list=c41", """{"id":"1000000041999","amount":10.0}""");
        var (creations, afterCreate) = await SyncFeed.FollowAsync(tenant, afterUpdate, e => e.Has(EventTypes.InvoiceCreated));
        var created = Assert.Single(creations);
        Assert.Equal("books:1000000041999", created.Str("invoiceId"));
        Assert.Equal("books:1000000041999", created["data"].Str("id"));

        // A removed invoice: invoice.deleted once it was absent from two complete reads.
        var removedId = SyncFeed.GoScoreId(41, 3);
        await sandbox.ChangeAsync(HttpMethod.Delete, $"_sandbox/data/goscore/invoices/{removedId}?list=c41");
        var (deletions, afterDelete) = await SyncFeed.FollowAsync(tenant, afterCreate, e => e.Has(EventTypes.InvoiceDeleted));
        var deleted = Assert.Single(deletions);
        Assert.Equal("books:" + removedId, deleted.Str("invoiceId"));
        Assert.Equal("books:" + removedId, deleted["data"].Str("invoiceId"));

        // Nothing else happened: a few more reads add no event.
        var (quiet, _) = await SyncFeed.FollowAsync(tenant, afterDelete, _ => false, polls: 1);
        Assert.Empty(quiet);

        // Every invoice carries changedAt; changedSince selects the ones that changed after the first read.
        var page = await tenant.GetObjectAsync("v1/invoices?limit=500");
        Assert.All(page["data"]!.AsArray(), i => Assert.NotNull(i.Str("changedAt")));
        var since = DateTimeOffset.Parse(synced.Str("occurredAt")!, System.Globalization.CultureInfo.InvariantCulture).AddMilliseconds(1);
        var changed = await tenant.GetObjectAsync("v1/invoices?limit=500&changedSince=" + Uri.EscapeDataString(since.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["books:" + changedId, "books:1000000041999"], changed["data"]!.AsArray().Select(i => i.Str("id")!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SendcloudAndDollrSandboxChanges_BecomeOneInvoiceUpdatedEach()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ("Gateway:Sources:sendcloud:Cache:Ttl", "00:00:01"), ("Gateway:Sources:dollr:Cache:Ttl", "00:00:01")));
        var (_, cursor) = await SyncFeed.FollowAsync(gateway.Client, null,
            e => e.Any(x => x.Str("source") == "sendcloud" && x.Str("type") == EventTypes.ConnectionSynced)
                && e.Any(x => x.Str("source") == "dollr" && x.Str("type") == EventTypes.ConnectionSynced));

        // Both paid at the source: Sendcloud's isPayed, Dollr's status.
        await sandbox.ChangeAsync(HttpMethod.Patch, "_sandbox/data/sendcloud/invoices/2", """{"isPayed":true}""");
        await sandbox.ChangeAsync(HttpMethod.Patch, "_sandbox/data/dollr/invoices/123", """{"status":"PAID","paid_at":"2023-11-01T10:00:00Z"}""");
        var (updates, next) = await SyncFeed.FollowAsync(gateway.Client, cursor,
            e => e.Has(EventTypes.InvoiceUpdated, "sendcloud:2") && e.Has(EventTypes.InvoiceUpdated, "dollr:123"), "&types=invoice.updated");

        Assert.Equal(["dollr:123", "sendcloud:2"], updates.Select(e => e.Str("invoiceId")!).Order(StringComparer.Ordinal));
        Assert.All(updates, e =>
        {
            var status = e["data"]!["changes"]!.AsArray().Single(c => c.Str("field") == "status")!;
            Assert.Equal("open", status.Str("from"));
            Assert.Equal("paid", status.Str("to"));
        });
        var (quiet, _) = await SyncFeed.FollowAsync(gateway.Client, next, _ => false, "&types=invoice.updated", polls: 1);
        Assert.Empty(quiet);
    }

    [Fact]
    public async Task FailedRead_IsConnectionFailedOnce_NeverDeletes_AndTheNextSuccessIsRecovered()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox));
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "failing");
        await SyncFeed.ConnectAsync(tenant, "books", "c42");
        var (_, cursor) = await SyncFeed.FollowAsync(tenant, null, e => e.Has(EventTypes.ConnectionSynced));

        sandbox.Faults.Set("goscore", new SandboxFault { Status = 500 });
        var (failures, afterFailure) = await SyncFeed.FollowAsync(tenant, cursor, e => e.Has(EventTypes.ConnectionFailed));
        var failed = Assert.Single(failures);
        Assert.Equal("books", failed.Str("source"));
        Assert.NotNull(failed["data"]!["error"]!.Str("code"));

        // Several failed reads later: still one connection.failed, and no invoice counted as deleted.
        var (during, _) = await SyncFeed.FollowAsync(tenant, afterFailure, _ => false, polls: 1);
        Assert.Empty(during);
        sandbox.Faults.Clear("goscore");
        var (recovery, _) = await SyncFeed.FollowAsync(tenant, afterFailure, e => e.Has(EventTypes.ConnectionRecovered));
        Assert.Equal([EventTypes.ConnectionRecovered], recovery.Select(e => e.Str("type")));
    }

    [Fact]
    public async Task InvoiceWhoseDueDatePasses_IsOneInvoiceOverdue()
    {
        // The gateway's clock starts a minute before midnight; the invoice is due that day. The feed is read without
        // waiting (a long poll waits on the gateway's clock, which only the test moves).
        var start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddMinutes(-1);
        var time = new FakeTimeProvider(start);
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        var dueId = SyncFeed.GoScoreId(43, 2);
        await sandbox.ChangeAsync(HttpMethod.Patch, $"_sandbox/data/goscore/invoices/{dueId}?list=c43",
            $$"""{"due_date":"{{start:yyyy-MM-dd}}","paid":false,"status":"NEW","type":"INVOICE","credit_note_amount":null}""");
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox), services => services.AddSingleton<TimeProvider>(time));
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "overdue");
        await SyncFeed.ConnectAsync(tenant, "books", "c43");

        // Time passes a second at a time (each a Ttl: one read each): first the connection is synced, then, past
        // midnight, the invoice is overdue.
        var seen = new List<JsonObject>();
        string? cursor = null;
        for (var second = 0; second < 600 && !seen.Has(EventTypes.InvoiceOverdue); second++)
        {
            if (!seen.Has(EventTypes.ConnectionSynced) && time.GetUtcNow() >= start.AddSeconds(50))
            {
                break; // the first read must happen before midnight, or the invoice was overdue when first seen
            }

            if (seen.Count > 0)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }
            else
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
            }

            var (events, next) = await SyncFeed.FollowAsync(tenant, cursor, _ => false, polls: 1, wait: 0);
            seen.AddRange(events);
            cursor = next;
            await Task.Delay(20, Ct);
        }

        Assert.True(seen.Has(EventTypes.ConnectionSynced), "the connection was not read before midnight");
        seen.RemoveAll(e => e.Str("type") == EventTypes.ConnectionSynced);
        var overdue = Assert.Single(seen);
        Assert.Equal(EventTypes.InvoiceOverdue, overdue.Str("type"));
        Assert.Equal("books:" + dueId, overdue.Str("invoiceId"));
        Assert.True(overdue["data"]!["overdue"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TwoReplicasOnOnePostgresAndRedis_OneChangeIsOneEvent_AndOneDelivery()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = TenantSetup.For(sandbox, ("Gateway:Database", await postgres.CreateDatabaseAsync()), ("Gateway:Redis", redis.Configuration),
            ("Gateway:Webhooks:AllowInsecure", "true"));
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);
        using var tenantOnOne = await TenantSetup.TenantClientAsync(one, "replicas");
        using var tenantOnOther = TenantSetup.Client(other, (string)tenantOnOne.DefaultRequestHeaders.GetValues("X-Api-Key").Single());
        var webhook = await WebhookSetup.RegisterAsync(tenantOnOther, receiver.Url, EventTypes.InvoiceUpdated);
        await SyncFeed.ConnectAsync(tenantOnOne, "books", "c44");
        var (first, cursor) = await SyncFeed.FollowAsync(tenantOnOther, null, e => e.Has(EventTypes.ConnectionSynced));
        Assert.Single(first);

        var id = SyncFeed.GoScoreId(44, 0);
        await sandbox.ChangeAsync(HttpMethod.Patch, $"_sandbox/data/goscore/invoices/{id}?list=c44", """{"amount":99.99}""");
        var (events, afterChange) = await SyncFeed.FollowAsync(tenantOnOther, cursor, e => e.Has(EventTypes.InvoiceUpdated));
        var updated = Assert.Single(events);
        Assert.Equal("books:" + id, updated.Str("invoiceId"));

        // One delivery of it, sent by one of the two dispatchers (each polls the shared outbox and is woken by its own events).
        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(updated.Str("id"), received.Headers["webhook-id"]);
        new StandardWebhooks.StandardWebhook(webhook.Str("secret")!).Verify(received.Body, received.AsHeaderDictionary());
        var log = JsonNode.Parse(await tenantOnOne.GetStringAsync($"v1/webhooks/{webhook.Str("id")}/deliveries", Ct))!.AsArray();
        var delivery = await WebhookSetup.WaitForDeliveryAsync(tenantOnOne, webhook.Str("id")!, Assert.Single(log).Str("id")!, d => d.Str("status") == "succeeded");
        Assert.Equal(1, WebhookSetup.AttemptCount(delivery));

        // Both replicas keep reading (each a Ttl of 1 s) and polling the outbox; still exactly one event and one delivery.
        var (later, _) = await SyncFeed.FollowAsync(tenantOnOne, afterChange, _ => false, polls: 2);
        Assert.Empty(later);
        var everything = (await SyncFeed.FollowAsync(tenantOnOne, null, e => e.Count >= 2, polls: 1)).Events;
        Assert.Equal([EventTypes.ConnectionSynced, EventTypes.InvoiceUpdated], everything.Select(e => e.Str("type")));
        Assert.Single(receiver.Received);
        Assert.Single(JsonNode.Parse(await tenantOnOther.GetStringAsync($"v1/webhooks/{webhook.Str("id")}/deliveries", Ct))!.AsArray());
    }

    [Fact]
    public async Task ConfiguredSource_IsReadAtStartInTheBackground_AndRequestsAreServedFromThatCopy()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox));
        await gateway.Services.GetRequiredService<Gateway.Sync.SyncScheduler>().FirstPass.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var reads = sandbox.Requests.Snapshot();

        using var response = await gateway.Client.GetAsync("v1/invoices?limit=5", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(reads, sandbox.Requests.Snapshot());
        var events = (await SyncFeed.FollowAsync(gateway.Client, null, e => e.Count >= 5, polls: 1)).Events;
        Assert.Equal(SandboxConfig.SourceNames.Order(StringComparer.Ordinal), events.Where(e => e.Str("type") == EventTypes.ConnectionSynced).Select(e => e.Str("source")!).Order(StringComparer.Ordinal));
    }
}
