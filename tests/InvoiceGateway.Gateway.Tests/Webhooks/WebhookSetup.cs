using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>Gateway configuration for webhook tests: no sources, the tenant keys of <see cref="TenantSetup"/>.</summary>
public static class WebhookSetup
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Dictionary<string, string?> Settings(bool allowInsecure, string? dataDirectory = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Gateway:Demo"] = "false",
            ["Gateway:ApiKeys:0:Name"] = "app",
            ["Gateway:ApiKeys:0:Key"] = TenantSetup.AppKey,
            ["Gateway:ApiKeys:0:Role"] = "app",
            ["Gateway:ApiKeys:1:Name"] = "reader",
            ["Gateway:ApiKeys:1:Key"] = TenantSetup.ReaderKey,
            ["Gateway:Webhooks:AllowInsecure"] = allowInsecure ? "true" : "false",
            ["Gateway:RateLimit:PermitLimit"] = "100000", // the tests poll the delivery log
        };
        if (dataDirectory is not null)
        {
            settings["Gateway:DataDirectory"] = dataDirectory;
        }

        return settings;
    }

    /// <summary>Registers a webhook; returns the creation's answer (with the secret).</summary>
    public static async Task<JsonObject> RegisterAsync(HttpClient client, Uri url, params string[] types)
    {
        using var response = await client.PostAsJsonAsync("v1/webhooks", new { url = url.ToString(), types, description = "test receiver" }, Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    /// <summary>Sends the test ping; returns the delivery's id.</summary>
    public static async Task<string> PingAsync(HttpClient client, string webhookId)
    {
        using var response = await client.PostAsync($"v1/webhooks/{webhookId}/test", null, Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToJsonString());
        return body.Str("id")!;
    }

    public static async Task<JsonObject> DeliveryAsync(HttpClient client, string webhookId, string deliveryId)
    {
        var log = JsonNode.Parse(await client.GetStringAsync($"v1/webhooks/{webhookId}/deliveries", Ct))!.AsArray();
        return log.Single(d => d.Str("id") == deliveryId)!.AsObject();
    }

    /// <summary>Polls the delivery log (generously) until the delivery satisfies <paramref name="done"/>.</summary>
    public static async Task<JsonObject> WaitForDeliveryAsync(HttpClient client, string webhookId, string deliveryId, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var delivery = await DeliveryAsync(client, webhookId, deliveryId);
            if (done(delivery))
            {
                return delivery;
            }

            Assert.True(DateTime.UtcNow < deadline, "the delivery did not get there: " + delivery.ToJsonString());
            await Task.Delay(50, Ct);
        }
    }

    public static int AttemptCount(JsonObject delivery) => delivery["attemptCount"]!.GetValue<int>();
}
