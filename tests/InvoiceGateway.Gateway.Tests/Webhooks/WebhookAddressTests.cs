using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tenancy;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;
using InvoiceGateway.Gateway.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>A gateway with the default: webhooks to https and public addresses only.</summary>
public sealed class SecureWebhookGatewayFixture : IAsyncLifetime
{
    public GatewayServer Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Gateway = await GatewayServer.StartAsync(WebhookSetup.Settings(allowInsecure: false));

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();
}

/// <summary>
/// Server-side request forgery (OWASP API7): a webhook URL must be https and reach public addresses only,
/// checked when registered and again when each attempt connects.
/// </summary>
public sealed class WebhookAddressTests(SecureWebhookGatewayFixture fixture) : IClassFixture<SecureWebhookGatewayFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://hooks.example.com/invoices", "https")]
    [InlineData("https://127.0.0.1/hooks", "not a public address")]
    [InlineData("https://10.1.2.3/hooks", "not a public address")]
    [InlineData("https://172.16.5.4/hooks", "not a public address")]
    [InlineData("https://192.168.1.10/hooks", "not a public address")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "not a public address")]
    [InlineData("https://[::1]/hooks", "not a public address")]
    [InlineData("https://[::ffff:127.0.0.1]/hooks", "not a public address")]
    [InlineData("https://[fd00:ec2::254]/hooks", "not a public address")]
    [InlineData("https://0.0.0.0/hooks", "not a public address")]
    [InlineData("https://localhost/hooks", "resolves to")]
    [InlineData("https://user:pass@hooks.example.com/", "credentials")]
    public async Task Registration_RefusesUrlsThatAreNotHttpsOrNotPublic(string url, string reason)
    {
        using var client = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-ssrf");
        using var response = await client.PostAsJsonAsync("v1/webhooks", new { url }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject();
        Assert.Equal(["url"], errors.Select(e => e.Key));
        Assert.Contains(reason, errors["url"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_AcceptsAPublicHttpsAddress_AndAChangeToAPrivateOneIsRefused()
    {
        using var client = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-public");
        var id = (await WebhookSetup.RegisterAsync(client, new Uri("https://93.184.216.34/hooks"))).Str("id")!;

        using var changed = await client.PatchAsJsonAsync($"v1/webhooks/{id}", new { url = "https://10.0.0.8/hooks" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
        Assert.Equal("https://93.184.216.34/hooks", (await client.GetObjectAsync($"v1/webhooks/{id}")).Str("url"));
    }

    [Fact]
    public async Task Sending_ChecksTheAddressAgain_AndNeverConnectsToALoopbackReceiver()
    {
        // Rows as an older registration (or DNS that changed since) could have left them: the send is the last line.
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = receiver.Url.Port;
        var urls = new[] { $"https://127.0.0.1:{port}/hooks", $"https://localhost:{port}/hooks", $"http://127.0.0.1:{port}/hooks" };
        var ids = new List<string>();
        await using (var scope = fixture.Gateway.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set("hooks-send");
            var db = scope.ServiceProvider.GetRequiredService<InvoiceGateway.Gateway.Storage.GatewayDb>();
            var secrets = scope.ServiceProvider.GetRequiredService<WebhookSecrets>();
            foreach (var url in urls)
            {
                var record = new WebhookRecord
                {
                    Id = WebhooksApi.NewId("whk_"),
                    Url = url,
                    Types = "[]",
                    Secret = secrets.Protect(WebhookSecrets.Create()),
                    Enabled = true,
                    CreatedAt = DateTimeOffset.UtcNow,
                    UpdatedAt = DateTimeOffset.UtcNow,
                };
                db.Webhooks.Add(record);
                ids.Add(record.Id);
            }

            await db.SaveChangesAsync(Ct);
        }

        using var client = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-send");
        var errors = new List<string>();
        foreach (var id in ids)
        {
            var deliveryId = await WebhookSetup.PingAsync(client, id);
            var delivery = await WebhookSetup.WaitForDeliveryAsync(client, id, deliveryId, d => WebhookSetup.AttemptCount(d) == 1);
            var attempt = delivery["attempts"]![0]!;
            Assert.Null(attempt["statusCode"]);
            Assert.Equal("pending", delivery.Str("status")); // refused attempts are retried like any failure: DNS may change back
            errors.Add(attempt.Str("error")!);
        }

        Assert.All(errors, e => Assert.StartsWith("refused: ", e, StringComparison.Ordinal));
        Assert.Contains("localhost' resolves to", errors[1], StringComparison.Ordinal);
        Assert.Contains("https", errors[2], StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }
}
