using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Events;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Sync;
using InvoiceGateway.Gateway.Tests.Tenancy;
using InvoiceGateway.Sandbox;
using StandardWebhooks;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>
/// The whole path of issue 13 through real parts: a change to the sandbox's data at run time is read by the background
/// sync, becomes one event in the feed, and reaches a registered receiver signed so that the reference implementation
/// of Standard Webhooks verifies it.
/// </summary>
public sealed class SandboxChangeDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SandboxAmountChange_IsOneSignedInvoiceUpdatedDelivery_WithTheFeedsEvent()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox, ("Gateway:Webhooks:AllowInsecure", "true")));
        await using var receiver = await WebhookReceiver.StartAsync();
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "delivered");
        var webhook = await WebhookSetup.RegisterAsync(tenant, receiver.Url, EventTypes.InvoiceUpdated);
        await SyncFeed.ConnectAsync(tenant, "books", "c42");
        var (_, cursor) = await SyncFeed.FollowAsync(tenant, null, e => e.Has(EventTypes.ConnectionSynced));

        var changedId = SyncFeed.GoScoreId(42, 1);
        await sandbox.ChangeAsync(HttpMethod.Patch, $"_sandbox/data/goscore/invoices/{changedId}?list=c42", """{"amount":777.25,"credit_note_amount":null,"type":"INVOICE"}""");

        var (updates, _) = await SyncFeed.FollowAsync(tenant, cursor, e => e.Has(EventTypes.InvoiceUpdated));
        var fromFeed = Assert.Single(updates);
        var received = Assert.Single(await receiver.WaitForAsync(1));

        // Signed per Standard Webhooks with the secret shown at registration; the id is the event's.
        new StandardWebhook(webhook.Str("secret")!).Verify(received.Body, received.AsHeaderDictionary());
        var delivered = JsonNode.Parse(received.Body)!.AsObject();
        Assert.Equal(fromFeed.Str("id"), received.Headers["webhook-id"]);
        Assert.Equal(fromFeed.Str("id"), delivered.Str("id"));
        Assert.Equal(EventTypes.InvoiceUpdated, delivered.Str("type"));
        Assert.Equal("books:" + changedId, delivered.Str("invoiceId"));
        Assert.Equal(777.25m, delivered["data"]!["invoice"]!["totals"]!["gross"]!.GetValue<decimal>());

        // Only the type it asked for (connection.synced was not sent), and the delivery log says it succeeded.
        Assert.Single(receiver.Received);
        var log = JsonNode.Parse(await tenant.GetStringAsync($"v1/webhooks/{webhook.Str("id")}/deliveries", Ct))!.AsArray();
        var entry = Assert.Single(log)!.AsObject();
        Assert.Equal(fromFeed.Str("id"), entry.Str("eventId"));
        var done = await WebhookSetup.WaitForDeliveryAsync(tenant, webhook.Str("id")!, entry.Str("id")!, d => d.Str("status") != "pending");
        Assert.Equal("succeeded", done.Str("status"));
        Assert.Equal(1, WebhookSetup.AttemptCount(done));
    }

    [Fact]
    public async Task SandboxStatusChangeAdditionAndRemoval_AreEachOneSignedDelivery_OfTheFeedsEvent()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);

        // An open invoice (not paid, due far ahead) before the first read, so that paying it changes its status.
        var paidId = SyncFeed.GoScoreId(46, 0);
        await sandbox.ChangeAsync(HttpMethod.Patch, $"_sandbox/data/goscore/invoices/{paidId}?list=c46",
            """{"paid":false,"status":"NEW","type":"INVOICE","credit_note_amount":null,"due_date":"2099-01-01"}""");
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox, ("Gateway:Webhooks:AllowInsecure", "true")));
        await using var receiver = await WebhookReceiver.StartAsync();
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "delivered-kinds");
        var webhook = await WebhookSetup.RegisterAsync(tenant, receiver.Url, EventTypes.InvoiceCreated, EventTypes.InvoiceUpdated, EventTypes.InvoiceDeleted);
        var verifier = new StandardWebhook(webhook.Str("secret")!);
        await SyncFeed.ConnectAsync(tenant, "books", "c46");
        var (_, cursor) = await SyncFeed.FollowAsync(tenant, null, e => e.Has(EventTypes.ConnectionSynced));

        // Each change in turn: exactly its event in the feed, then exactly one delivery of that event, verified.
        var removedId = SyncFeed.GoScoreId(46, 1);
        (string Method, string Path, string? Body, string Type, string InvoiceId)[] changes =
        [
            ("PATCH", $"_sandbox/data/goscore/invoices/{paidId}?list=c46", """{"paid":true}""", EventTypes.InvoiceUpdated, paidId),
            ("POST", "_sandbox/data/goscore/invoices?list=c46", """{"id":"1000000046999","amount":12.5}""", EventTypes.InvoiceCreated, "1000000046999"),
            ("DELETE", $"_sandbox/data/goscore/invoices/{removedId}?list=c46", null, EventTypes.InvoiceDeleted, removedId),
        ];
        var delivered = new List<JsonObject>();
        foreach (var (method, path, body, type, invoiceId) in changes)
        {
            await sandbox.ChangeAsync(new HttpMethod(method), path, body);
            var (events, next) = await SyncFeed.FollowAsync(tenant, cursor, e => e.Has(type));
            cursor = next;
            var fromFeed = Assert.Single(events);
            Assert.Equal(type, fromFeed.Str("type"));
            Assert.Equal("books:" + invoiceId, fromFeed.Str("invoiceId"));

            var received = (await receiver.WaitForAsync(delivered.Count + 1))[^1];
            verifier.Verify(received.Body, received.AsHeaderDictionary());
            Assert.Equal(fromFeed.Str("id"), received.Headers["webhook-id"]);
            var payload = JsonNode.Parse(received.Body)!.AsObject();
            Assert.Equal(fromFeed.ToJsonString(), payload.ToJsonString());
            delivered.Add(payload);
        }

        // Paying it is a status change, open to paid; the removal carries the id only.
        var status = delivered[0]["data"]!["changes"]!.AsArray().Single(c => c.Str("field") == "status")!;
        Assert.Equal("open", status.Str("from"));
        Assert.Equal("paid", status.Str("to"));
        Assert.Equal("books:1000000046999", delivered[1]["data"].Str("id"));
        Assert.Equal("books:" + removedId, delivered[2]["data"].Str("invoiceId"));

        // Nothing more was sent: one delivery per change, none for connection.synced.
        var (quiet, _) = await SyncFeed.FollowAsync(tenant, cursor, _ => false, polls: 1);
        Assert.Empty(quiet);
        Assert.Equal(3, receiver.Received.Count);
    }
}
