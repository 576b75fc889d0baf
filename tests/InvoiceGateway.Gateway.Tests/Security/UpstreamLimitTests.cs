using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>
/// An upstream that sends too much (bytes) or too deep (nesting) fails alone, with
/// <c>upstream_limit_exceeded</c>, while the others are served.
/// </summary>
public sealed class UpstreamLimitTests
{
    public static TheoryData<string> Sources => new(SandboxConfig.SourceNames);

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task List_WhenASourceSendsMoreThanMaxResponseBytes_FailsItWithLimitExceeded_AndServesTheOthers(string failing)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: TestContext.Current.CancellationToken);
        sandbox.Faults.Set(failing, new SandboxFault { OversizedBytes = 8 * 1024 * 1024 });
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ($"Gateway:Sources:{failing}:Resilience:MaxResponseBytes", "1048576")));

        var page = await ListAsync(gateway);

        AssertFailedAlone(page, failing);
        var error = page.SourceState(failing)["error"]!;
        Assert.Contains("1048576", error.Str("message"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task List_WhenASourceSendsJsonNested5000Deep_FailsItWithLimitExceeded_AndServesTheOthers(string failing)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: TestContext.Current.CancellationToken);
        sandbox.Faults.Set(failing, new SandboxFault { DeepNestingLevels = 5000 });
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox));

        var page = await ListAsync(gateway);

        AssertFailedAlone(page, failing);
        Assert.Contains("nested", page.SourceState(failing)["error"].Str("message"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task GetById_WhenTheSourceSendsMoreThanMaxResponseBytes_Is502ProblemWithLimitExceeded(string failing)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: TestContext.Current.CancellationToken);
        sandbox.Faults.Set(failing, new SandboxFault { OversizedBytes = 8 * 1024 * 1024 });
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ($"Gateway:Sources:{failing}:Resilience:MaxResponseBytes", "1048576")));

        var (response, problem) = await gateway.Client.GetProblemAsync($"v1/invoices/{failing}:1");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_limit_exceeded", problem.Str("code"));
        Assert.Equal(failing, problem.Str("source"));
    }

    internal static async Task<JsonObject> ListAsync(GatewayServer gateway)
    {
        using var response = await gateway.Client.GetAsync("v1/invoices?limit=500", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("false", response.Headers.GetValues("X-Gateway-Complete").Single());
        return JsonNode.Parse(text)!.AsObject();
    }

    internal static void AssertFailedAlone(JsonObject page, string failing)
    {
        var state = page.SourceState(failing);
        Assert.True(state.Str("state") == "failed", state.ToJsonString());
        Assert.Equal("upstream_limit_exceeded", state["error"].Str("code"));
        Assert.Contains(failing, state["error"].Str("message"), StringComparison.Ordinal);
        Assert.False(page["complete"]!.GetValue<bool>());
        Assert.DoesNotContain(page["data"]!.AsArray(), i => i.Str("source") == failing);
        foreach (var other in SandboxConfig.SourceNames.Where(n => n != failing))
        {
            Assert.Equal("ok", page.SourceState(other).Str("state"));
            Assert.Contains(page["data"]!.AsArray(), i => i.Str("source") == other);
        }
    }
}

/// <summary>Runs alone, after the parallel tests: it measures the allocations of the whole process.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

[Collection(nameof(MemoryMeasurement))]
public sealed class UpstreamMemoryTests
{
    private const long PayloadBytes = 200L * 1024 * 1024;
    private const long LimitBytes = 1024 * 1024;
    private const long AllowedAllocation = 50L * 1024 * 1024;

    [Theory]
    [InlineData("goscore")]
    [InlineData("ibana")]
    public async Task List_WhenASourceSends200MegabytesAgainstA1MegabyteLimit_AllocatesFarLessThanThePayload(string failing)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: TestContext.Current.CancellationToken);
        // Without the background sync: it would have read (and cached) the failing source before the fault is set.
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            SandboxConfig.WithoutSync,
            ($"Gateway:Sources:{failing}:Resilience:MaxResponseBytes", LimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ($"Gateway:Sources:{failing}:Timeout", "00:00:30"),
            ($"Gateway:Sources:{failing}:Resilience:AttemptTimeout", "00:00:20"),
            ($"Gateway:Sources:{failing}:Resilience:TotalTimeout", "00:00:25")));
        var others = string.Join(",", SandboxConfig.SourceNames.Where(n => n != failing));
        using (var warmUp = await gateway.Client.GetAsync("v1/invoices?limit=500&source=" + others, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        sandbox.Faults.Set(failing, new SandboxFault { OversizedBytes = PayloadBytes });

        // Warmed up (JIT, connections, the other sources cached); nothing of the failing source is
        // cached, so the measured request reads its oversized body.
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await gateway.Client.GetAsync("v1/invoices?limit=500", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Current.SendDiagnosticMessage($"{failing}: {allocated:N0} bytes allocated for a {PayloadBytes:N0}-byte body");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        UpstreamLimitTests.AssertFailedAlone(JsonNode.Parse(text)!.AsObject(), failing);
        Assert.True(allocated < AllowedAllocation,
            $"reading a {PayloadBytes:N0}-byte body with a {LimitBytes:N0}-byte limit allocated {allocated:N0} bytes");
    }
}
