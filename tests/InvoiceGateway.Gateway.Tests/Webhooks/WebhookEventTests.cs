using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Events;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>Events appended to the gateway's event log become deliveries: by tenant and type, an invoice's in order.</summary>
public sealed class WebhookEventTests
{
    [Fact]
    public async Task AppendedEvents_AreDeliveredToTheTenantsWebhooksOfTheirTypes_AnInvoicesEventsInOrder()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var elsewhere = await WebhookReceiver.StartAsync();
        await using var gateway = await GatewayServer.StartAsync(WebhookSetup.Settings(allowInsecure: true), s => s.AddSingleton<TimeProvider>(clock));
        using var client = TenantSetup.Client(gateway, TenantSetup.AppKey, "hooks-events");
        using var other = TenantSetup.Client(gateway, TenantSetup.AppKey, "hooks-events-other");
        var created = await WebhookSetup.RegisterAsync(client, receiver.Url, "invoice.created", "invoice.updated");
        var id = created.Str("id")!;
        await WebhookSetup.RegisterAsync(other, elsewhere.Url);

        // The first attempt of the first event fails: the same invoice's next event must wait for it, another invoice's need not.
        receiver.AnswerNextFor("\"invoiceId\":\"books:1\"", 500);
        var log = gateway.Services.GetRequiredService<EventLog>();
        var stored = await log.AppendAsync("hooks-events",
        [
            new NewEvent("invoice.created", "books", "books:1", """{"id":"books:1","status":"open"}"""),
            new NewEvent("invoice.updated", "books", "books:1", """{"changes":[{"field":"status","from":"open","to":"paid"}]}"""),
            new NewEvent("invoice.created", "books", "books:2", """{"id":"books:2","status":"open"}"""),
            new NewEvent("connection.synced", "books", null, """{"count":2}"""),
        ], TestContext.Current.CancellationToken);
        var (first, second, third) = (stored[0].Id, stored[1].Id, stored[2].Id);

        var deliveries = await WaitForLogAsync(client, id, 3);
        string DeliveryOf(string eventId) => deliveries.Single(d => d.Str("eventId") == eventId).Str("id")!;
        await WebhookSetup.WaitForDeliveryAsync(client, id, DeliveryOf(third), d => d.Str("status") == "succeeded");
        var failed = await WebhookSetup.WaitForDeliveryAsync(client, id, DeliveryOf(first), d => WebhookSetup.AttemptCount(d) == 1);

        // A ping goes through a later round of the dispatcher: by then the held-back event would have been sent if it could.
        await WebhookSetup.WaitForDeliveryAsync(client, id, await WebhookSetup.PingAsync(client, id), d => d.Str("status") == "succeeded");
        var held = await WebhookSetup.DeliveryAsync(client, id, DeliveryOf(second));
        Assert.Equal("pending", held.Str("status"));
        Assert.Equal(0, WebhookSetup.AttemptCount(held));

        clock.SetUtcNow(failed["nextAttemptAt"]!.GetValue<DateTimeOffset>());
        await WebhookSetup.WaitForDeliveryAsync(client, id, DeliveryOf(second), d => d.Str("status") == "succeeded");

        var received = await receiver.WaitForAsync(5);
        var ofFirstInvoice = received.Select(r => JsonNode.Parse(r.Body)!).Where(b => b.Str("invoiceId") == "books:1").Select(b => b.Str("id")!).ToArray();
        Assert.Equal([first, first, second], ofFirstInvoice);
        Assert.DoesNotContain(received, r => r.Body.Contains("connection.synced", StringComparison.Ordinal)); // not one of its types
        Assert.Empty(elsewhere.Received); // another tenant's webhook

        var update = received.Single(r => r.Headers["webhook-id"] == second);
        var body = JsonNode.Parse(update.Body)!;
        Assert.Equal("invoice.updated", body.Str("type"));
        Assert.Equal("books", body.Str("source"));
        Assert.Equal("paid", body["data"]!["changes"]![0]!.Str("to"));
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(update.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new StandardWebhook(created.Str("secret")!).Sign(second, timestamp, update.Body), update.Headers["webhook-signature"]);
    }

    private static async Task<JsonObject[]> WaitForLogAsync(HttpClient client, string webhookId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var log = JsonNode.Parse(await client.GetStringAsync($"v1/webhooks/{webhookId}/deliveries", TestContext.Current.CancellationToken))!.AsArray();
            if (log.Count >= count)
            {
                return log.Select(d => d!.AsObject()).ToArray();
            }

            Assert.True(DateTime.UtcNow < deadline, $"{log.Count} deliveries, {count} expected");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
