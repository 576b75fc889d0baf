using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>
/// Retries from the schedule kept in the database, on a fake clock: the test moves time to each attempt's
/// <c>nextAttemptAt</c> as the delivery log shows it, so nothing depends on how fast the machine is.
/// </summary>
public sealed class WebhookRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReceiverFailingThreeTimes_GetsTheDeliveryOnTheFourthAttempt_WithTheBackoffInTheLog()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext(500, 500, 500);
        await using var gateway = await GatewayServer.StartAsync(WebhookSetup.Settings(allowInsecure: true), s => s.AddSingleton<TimeProvider>(clock));
        using var client = TenantSetup.Client(gateway, TenantSetup.AppKey, "hooks-retry");
        var created = await WebhookSetup.RegisterAsync(client, receiver.Url);
        var id = created.Str("id")!;
        var deliveryId = await WebhookSetup.PingAsync(client, id);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var failed = await WebhookSetup.WaitForDeliveryAsync(client, id, deliveryId, d => WebhookSetup.AttemptCount(d) == attempt);
            Assert.Equal("pending", failed.Str("status"));
            Assert.Equal(500, failed["lastStatusCode"]!.GetValue<int>());
            clock.SetUtcNow(failed["nextAttemptAt"]!.GetValue<DateTimeOffset>());
        }

        var delivered = await WebhookSetup.WaitForDeliveryAsync(client, id, deliveryId, d => d.Str("status") == "succeeded");

        var attempts = delivered["attempts"]!.AsArray().Select(a => a!.AsObject()).ToArray();
        Assert.Equal([500, 500, 500, 200], attempts.Select(a => a["statusCode"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3, 4], attempts.Select(a => a["number"]!.GetValue<int>()));
        Assert.All(attempts[..3], a => Assert.Equal("answered 500", a.Str("error")));
        Assert.Null(attempts[3]["nextAttemptAt"]);

        // Each retry came when the attempt before scheduled it: 10 s, then four times longer each time, ±20 % jitter.
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var scheduled = attempts[i]["nextAttemptAt"]!.GetValue<DateTimeOffset>();
            Assert.Equal(scheduled, attempts[i + 1]["at"]!.GetValue<DateTimeOffset>());
            waits.Add(scheduled - attempts[i]["at"]!.GetValue<DateTimeOffset>());
        }

        double[] nominal = [10, 40, 160];
        for (var i = 0; i < 3; i++)
        {
            Assert.InRange(waits[i].TotalSeconds, nominal[i] * 0.8, nominal[i] * 1.2);
        }

        var received = await receiver.WaitForAsync(4);
        Assert.Equal([500, 500, 500, 200], received.Select(r => r.Answered));
        Assert.Single(received.Select(r => r.Headers["webhook-id"]).Distinct());
        var last = received[^1];
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(last.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds(), timestamp.ToUnixTimeSeconds());
        Assert.Equal(new StandardWebhook(created.Str("secret")!).Sign(last.Headers["webhook-id"], timestamp, last.Body), last.Headers["webhook-signature"]);
    }

    [Fact]
    public async Task TheGatewayStoppedAfterEachFailedAttempt_DeliversOnTheFourthAfterItStartsAgain_OnTheSameDatabase()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "ig-hooks-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var receiver = await WebhookReceiver.StartAsync();
            receiver.AnswerNext(500, 500, 500);
            string? id = null, deliveryId = null, secret = null;
            var startAt = DateTimeOffset.UtcNow;

            // Three lives of the gateway, each making one failed attempt and stopped before the retry it scheduled.
            for (var life = 1; life <= 3; life++)
            {
                var clock = new FakeTimeProvider(startAt);
                await using var gateway = await GatewayServer.StartAsync(WebhookSetup.Settings(allowInsecure: true, dataDirectory), s => s.AddSingleton<TimeProvider>(clock));
                using var client = TenantSetup.Client(gateway, TenantSetup.AppKey, "hooks-restart");
                if (id is null)
                {
                    var created = await WebhookSetup.RegisterAsync(client, receiver.Url);
                    (id, secret) = (created.Str("id")!, created.Str("secret")!);
                    deliveryId = await WebhookSetup.PingAsync(client, id);
                }

                var failed = await WebhookSetup.WaitForDeliveryAsync(client, id, deliveryId!, d => WebhookSetup.AttemptCount(d) == life);
                Assert.Equal("pending", failed.Str("status"));
                Assert.Equal(life, receiver.Received.Count);

                // The next life starts just after the retry fell due: the schedule is in the database, not in the process.
                startAt = failed["nextAttemptAt"]!.GetValue<DateTimeOffset>().AddSeconds(1);
            }

            var last = new FakeTimeProvider(startAt);
            await using var fourth = await GatewayServer.StartAsync(WebhookSetup.Settings(allowInsecure: true, dataDirectory), s => s.AddSingleton<TimeProvider>(last));
            using var again = TenantSetup.Client(fourth, TenantSetup.AppKey, "hooks-restart");
            var delivered = await WebhookSetup.WaitForDeliveryAsync(again, id!, deliveryId!, d => d.Str("status") == "succeeded");

            // The log shows the backoff across the restarts: each attempt after the one its predecessor scheduled.
            var attempts = delivered["attempts"]!.AsArray().Select(a => a!.AsObject()).ToArray();
            Assert.Equal([500, 500, 500, 200], attempts.Select(a => a["statusCode"]!.GetValue<int>()));
            double[] nominal = [10, 40, 160];
            for (var i = 0; i < 3; i++)
            {
                var scheduled = attempts[i]["nextAttemptAt"]!.GetValue<DateTimeOffset>();
                Assert.InRange((scheduled - attempts[i]["at"]!.GetValue<DateTimeOffset>()).TotalSeconds, nominal[i] * 0.8, nominal[i] * 1.2);
                Assert.Equal(scheduled.AddSeconds(1), attempts[i + 1]["at"]!.GetValue<DateTimeOffset>());
            }

            var received = await receiver.WaitForAsync(4);
            Assert.Equal([500, 500, 500, 200], received.Select(r => r.Answered));
            Assert.Single(received.Select(r => r.Headers["webhook-id"]).Distinct());
            // Signed for the moment it was sent (the gateway's clock is minutes ahead: verified against that, not now).
            var timestamp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(received[3].Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(last.GetUtcNow().ToUnixTimeSeconds(), timestamp.ToUnixTimeSeconds());
            Assert.Equal(new StandardWebhook(secret!).Sign(received[3].Headers["webhook-id"], timestamp, received[3].Body), received[3].Headers["webhook-signature"]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans its temp folder.
            }
        }
    }

    [Fact]
    public async Task ADeliveryFailingFor24Hours_IsFailed_AndAWebhookFailingFor5Days_IsDisabled()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext(Enumerable.Repeat(500, 1000).ToArray());
        await using var gateway = await GatewayServer.StartAsync(WebhookSetup.Settings(allowInsecure: true), s => s.AddSingleton<TimeProvider>(clock));
        using var client = TenantSetup.Client(gateway, TenantSetup.AppKey, "hooks-disable");
        var id = (await WebhookSetup.RegisterAsync(client, receiver.Url)).Str("id")!;
        var start = clock.GetUtcNow();

        // One ping a day, each retried until it fails; the fifth day's failures disable the webhook.
        JsonObject? webhook = null;
        for (var day = 0; day < 6; day++)
        {
            var deliveryId = await WebhookSetup.PingAsync(client, id);
            var created = clock.GetUtcNow();
            JsonObject delivery;
            for (var expected = 1; ; expected++)
            {
                // Attempts happen only when the clock moves, so the count is exactly the one expected.
                delivery = await WebhookSetup.WaitForDeliveryAsync(client, id, deliveryId, d => WebhookSetup.AttemptCount(d) >= expected);
                if (delivery.Str("status") != "pending")
                {
                    break;
                }

                webhook = await client.GetObjectAsync($"v1/webhooks/{id}");
                if (!webhook["enabled"]!.GetValue<bool>())
                {
                    break;
                }

                clock.SetUtcNow(delivery["nextAttemptAt"]!.GetValue<DateTimeOffset>());
            }

            webhook = await client.GetObjectAsync($"v1/webhooks/{id}");
            if (!webhook["enabled"]!.GetValue<bool>())
            {
                break;
            }

            Assert.Equal("failed", delivery.Str("status"));
            var last = delivery["attempts"]!.AsArray()[^1]!;
            Assert.Null(last["nextAttemptAt"]);
            Assert.True(last["at"]!.GetValue<DateTimeOffset>() - created <= TimeSpan.FromHours(24), delivery.ToJsonString());
            Assert.True(WebhookSetup.AttemptCount(delivery) >= 8, delivery.ToJsonString());
            clock.SetUtcNow(created.AddDays(1));
        }

        Assert.NotNull(webhook);
        Assert.False(webhook["enabled"]!.GetValue<bool>());
        Assert.Contains("5 days", webhook.Str("disabledReason"), StringComparison.Ordinal);
        Assert.InRange(clock.GetUtcNow() - start, TimeSpan.FromDays(5), TimeSpan.FromDays(5.5));

        // Disabled: a ping is refused until it is enabled again; then it is sent.
        using var refused = await client.PostAsync($"v1/webhooks/{id}/test", null, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        using var enabled = await client.PatchAsync($"v1/webhooks/{id}", new StringContent("""{"enabled": true}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, enabled.StatusCode);
        var enabledDocument = JsonNode.Parse(await enabled.Content.ReadAsStringAsync(Ct))!;
        Assert.True(enabledDocument["enabled"]!.GetValue<bool>());
        Assert.Null(enabledDocument["disabledReason"]);
    }

    [Fact]
    public async Task FinishedDeliveries_AreDeletedOnceTheEventsRetentionHasPassed_PendingOnesStay()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = WebhookSetup.Settings(allowInsecure: true);
        settings["Gateway:Events:Retention"] = "1.00:00:00";
        await using var gateway = await GatewayServer.StartAsync(settings, s => s.AddSingleton<TimeProvider>(clock));
        using var client = TenantSetup.Client(gateway, TenantSetup.AppKey, "hooks-prune");
        var id = (await WebhookSetup.RegisterAsync(client, receiver.Url)).Str("id")!;
        var delivered = await WebhookSetup.PingAsync(client, id);
        await WebhookSetup.WaitForDeliveryAsync(client, id, delivered, d => d.Str("status") == "succeeded");
        receiver.AnswerNext(500, 500);
        var failing = await WebhookSetup.PingAsync(client, id);
        await WebhookSetup.WaitForDeliveryAsync(client, id, failing, d => WebhookSetup.AttemptCount(d) == 1);

        clock.Advance(TimeSpan.FromDays(2));
        await WebhookSetup.WaitForDeliveryAsync(client, id, failing, d => WebhookSetup.AttemptCount(d) == 2);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var log = JsonNode.Parse(await client.GetStringAsync($"v1/webhooks/{id}/deliveries", Ct))!.AsArray().Select(d => d.Str("id")!).ToArray();
            if (!log.Contains(delivered))
            {
                Assert.Equal([failing], log);
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the finished delivery was not deleted");
            await Task.Delay(50, Ct);
        }
    }
}
