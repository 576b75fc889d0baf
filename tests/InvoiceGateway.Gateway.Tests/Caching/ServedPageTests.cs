using System.Net;
using InvoiceGateway.Caching;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Sync;
using InvoiceGateway.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>
/// A list page asked for again is served from the bytes written the first time, and an overdue invoice's ETag is hashed
/// once a day (issue 16): what is served must still follow the data and the day, never the copy kept.
/// </summary>
public sealed class ServedPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("read again")] // a no-cache request, or the sync: the copy is replaced
    [InlineData("dropped")] // by tag: a refresh, a deleted connection, another replica's refresh
    public async Task List_SamePageAskedAgain_AfterTheSourceWasReadAgainOrDropped_ServesTheNewData(string how)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(
            SandboxConfig.ForAdmin(sandbox, [.. GatewayCalls.GenerousTimeouts("goscore"), SandboxConfig.WithoutSync]), clientKey: SandboxConfig.AdminKey);
        const string url = "v1/invoices?source=goscore&limit=50";
        var before = await gateway.Client.GetPageAsync(url);
        var again = await gateway.Client.GetPageAsync(url);
        Assert.Equal(before["data"]!.ToJsonString(), again["data"]!.ToJsonString());
        Assert.Equal(before["next"]?.ToJsonString(), again["next"]?.ToJsonString());
        Assert.Equal(again.ToJsonString(), (await gateway.Client.GetPageAsync(url)).ToJsonString()); // the answer kept for this caller

        await sandbox.ChangeAsync(HttpMethod.Patch, "_sandbox/data/goscore/invoices/8599002184", """{"amount":4321.5}""");
        if (how == "read again")
        {
            await gateway.Client.GetPageAsync(url, noCache: true);
        }
        else
        {
            var reach = await gateway.Services.GetRequiredService<InvoiceCache>().RemoveByTagAsync(CacheEntry.SourceTag("goscore"), Ct);
            Assert.Equal(InvalidationReach.All, reach);
        }

        var after = await gateway.Client.GetPageAsync(url);

        Assert.NotEqual(4321.5m, GrossOf(before));
        Assert.Equal(4321.5m, GrossOf(after));
        Assert.Equal(before["data"]!.AsArray().Count, after["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task ListAndDetail_OnTheNextDay_ServeThatDaysOverdue_AndTheDetailANewETag()
    {
        var today = new SandboxOptions().Today;
        var clock = new FakeTimeProvider(new DateTimeOffset(today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(
            SandboxConfig.For(sandbox, [SandboxConfig.WithoutSync]), services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        const string url = "v1/invoices?limit=50";
        var first = await gateway.Client.GetPageAsync(url);
        var overdue = first["data"]!.AsArray().First(i => i!["overdue"]!.GetValue<bool>())!;
        var id = overdue.Str("id")!;
        var days = overdue["daysOverdue"]!.GetValue<int>();
        var (etag, _) = await DetailAsync(gateway.Client, id, null);
        Assert.Equal(HttpStatusCode.NotModified, (await DetailAsync(gateway.Client, id, etag)).Status);

        clock.Advance(TimeSpan.FromDays(1));
        var next = await gateway.Client.GetPageAsync(url);
        var (nextETag, status) = await DetailAsync(gateway.Client, id, etag);

        Assert.Equal(days + 1, next["data"]!.AsArray().Single(i => i.Str("id") == id)!["daysOverdue"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(etag, nextETag);
        Assert.Equal(HttpStatusCode.NotModified, (await DetailAsync(gateway.Client, id, nextETag)).Status);
    }

    private static decimal GrossOf(System.Text.Json.Nodes.JsonObject page) =>
        page["data"]!.AsArray().Single(i => i.Str("id") == "goscore:8599002184")!["totals"]!["gross"]!.GetValue<decimal>();

    private static async Task<(string ETag, HttpStatusCode Status)> DetailAsync(HttpClient client, string id, string? ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/invoices/" + Uri.EscapeDataString(id));
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        using var response = await client.SendAsync(request, Ct);
        return (response.Headers.ETag?.Tag ?? string.Empty, response.StatusCode);
    }
}
