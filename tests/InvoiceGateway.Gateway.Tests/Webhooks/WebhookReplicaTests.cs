using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>Two replicas on one PostgreSQL: each delivery is claimed by one of them and sent once.</summary>
public sealed class WebhookReplicaTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoReplicas_SendEachDeliveryOnce_AcrossSeveralClaimBatches()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = WebhookSetup.Settings(allowInsecure: true);
        settings["Gateway:Database"] = await postgres.CreateDatabaseAsync();
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);
        using var onOne = TenantSetup.Client(one, TenantSetup.AppKey, "hooks-replicas");
        using var onOther = TenantSetup.Client(other, TenantSetup.AppKey, "hooks-replicas");
        var id = (await WebhookSetup.RegisterAsync(onOne, receiver.Url)).Str("id")!;

        // More pings than one claim takes (64), stored through both replicas at once: each wakes its own dispatcher, and
        // each dispatcher also polls for the other's, so both claim from the same rows at the same time.
        const int Count = 150;
        var deliveries = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => WebhookSetup.PingAsync(i % 2 == 0 ? onOne : onOther, id)));

        var received = await receiver.WaitForAsync(Count);
        var log = await WaitUntilAllSucceededAsync(onOther, id, Count);
        Assert.Equal(deliveries.Order(StringComparer.Ordinal), log.Select(d => d.Str("id")!).Order(StringComparer.Ordinal));
        Assert.All(log, d => Assert.Equal(1, WebhookSetup.AttemptCount(d)));

        // Every attempt recorded, so none can be sent again: the receiver got each event once.
        Assert.Equal(Count, receiver.Received.Count);
        Assert.Equal(Count, received.Select(r => r.Headers["webhook-id"]).Distinct(StringComparer.Ordinal).Count());
    }

    private static async Task<JsonObject[]> WaitUntilAllSucceededAsync(HttpClient client, string webhookId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var log = JsonNode.Parse(await client.GetStringAsync($"v1/webhooks/{webhookId}/deliveries?limit=200", Ct))!.AsArray().Select(d => d!.AsObject()).ToArray();
            if (log.Length == count && log.All(d => d.Str("status") == "succeeded"))
            {
                return log;
            }

            Assert.True(DateTime.UtcNow < deadline, "not all deliveries succeeded: " + string.Join(", ", log.Select(d => d.Str("status"))));
            await Task.Delay(100, Ct);
        }
    }
}
