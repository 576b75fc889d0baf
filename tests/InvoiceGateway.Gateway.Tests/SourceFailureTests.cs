using System.Net;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests;

/// <summary>A failing source never fails a list: the others are served, the failure is stated, complete is false.</summary>
public sealed class SourceFailureTests
{
    public static TheoryData<string, string, string> Faults => new()
    {
        { "sendregning", "status500", "upstream_status" },
        { "goscore", "malformedJson", "upstream_payload" },
        { "sendcloud", "reset", "upstream_unreachable" },
        { "ibana", "timeout", "upstream_timeout" },
        { "dollr", "status500", "upstream_status" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task List_WhenOneSourceFails_ServesTheOthersAndStatesTheError(string failing, string fault, string code)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: TestContext.Current.CancellationToken);
        sandbox.Faults.Set(failing, fault switch
        {
            "status500" => new SandboxFault { Status = 500 },
            "malformedJson" => new SandboxFault { MalformedJson = true },
            "reset" => new SandboxFault { ResetConnection = true },
            _ => new SandboxFault { LatencyMs = 10_000 },
        });
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ($"Gateway:Sources:{failing}:Timeout", "00:00:01.500")));

        using var response = await gateway.Client.GetAsync("v1/invoices?limit=500", TestContext.Current.CancellationToken);
        var page = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("X-Gateway-Complete").Single());
        Assert.False(page["complete"]!.GetValue<bool>());
        var state = page.SourceState(failing);
        Assert.Equal("failed", state.Str("state"));
        Assert.Equal(code, state["error"].Str("code"));
        Assert.Contains(failing, state["error"].Str("message"), StringComparison.Ordinal);
        Assert.Equal(0, state["count"]!.GetValue<int>());
        foreach (var other in SandboxConfig.SourceNames.Where(n => n != failing))
        {
            Assert.Equal("ok", page.SourceState(other).Str("state"));
            Assert.Contains(page["data"]!.AsArray(), i => i.Str("source") == other);
        }

        Assert.DoesNotContain(page["data"]!.AsArray(), i => i.Str("source") == failing);
    }

    [Fact]
    public async Task Sources_WhenTheLastListReadFailedWithAnUpstream404_DoesNotSayHealthy()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        // A request's own read (the background sync would serve the last copy instead of reading on request).
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, SandboxConfig.WithoutSync));
        Assert.Equal("healthy", (await SourceAsync(gateway, "sendregning")).Str("health"));
        sandbox.Faults.Set("sendregning", new SandboxFault { Status = 404 });

        var page = await gateway.Client.GetObjectAsync("v1/invoices?limit=500");

        Assert.Equal("failed", page.SourceState("sendregning").Str("state"));
        var source = await SourceAsync(gateway, "sendregning");
        Assert.Contains(source.Str("health"), new[] { "degraded", "unhealthy" });
        Assert.Equal("healthy", (await SourceAsync(gateway, "goscore")).Str("health"));
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> SourceAsync(GatewayServer gateway, string name)
    {
        using var response = await gateway.Client.GetAsync("v1/sources", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sources = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        return sources.Single(s => s.Str("name") == name)!;
    }

    [Fact]
    public async Task List_WhenEverySourceFailsAndNothingIsCached_Answers502ProblemListingEachSource()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        foreach (var name in SandboxConfig.SourceNames)
        {
            sandbox.Faults.Set(name, new SandboxFault { Status = 503 });
        }

        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox));

        var (response, problem) = await gateway.Client.GetProblemAsync("v1/invoices");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(5, problem["sources"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("ibana")]
    [InlineData("dollr")]
    [InlineData("goscore")]
    [InlineData("sendcloud")]
    [InlineData("sendregning")]
    public async Task List_WhenASourceSendsOneMalformedInvoice_ServesTheRestAndReportsTheRejectedOne(string source)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 6 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.ForAdmin(sandbox), clientKey: SandboxConfig.AdminKey);
        var healthy = (await gateway.Client.GetObjectAsync($"v1/invoices?source={source}&limit=500")).SourceState(source)["count"]!.GetValue<int>();
        sandbox.Faults.Set(source, new SandboxFault { MalformedEntry = true });

        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/invoices?source={source}&limit=500");
        request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        using var response = await gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var page = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

        var state = page.SourceState(source);
        Assert.Equal("ok", state.Str("state"));
        var rejected = state["rejected"]!.GetValue<int>();
        Assert.True(rejected >= 1, $"a broken entry must be reported: {state}");
        Assert.Contains(state["notices"]!.AsArray(), n => n.Str("code") == "invoice_rejected");
        Assert.Equal(state["count"]!.GetValue<int>(), page["data"]!.AsArray().Count);
        Assert.Equal(healthy, state["count"]!.GetValue<int>() + rejected); // none lost silently
        Assert.False(page["complete"]!.GetValue<bool>());
    }
}
