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
}
