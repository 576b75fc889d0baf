using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceGateway.Gateway.Tests;

/// <summary>A gateway on a fake clock (the sandbox's "today", 2026-11-22) in front of the five sandbox APIs.</summary>
public sealed class OverdueGatewayFixture : IAsyncLifetime
{
    public static readonly DateOnly Today = new SandboxOptions().Today;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));

    public SandboxHost Sandbox { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 30 });
        Gateway = await GatewayServer.StartAsync(
            SandboxConfig.For(Sandbox),
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}

/// <summary>SPEC §3/§4: <c>overdue</c> and <c>daysOverdue</c> are computed when served, beside the payment status.</summary>
public sealed class OverdueTests(OverdueGatewayFixture fixture) : IClassFixture<OverdueGatewayFixture>
{
    private HttpClient Client => fixture.Gateway.Client;

    [Fact]
    public async Task List_ComputesOverdueFromKindStatusDueAndDueDate_AsOfTheGatewaysDay()
    {
        var today = OverdueGatewayFixture.Today;
        var all = (await Client.GetAllAsync("limit=500")).Invoices;

        Assert.Contains(all, i => i["overdue"]!.GetValue<bool>());
        Assert.Contains(all, i => !i["overdue"]!.GetValue<bool>() && i.Str("status") == "open");
        Assert.DoesNotContain(all, i => i.Str("status") == "overdue");
        foreach (var invoice in all)
        {
            var due = invoice["dueDate"] is { } d ? DateOnly.Parse(d.GetValue<string>(), CultureInfo.InvariantCulture) : (DateOnly?)null;
            var outstanding = invoice["totals"]!["due"] is not { } amount || amount.GetValue<decimal>() != 0m;
            var expected = invoice.Str("kind") == "invoice" && invoice.Str("status") is "open" or "partiallyPaid"
                           && outstanding && due < today;
            Assert.Equal(expected, invoice["overdue"]!.GetValue<bool>());
            Assert.Equal(expected ? today.DayNumber - due!.Value.DayNumber : null, invoice["daysOverdue"]?.GetValue<int>());
        }
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task List_WithOverdueFilter_ReturnsExactlyTheMatchingInvoices_PagedAsUnpaged(string overdue)
    {
        var all = (await Client.GetAllAsync("limit=500")).Invoices;
        var expected = all.Where(i => i["overdue"]!.GetValue<bool>() == bool.Parse(overdue)).Select(i => i.Str("id")).ToList();

        var (filtered, pages) = await Client.GetAllAsync($"overdue={overdue}&limit=7");

        Assert.NotEmpty(expected);
        Assert.True(pages > 1);
        Assert.Equal(expected, filtered.Select(i => i.Str("id")).ToList());
    }

    [Fact]
    public async Task List_WithOverdueFilter_FindsPartiallyPaidInvoicesPastTheirDueDate()
    {
        var (found, _) = await Client.GetAllAsync("overdue=true&status=partiallyPaid&limit=500");

        Assert.NotEmpty(found);
        Assert.All(found, i => Assert.Equal("partiallyPaid", i.Str("status")));
    }

    [Fact]
    public async Task List_WithStatusOverdue_Is400NamingOverdueTrue()
    {
        var (response, problem) = await Client.GetProblemAsync("v1/invoices?status=open,overdue");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("overdue=true", problem["errors"]!["status"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithOverdueNotABoolean_Is400()
    {
        var (response, problem) = await Client.GetProblemAsync("v1/invoices?overdue=yes");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["overdue"]);
    }

    [Fact]
    public async Task Detail_ServesTheSameOverdueValuesAsTheList_WithAnETagOfWhatIsServed()
    {
        var all = (await Client.GetAllAsync("limit=500")).Invoices;
        var overdue = all.First(i => i["overdue"]!.GetValue<bool>() && i.Str("source") != "sendcloud");

        using var response = await Client.GetAsync(new Uri("v1/invoices/" + overdue.Str("id"), UriKind.Relative), TestContext.Current.CancellationToken);
        var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(detail["overdue"]!.GetValue<bool>());
        Assert.Equal(overdue["daysOverdue"]!.GetValue<int>(), detail["daysOverdue"]!.GetValue<int>());
        using var again = new HttpRequestMessage(HttpMethod.Get, "v1/invoices/" + overdue.Str("id"));
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.Tag);
        using var notModified = await Client.SendAsync(again, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }
}

/// <summary>The day moves on: the same cached invoice becomes overdue without being read again.</summary>
public sealed class OverdueClockTests
{
    private static readonly (string, string?)[] LongCache =
    [
        // Longer than the clock is moved (due dates lie up to 120 days ahead): no read is due meanwhile.
        ("Gateway:Sources:goscore:Cache:Ttl", "400.00:00:00"),
        ("Gateway:Sources:goscore:Cache:StaleTtl", "500.00:00:00"),
    ];

    private static DateOnly DueOf(JsonObject invoice) => DateOnly.Parse(invoice.Str("dueDate")!, CultureInfo.InvariantCulture);

    /// <summary>The open GoScore invoice that falls due first on or after today: not overdue yet.</summary>
    private static JsonObject NextDue(List<JsonObject> invoices) =>
        invoices.Where(i => i.Str("status") == "open" && i.Str("kind") == "invoice" && i["dueDate"] is not null
                            && DueOf(i) >= OverdueGatewayFixture.Today)
            .OrderBy(DueOf).First();

    [Fact]
    public async Task List_WhenTheDayChanges_TheSameCachedInvoiceBecomesOverdue()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(OverdueGatewayFixture.Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero));
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 30 }, cancellationToken: TestContext.Current.CancellationToken);
        // Without the background sync: its first read could land after the request's and count twice.
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, [.. LongCache, SandboxConfig.WithoutSync]),
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var target = NextDue((await gateway.Client.GetAllAsync("source=goscore&limit=500")).Invoices);
        var requests = sandbox.Requests.Count("goscore");

        clock.SetUtcNow(new DateTimeOffset(DueOf(target).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var after = (await gateway.Client.GetAllAsync("source=goscore&limit=500")).Invoices;

        Assert.False(target["overdue"]!.GetValue<bool>());
        var same = after.Single(i => i.Str("id") == target.Str("id"));
        Assert.True(same["overdue"]!.GetValue<bool>());
        Assert.Equal(1, same["daysOverdue"]!.GetValue<int>());
        Assert.Equal(requests, sandbox.Requests.Count("goscore")); // served from the cache: the date changed, not the data
    }

    [Fact]
    public async Task List_InAZoneAheadOfUtc_TheDayChangesAtLocalMidnight()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(OverdueGatewayFixture.Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero));
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 30 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var utc = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, LongCache),
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        await using var oslo = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, [.. LongCache, ("Gateway:TimeZone", "Europe/Oslo")]),
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var target = NextDue((await utc.Client.GetAllAsync("source=goscore&limit=500")).Invoices);

        // 23:30 UTC on the due date is already the next day in Oslo (UTC+1 in winter, +2 in summer).
        clock.SetUtcNow(new DateTimeOffset(DueOf(target).ToDateTime(new TimeOnly(23, 30)), TimeSpan.Zero));
        var inUtc = await utc.Client.GetObjectAsync("v1/invoices/" + target.Str("id"));
        var inOslo = await oslo.Client.GetObjectAsync("v1/invoices/" + target.Str("id"));

        Assert.False(inUtc["overdue"]!.GetValue<bool>());
        Assert.True(inOslo["overdue"]!.GetValue<bool>());
        Assert.Equal(1, inOslo["daysOverdue"]!.GetValue<int>());
    }
}
