using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>Two replicas on one PostgreSQL: each delivery is claimed by one of them and sent once.</summary>
public sealed class WebhookReplicaTests(PostgresFixture postgres)
{
    [Fact]
    public async Task TwoReplicas_SendEachDeliveryOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = WebhookSetup.Settings(allowInsecure: true);
        settings["Gateway:Database"] = await postgres.CreateDatabaseAsync();
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);
        using var onOne = TenantSetup.Client(one, TenantSetup.AppKey, "hooks-replicas");
        using var onOther = TenantSetup.Client(other, TenantSetup.AppKey, "hooks-replicas");
        var id = (await WebhookSetup.RegisterAsync(onOne, receiver.Url)).Str("id")!;

        // Pings stored through both replicas: each wakes its own dispatcher, and each dispatcher also polls for the other's.
        var deliveries = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            deliveries.Add(await WebhookSetup.PingAsync(i % 2 == 0 ? onOne : onOther, id));
        }

        foreach (var delivery in deliveries)
        {
            var done = await WebhookSetup.WaitForDeliveryAsync(onOther, id, delivery, d => d.Str("status") == "succeeded");
            Assert.Equal(1, WebhookSetup.AttemptCount(done));
        }

        var received = await receiver.WaitForAsync(20);
        Assert.Equal(20, received.Length);
        Assert.Equal(20, received.Select(r => r.Headers["webhook-id"]).Distinct(StringComparer.Ordinal).Count());
    }
}
