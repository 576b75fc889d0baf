using System.Net;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests;

public sealed class SourcesAndHealthTests(SandboxGatewayFixture fixture) : IClassFixture<SandboxGatewayFixture>
{
    [Fact]
    public async Task Sources_ListsEachSourceWithAdapterDirectionHealthAndCircuit_AndNoCredential()
    {
        using var response = await fixture.Client.GetAsync("v1/sources", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var sources = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsArray();

        // Configuration sections enumerate by name, so sources are listed in name order.
        Assert.Equal(SandboxConfig.SourceNames.Order(StringComparer.Ordinal), sources.Select(s => s.Str("name")));
        Assert.Equal(["generic", "goscore", "generic", "sendcloud", "sendregning"], sources.Select(s => s.Str("adapter")));
        Assert.Equal("receivable", sources.Single(s => s.Str("name") == "sendregning").Str("direction"));
        Assert.All(sources, s =>
        {
            Assert.NotNull(s.Str("health"));
            Assert.Equal("closed", s.Str("circuit"));
        });
        foreach (var secret in SandboxConfig.Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Health_LiveAndReady_AreOk()
    {
        using var live = await fixture.Client.GetAsync("health/live", TestContext.Current.CancellationToken);
        using var ready = await fixture.Client.GetAsync("health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task OpenApi_DescribesTheEndpoints_AndDocsPageIsServed()
    {
        var document = await fixture.Client.GetObjectAsync("openapi/v1.json");
        using var docs = await fixture.Client.GetAsync("docs/index.html", TestContext.Current.CancellationToken);

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToArray();
        Assert.Contains("/v1/invoices", paths);
        Assert.Contains("/v1/invoices/{id}", paths);
        Assert.Contains("/v1/sources", paths);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("swagger", await docs.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Refresh_WithoutApiKeysConfigured_IsForbidden()
    {
        using var response = await fixture.Client.PostAsync("v1/sources/goscore/refresh", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Logs_NeverContainACredential_AfterTrafficToEverySource()
    {
        await fixture.Client.GetAllAsync("limit=500");
        using var detail = await fixture.Client.GetAsync("v1/invoices/dollr:1", TestContext.Current.CancellationToken);

        var logs = string.Join("\n", fixture.Gateway.Logs.Lines);
        Assert.NotEmpty(fixture.Gateway.Logs.Lines);
        foreach (var secret in SandboxConfig.Secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }
}
