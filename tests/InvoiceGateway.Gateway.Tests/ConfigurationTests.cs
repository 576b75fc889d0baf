using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests;

/// <summary>Invalid configuration stops start-up with one message listing every problem; demo mode needs none.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task Startup_WithManyProblems_FailsOnceListingEveryProblem_WithoutSecrets()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Sources:a:Adapter"] = "nosuch",
            ["Gateway:Sources:a:BaseUrl"] = "https://example.test/api",
            ["Gateway:Sources:b:Adapter"] = "goscore",
            ["Gateway:Sources:b:BaseUrl"] = "not a url",
            ["Gateway:Sources:b:Auth:Type"] = "goscore",
            ["Gateway:Sources:b:Auth:SecretKey"] = "super-secret-value-123",
            ["Gateway:Sources:c:Adapter"] = "sendregning",
            ["Gateway:Sources:c:BaseUrl"] = "https://example.test/",
            ["Gateway:Sources:c:Timeout"] = "soon",
            ["Gateway:Sources:c:Currency"] = "EURO",
            ["Gateway:Sources:c:Direction"] = "up",
            ["Gateway:Sources:c:Auth:Type"] = "basic",
            ["Gateway:Sources:c:Cache:Ttl"] = "01:00:00",
            ["Gateway:Sources:c:Cache:StaleTtl"] = "00:01:00",
            ["Gateway:Sources:c:Colour"] = "blue",
            ["Gateway:ApiKeys:0:Name"] = "app",
            ["Gateway:ApiKeys:0:Key"] = "short",
            ["Gateway:Telemetry:Otlp"] = "collector:4317",
            ["Gateway:Telemetry:Prometheus"] = "yes",
            ["Gateway:TimeZone"] = "Mars/Olympus_Mons",
            ["Gateway:Webhooks:AllowInsecure"] = "sometimes",
            ["Gateway:Webhooks:Retries"] = "3",
        };

        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayServer.StartAsync(settings));

        string[] expectedMentions =
        [
            "Gateway:Sources:a:Adapter 'nosuch'",
            "Gateway:Sources:b:BaseUrl",
            "ConsentId",
            "Gateway:Sources:b:Auth:ClientId",
            "Gateway:Sources:c:Timeout",
            "Gateway:Sources:c:Currency",
            "Gateway:Sources:c:Direction",
            "Gateway:Sources:c:Auth:Username",
            "StaleTtl",
            "Gateway:Sources:c:Colour",
            "Gateway:ApiKeys:0:Key",
            "Gateway:Telemetry:Otlp",
            "Gateway:Telemetry:Prometheus",
            "Gateway:TimeZone",
            "Gateway:Webhooks:AllowInsecure",
            "Gateway:Webhooks:Retries",
        ];
        foreach (var mention in expectedMentions)
        {
            Assert.Contains(mention, error.Message, StringComparison.Ordinal);
        }

        Assert.True(error.Problems.Count >= expectedMentions.Length);
        Assert.DoesNotContain("super-secret-value-123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_WithNoSources_RunsDemoModeOnTheInProcessSandbox()
    {
        await using var gateway = await GatewayServer.StartAsync(new Dictionary<string, string?>());

        var (invoices, _) = await gateway.Client.GetAllAsync("limit=500");

        Assert.Equal(SandboxConfig.SourceNames.Order(), invoices.Select(i => i.Str("source")!).Distinct().Order());
    }

    [Fact]
    public async Task Startup_WithDemoSwitchedOffAndNoSources_ServesAnEmptyList()
    {
        await using var gateway = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["Gateway:Demo"] = "false" });

        var page = await gateway.Client.GetObjectAsync("v1/invoices");

        Assert.Empty(page["data"]!.AsArray());
        Assert.Empty(page["sources"]!.AsArray());
    }

    [Fact]
    public async Task Startup_WithABadMappingFile_ListsEveryMappingProblemWithFileAndPath()
    {
        var folder = Directory.CreateTempSubdirectory("ig-mapping-").FullName;
        var file = Path.Combine(folder, "broken.json");
        await File.WriteAllTextAsync(file, """
            { "name": "broken", "colour": "blue",
              "list": { "path": "invoices", "items": "data..x", "paging": { "kind": "sometimes" } },
              "fields": { "sourceId": "id", "dueDate": { "path": "due", "convert": "tomorrow" }, "currency": 42 } }
            """, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Sources:custom:Adapter"] = "generic",
            ["Gateway:Sources:custom:BaseUrl"] = "https://api.example.test/",
            ["Gateway:Sources:custom:Options:Mapping"] = file,
        }));

        Assert.Contains("broken.json", error.Message, StringComparison.Ordinal);
        Assert.True(error.Problems.Count(p => p.Contains("broken.json", StringComparison.Ordinal)) >= 3, error.Message);
        Assert.Contains("colour", error.Message, StringComparison.Ordinal);
        Assert.Contains("tomorrow", error.Message, StringComparison.Ordinal);
    }
}
