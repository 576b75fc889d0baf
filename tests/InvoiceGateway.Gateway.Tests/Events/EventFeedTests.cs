using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Events;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;
using InvoiceGateway.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceGateway.Gateway.Tests.Events;

/// <summary>
/// The event store and <c>GET /v1/events</c>: events appended through <see cref="EventLog"/> come back in order, per
/// tenant, filtered, from a cursor, with a long poll that an append (in this replica or another) wakes.
/// </summary>
public sealed class EventFeedTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Feed_ReturnsTheTenantsEventsInOrder_AndNextContinuesAfterThem_EvenWhenEmpty()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox));
        var log = gateway.Services.GetRequiredService<EventLog>();
        using var app = TenantSetup.Client(gateway, TenantSetup.AppKey, "acme");

        await log.AppendAsync("acme", [Invoice(EventTypes.InvoiceCreated, "books", "1"), Invoice(EventTypes.InvoiceUpdated, "books", "1")], Ct);
        await log.AppendAsync("acme", [Invoice(EventTypes.InvoiceDeleted, "books", "2")], Ct);

        var first = await GetAsync(app, "v1/events?limit=2");
        Assert.Equal(["invoice.created", "invoice.updated"], Types(first));
        var created = first["data"]![0]!;
        Assert.StartsWith("evt_", created.Str("id"), StringComparison.Ordinal);
        Assert.Equal("books", created.Str("source"));
        Assert.Equal("books:1", created.Str("invoiceId"));
        Assert.Equal("books:1", created["data"]!.Str("id"));
        Assert.True(DateTimeOffset.TryParse(created.Str("occurredAt"), out _));

        var second = await GetAsync(app, "v1/events?limit=2&after=" + first.Str("next"));
        Assert.Equal(["invoice.deleted"], Types(second));
        var empty = await GetAsync(app, "v1/events?after=" + second.Str("next"));
        Assert.Empty(empty["data"]!.AsArray());
        Assert.False(string.IsNullOrEmpty(empty.Str("next")));

        await log.AppendAsync("acme", [Invoice(EventTypes.InvoiceOverdue, "books", "3")], Ct);
        Assert.Equal(["invoice.overdue"], Types(await GetAsync(app, "v1/events?after=" + empty.Str("next"))));
    }

    [Fact]
    public async Task Feed_FiltersByTypeAndSource()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox));
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "filters");
        await TenantSetup.ConnectGoScoreAsync(tenant, "books", "c41");
        await TenantSetup.ConnectGoScoreAsync(tenant, "other", "c42");
        var log = gateway.Services.GetRequiredService<EventLog>();
        await log.AppendAsync("filters",
        [
            Invoice(EventTypes.InvoiceCreated, "books", "1"), Invoice(EventTypes.InvoiceCreated, "other", "1"),
            Invoice(EventTypes.InvoiceUpdated, "books", "1"), Invoice(EventTypes.InvoiceDeleted, "other", "1"),
        ], Ct);

        // Connecting them made each a connection.synced of its own; the invoice events are the ones appended here.
        var books = await GetAsync(tenant, "v1/events?source=books&types=invoice.created,invoice.updated,invoice.deleted");
        Assert.Equal(["invoice.created", "invoice.updated"], Types(books));
        Assert.All(books["data"]!.AsArray(), e => Assert.Equal("books", e.Str("source")));
        Assert.Equal(["invoice.created", "invoice.created", "invoice.deleted"], Types(await GetAsync(tenant, "v1/events?types=invoice.created,invoice.deleted")));
        Assert.Equal(["invoice.deleted"], Types(await GetAsync(tenant, "v1/events?types=invoice.deleted&source=other")));
    }

    [Fact]
    public async Task Feed_AnotherTenantsEvents_AreNeverSeen()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox));
        using var mine = await TenantSetup.TenantClientAsync(gateway, "mine");
        using var theirs = await TenantSetup.TenantClientAsync(gateway, "theirs");
        await TenantSetup.ConnectGoScoreAsync(theirs, "books", "c41");
        await gateway.Services.GetRequiredService<EventLog>().AppendAsync("theirs", [Invoice(EventTypes.InvoiceCreated, "books", "1")], Ct);

        Assert.Single((await GetAsync(theirs, "v1/events?types=invoice.created"))["data"]!.AsArray());
        Assert.Empty((await GetAsync(mine, "v1/events"))["data"]!.AsArray());
        // Their source is not one "mine" can read: the same 400 as for a name that does not exist.
        var (response, problem) = await mine.GetProblemAsync("v1/events?source=books");
        var (_, missing) = await mine.GetProblemAsync("v1/events?source=nosuch");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(problem["errors"]!["source"]![0]!.GetValue<string>().Replace("books", "x", StringComparison.Ordinal),
                     missing["errors"]!["source"]![0]!.GetValue<string>().Replace("nosuch", "x", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("after=", "after")]
    [InlineData("types=invoice.paid", "types")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("wait=31", "wait")]
    [InlineData("wait=-1", "wait")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("limit=1&limit=2", "limit")]
    public async Task Feed_BadParameter_Is400NamingIt(string query, string parameter)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox));
        using var app = TenantSetup.Client(gateway, TenantSetup.AppKey);

        var (response, problem) = await app.GetProblemAsync("v1/events?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]![parameter]);
    }

    [Fact]
    public async Task Feed_CursorOlderThanRetention_Is410EventsExpired_AndRetentionDeletesOldEvents()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(
            TenantSetup.For(sandbox, ("Gateway:Events:Retention", "2.00:00:00")), services => services.AddSingleton<TimeProvider>(time));
        var log = gateway.Services.GetRequiredService<EventLog>();
        using var app = TenantSetup.Client(gateway, TenantSetup.AppKey);
        await log.AppendAsync("default", [Invoice(EventTypes.InvoiceCreated, "goscore", "old")], Ct);
        // Only this test's own events are looked at: the background sync of the configured sources appends
        // connection.synced (and, as the fake clock moves by days, invoice.overdue) whenever it gets to it.
        const string Own = "v1/events?types=invoice.created";
        var cursor = (await GetAsync(app, Own)).Str("next");

        time.Advance(TimeSpan.FromDays(1));
        Assert.Empty((await GetAsync(app, Own + "&after=" + cursor))["data"]!.AsArray());
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var (response, problem) = await app.GetProblemAsync(Own + "&after=" + cursor);
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("events_expired", problem.Str("code"));

        // The retention service's timer ran when the clock passed its hour: the old event goes, a new one stays.
        await log.AppendAsync("default", [Invoice(EventTypes.InvoiceCreated, "goscore", "new")], Ct);
        string[] kept = [];
        for (var attempt = 0; attempt < 100 && kept is not ["goscore:new"]; attempt++)
        {
            time.Advance(TimeSpan.FromHours(1));
            kept = (await GetAsync(app, Own))["data"]!.AsArray().Select(e => e.Str("invoiceId")!).ToArray();
            await Task.Delay(50, Ct);
        }

        Assert.Equal(["goscore:new"], kept);
    }

    [Fact]
    public async Task LongPoll_IsAnsweredByAnAppendOnAnotherReplica()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        var settings = TenantSetup.For(sandbox, ("Gateway:Database", await postgres.CreateDatabaseAsync()));
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);
        using var app = TenantSetup.Client(one, TenantSetup.AppKey, "poll");
        var start = (await GetAsync(app, "v1/events")).Str("next");

        // The poll may be answered only by an event: without one it would come back empty after 30 s.
        var poll = GetAsync(app, "v1/events?wait=30&after=" + start);
        var appended = 0;
        while (!poll.IsCompleted)
        {
            await other.Services.GetRequiredService<EventLog>().AppendAsync("poll", [Invoice(EventTypes.InvoiceCreated, "books", (++appended).ToString(System.Globalization.CultureInfo.InvariantCulture))], Ct);
            await Task.WhenAny(poll, Task.Delay(TimeSpan.FromSeconds(2), Ct));
        }

        var answer = await poll;
        Assert.NotEmpty(answer["data"]!.AsArray());
        Assert.Equal("books:1", answer["data"]![0]!.Str("invoiceId"));
    }

    [Fact]
    public async Task ConcurrentAppends_OnTwoReplicas_AreReadInSequenceWithoutGapsOrRepeats()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: Ct);
        var settings = TenantSetup.For(sandbox, ("Gateway:Database", await postgres.CreateDatabaseAsync()));
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);
        var logs = new[] { one.Services.GetRequiredService<EventLog>(), other.Services.GetRequiredService<EventLog>() };

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            logs[i % 2].AppendAsync("order", [Invoice(EventTypes.InvoiceCreated, "books", i.ToString(System.Globalization.CultureInfo.InvariantCulture))], Ct)));

        using var app = TenantSetup.Client(one, TenantSetup.AppKey, "order");
        var seen = new List<string>();
        var cursor = string.Empty;
        for (var page = 0; page < 40 && seen.Count < 40; page++)
        {
            var answer = await GetAsync(app, "v1/events?limit=7" + (cursor.Length > 0 ? "&after=" + cursor : string.Empty));
            seen.AddRange(answer["data"]!.AsArray().Select(e => e.Str("invoiceId")!));
            cursor = answer.Str("next")!;
        }

        Assert.Equal(40, seen.Count);
        Assert.Equal(40, seen.Distinct().Count());
    }

    private static NewEvent Invoice(string type, string source, string sourceId) =>
        new(type, source, $"{source}:{sourceId}", new JsonObject { ["id"] = $"{source}:{sourceId}" }.ToJsonString());

    private static async Task<JsonObject> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static string[] Types(JsonObject page) => page["data"]!.AsArray().Select(e => e.Str("type")!).ToArray();
}
