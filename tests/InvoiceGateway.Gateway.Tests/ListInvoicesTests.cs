using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests;

/// <summary>GET /v1/invoices against the five sandbox APIs through real HTTP: merge, filters, sorts, cursor paging.</summary>
public sealed class ListInvoicesTests(SandboxGatewayFixture fixture) : IClassFixture<SandboxGatewayFixture>
{
    private HttpClient Client => fixture.Client;

    private async Task<List<JsonObject>> AllAsync(string query = "limit=500") => (await Client.GetAllAsync(query)).Invoices;

    [Fact]
    public async Task List_MergesAllFiveSources_AndReportsEachAsOk()
    {
        var page = await Client.GetObjectAsync("v1/invoices?limit=500");

        Assert.True(page["complete"]!.GetValue<bool>());
        foreach (var name in SandboxConfig.SourceNames)
        {
            var state = page.SourceState(name);
            Assert.Equal("ok", state.Str("state"));
            Assert.Null(state["error"]);
            Assert.True(state["count"]!.GetValue<int>() > 0, name);
        }

        var all = await AllAsync();
        Assert.Equal(page["sources"]!.AsArray().Sum(s => s!["count"]!.GetValue<int>()), all.Count);
        Assert.Equal(SandboxConfig.SourceNames.Order(), all.Select(i => i.Str("source")!).Distinct().Order());
        Assert.All(all, i => Assert.Equal(i.Str("source") + ":" + i.Str("sourceId"), i.Str("id")));
    }

    [Fact]
    public async Task List_ServesTheGoScoreSeedInvoice_NormalizedAsTheSpecSays()
    {
        var all = await AllAsync();
        var seed = all.Single(i => i.Str("id") == "goscore:8599002184");

        Assert.Equal("paid", seed.Str("status"));
        Assert.Equal("PROCESSED", seed.Str("sourceStatus"));
        Assert.Equal("2021-01-16", seed.Str("dueDate"));
        Assert.Equal("463.0", seed["totals"]!["gross"]!.ToJsonString());
        Assert.Equal("0", seed["totals"]!["due"]!.ToJsonString());
        Assert.Equal("EnterCard Kredittkort", seed["issuer"].Str("name"));
        Assert.Equal("110002444955", seed["payment"].Str("reference"));
        Assert.Null(seed["raw"]);
    }

    public static TheoryData<string, string> Filters => new()
    {
        { "status", "status=partiallyPaid" },
        { "status", "status=paid,open" },
        { "kind", "kind=creditNote" },
        { "direction", "direction=receivable" },
        { "currency", "currency=EUR,nok" },
        { "source", "source=ibana,dollr" },
        { "due", "dueFrom=2026-10-01&dueTo=2026-12-31" },
        { "issued", "issuedFrom=2026-09-01" },
        { "gross", "minGross=100&maxGross=2000.50" },
        { "q", "q=a" },

        // Few matches: merged from the snapshot's indexes (trigrams, per status, overdue per day), not by a scan.
        { "q rare", "q=ENTERcard kred" },
        { "q name", "q=havBLIKK&sort=-gross" },
        { "status rare", "status=partiallyPaid&sort=gross" },
        { "overdue", "overdue=true&sort=-dueDate" },
        { "overdue and status", "overdue=true&status=open" },
        { "combined", "status=open,partiallyPaid&direction=payable&minGross=10&sort=-gross" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task List_WithFilter_ReturnsExactlyTheMatchingInvoices(string name, string query)
    {
        var all = await AllAsync();
        var expected = all.Where(i => Matches(i, query)).Select(i => i.Str("id")).Order(StringComparer.Ordinal).ToList();

        var (filtered, _) = await Client.GetAllAsync(query + "&limit=13");

        Assert.NotEmpty(expected); // the sandbox data must exercise the filter
        Assert.True(expected.Count < all.Count || name == "combined", "the filter must exclude something");
        Assert.Equal(expected, filtered.Select(i => i.Str("id")).Order(StringComparer.Ordinal).ToList());
    }

    public static TheoryData<string> Sorts => new() { "dueDate", "-dueDate", "issueDate", "-issueDate", "gross", "-gross" };

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task List_WithSort_OrdersByKeyWithNullsLastAndTiesById(string sort)
    {
        var all = await AllAsync();
        var expected = all.ToList();
        expected.Sort((a, b) => Compare(a, b, sort));

        var (sorted, pages) = await Client.GetAllAsync($"sort={sort}&limit=17");

        Assert.True(pages > 3);
        Assert.Equal(expected.Select(i => i.Str("id")), sorted.Select(i => i.Str("id")));
    }

    [Fact]
    public async Task List_CursorPaging_VisitsEveryInvoiceOnceWithoutGapsOrDuplicates()
    {
        var all = await AllAsync();

        var (paged, pages) = await Client.GetAllAsync("limit=7");

        Assert.Equal(Math.Ceiling(all.Count / 7.0), pages);
        Assert.Equal(all.Count, paged.Select(i => i.Str("id")).Distinct().Count());
        Assert.Equal(all.Select(i => i.Str("id")), paged.Select(i => i.Str("id")));
    }

    [Fact]
    public async Task List_DefaultLimitIs50_AndLastPageHasNoNext()
    {
        var first = await Client.GetObjectAsync("v1/invoices");
        Assert.Equal(50, first["data"]!.AsArray().Count);
        Assert.NotNull(first["next"]);

        var last = await Client.GetObjectAsync("v1/invoices?limit=500");
        Assert.Null(last["next"]);
    }

    [Fact]
    public async Task List_WithIncludeRaw_AddsTheUpstreamPayload()
    {
        var page = await Client.GetObjectAsync("v1/invoices?source=goscore&include=raw&limit=5");

        Assert.All(page["data"]!.AsArray(), i => Assert.Equal(i!.Str("sourceId"), i!["raw"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task List_ServesEachInvoiceAsItsCanonicalJson_AndWithIncludeRawItsOwnPayload()
    {
        using var plain = JsonDocument.Parse(await Client.GetStringAsync("v1/invoices?limit=500", TestContext.Current.CancellationToken));
        var withRaw = await Client.GetObjectAsync("v1/invoices?limit=500&include=raw");
        var served = plain.RootElement.GetProperty("data").EnumerateArray().ToList();
        var raw = withRaw["data"]!.AsArray().Select(n => n!.AsObject()).ToList();

        // Cached lists hold each invoice packed and its raw payload in compressed blocks (30 per source: two blocks).
        Assert.InRange(served.Count, 5 * 30, 499);
        Assert.Equal(served.Count, raw.Count);
        for (var i = 0; i < served.Count; i++)
        {
            var bytes = served[i].GetRawText();
            Assert.Equal(bytes, Encoding.UTF8.GetString(CanonicalJson.Serialize(CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(bytes)))));
            var invoice = raw[i];
            var payload = invoice["raw"];
            Assert.NotNull(payload);
            if (invoice.Str("source") == "goscore")
            {
                Assert.Equal(invoice.Str("sourceId"), payload["id"]!.GetValue<string>());
            }

            invoice.Remove("raw");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(bytes), invoice), invoice.Str("id"));
        }
    }

    [Fact]
    public async Task List_WhenSourceFiltered_ListsOthersAsSkipped()
    {
        var page = await Client.GetObjectAsync("v1/invoices?source=sendcloud");

        Assert.Equal("skipped", page.SourceState("goscore").Str("state"));
        Assert.Equal("ok", page.SourceState("sendcloud").Str("state"));
        Assert.All(page["data"]!.AsArray(), i => Assert.Equal("sendcloud", i.Str("source")));
    }

    private static int Compare(JsonObject a, JsonObject b, string sort)
    {
        var descending = sort.StartsWith('-');
        var field = sort.TrimStart('-');
        decimal? Key(JsonObject i) => field switch
        {
            "gross" => i["totals"]!["gross"] is { } g ? g.GetValue<decimal>() : null,
            "dueDate" => i["dueDate"] is { } d ? DateOnly.Parse(d.GetValue<string>(), CultureInfo.InvariantCulture).DayNumber : null,
            _ => i["issueDate"] is { } d ? DateOnly.Parse(d.GetValue<string>(), CultureInfo.InvariantCulture).DayNumber : null,
        };

        var (ka, kb) = (Key(a), Key(b));
        var byKey = (ka, kb) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => descending ? kb!.Value.CompareTo(ka!.Value) : ka!.Value.CompareTo(kb!.Value),
        };
        return byKey != 0 ? byKey : string.CompareOrdinal(a.Str("id"), b.Str("id"));
    }

    /// <summary>The filter semantics of SPEC §4, written independently of the gateway's code.</summary>
    private static bool Matches(JsonObject invoice, string query)
    {
        foreach (var pair in query.Split('&'))
        {
            var (key, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var list = value.Split(',');
            bool In(string field) => list.Contains(invoice.Str(field), StringComparer.OrdinalIgnoreCase);
            DateOnly? Date(string field) => invoice[field] is { } d ? DateOnly.Parse(d.GetValue<string>(), CultureInfo.InvariantCulture) : null;
            var gross = invoice["totals"]!["gross"] is { } g ? g.GetValue<decimal>() : (decimal?)null;
            var ok = key switch
            {
                "status" or "kind" or "direction" or "currency" or "source" => In(key),
                "dueFrom" => Date("dueDate") >= DateOnly.Parse(value, CultureInfo.InvariantCulture),
                "dueTo" => Date("dueDate") <= DateOnly.Parse(value, CultureInfo.InvariantCulture),
                "issuedFrom" => Date("issueDate") >= DateOnly.Parse(value, CultureInfo.InvariantCulture),
                "minGross" => gross >= decimal.Parse(value, CultureInfo.InvariantCulture),
                "maxGross" => gross <= decimal.Parse(value, CultureInfo.InvariantCulture),
                "overdue" => invoice["overdue"]!.GetValue<bool>() == bool.Parse(value),
                "q" => new[] { invoice.Str("number"), invoice["issuer"].Str("name"), invoice["recipient"].Str("name"), invoice["payment"].Str("reference") }
                    .Any(t => t?.Contains(value, StringComparison.OrdinalIgnoreCase) == true),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
