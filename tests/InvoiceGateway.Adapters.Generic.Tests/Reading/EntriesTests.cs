using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Reading;

public class EntriesTests : IDisposable
{
    private readonly TempMappings _files = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ListAsync_WhenOneEntryOfAPageIsMalformed_ServesTheOthersAndReportsItWithTheReason()
    {
        var mapping = _files.Write("page.json", TestMappings.Listing(
            """{ "kind": "page", "sizeParam": "limit", "stop": "total", "totalPath": "meta.total" }""", items: "data"));
        await using var stub = await UpstreamStub.StartAsync((_, _) => Task.FromResult(StubResponse.Json("""
            {"data":[
              {"id":"a-1","number":"N-1","amount":"10.00"},
              {"number":"N-2","amount":"20.00"},
              "not an invoice",
              {"id":4,"number":"N-4","amount":"forty"}
            ],"meta":{"total":4}}
            """)));

        var listing = await Sources.Create(stub, "inbox", mapping, _files.Root).ListAsync(Ct);

        Assert.Equal(["a-1", "4"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(2, listing.Rejected);
        Assert.All(listing.Notices, n => Assert.Equal(SourceNotice.InvoiceRejected, n.Code));
        Assert.Equal("Entry 1 (id 'N-2') of source 'inbox' was left out: it has no invoice id at 'id'", listing.Notices[0].Message);
        Assert.Equal("Entry 2 (id unknown) of source 'inbox' was left out: the entry is a string, not an object", listing.Notices[1].Message);

        // A value that cannot be read is not a reason to drop the invoice: it is a warning on it.
        var warning = Assert.Single(listing.Invoices[1].Warnings);
        Assert.Equal(WarningCodes.UnparsedValue, warning.Code);
        Assert.Null(listing.Invoices[1].Totals.Gross);
    }

    [Fact]
    public async Task ListAsync_WhenSummariesLackLines_CompletesOnlyThoseFromTheDetail()
    {
        var mapping = _files.Write("summaries.json", """
            {
              "list": { "path": "invoices", "summaries": true, "summaryLacks": ["rows"] },
              "detail": { "path": "invoices/{id}/full", "envelope": "invoice" },
              "fields": {
                "sourceId": "id",
                "lines": { "path": "rows", "fields": { "description": "text" } }
              }
            }
            """);
        await using var stub = await UpstreamStub.StartAsync(new Dictionary<string, StubResponse>
        {
            ["invoices"] = StubResponse.Json("""[{"id":1,"rows":[{"text":"in the list"}]},{"id":2},{"id":"a b/c"}]"""),
            ["invoices/2/full"] = StubResponse.Json("""{"invoice":{"id":2,"rows":[{"text":"from the detail"}]}}"""),
            // Kestrel decodes the path except for an escaped '/', which stays %2F: the id stayed one segment.
            ["invoices/a b%2Fc/full"] = StubResponse.Json("""{"invoice":{"id":"a b/c","rows":[{"text":"escaped id"}]}}"""),
        });

        var listing = await Sources.Create(stub, "s", mapping, _files.Root).ListAsync(Ct);

        Assert.Equal(["in the list", "from the detail", "escaped id"], listing.Invoices.Select(i => i.Lines.Single().Description));
        Assert.DoesNotContain("invoices/1/full", stub.Requests);
        Assert.Contains("invoices/a b%2Fc/full", stub.Requests);
        Assert.Empty(listing.Notices);
    }

    [Fact]
    public async Task ListAsync_WhenSummariesNeedDetails_FetchesEightAtOnceAndKeepsTheListOrder()
    {
        // Each detail is only answered once eight were asked for: a one-by-one reader would never get them.
        var mapping = _files.Write("concurrent-details.json", """
            {
              "defaults": { "currency": "EUR" },
              "list": { "path": "invoices", "summaries": true },
              "detail": { "path": "invoices/{id}" },
              "fields": { "sourceId": "id", "number": "number" }
            }
            """);
        var waiting = 0;
        var allAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = await UpstreamStub.StartAsync(async (path, _) =>
        {
            if (path == "invoices")
            {
                return StubResponse.Json(TestMappings.Invoices(1, 8));
            }

            if (Interlocked.Increment(ref waiting) == 8)
            {
                allAsked.TrySetResult();
            }

            try
            {
                await allAsked.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
            }
            catch (TimeoutException)
            {
                return new StubResponse("""{"error":"details were not fetched concurrently"}""", 500);
            }

            var id = path["invoices/".Length..];
            return StubResponse.Json($$"""{"id":{{id}},"number":"detail {{id}}"}""");
        });

        var listing = await Sources.Create(stub, "s", mapping, _files.Root).ListAsync(Ct);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"detail {i}"), listing.Invoices.Select(i => i.Number));
        Assert.All(listing.Invoices, i => Assert.Empty(i.Warnings));
    }

    [Fact]
    public async Task ListAsync_WhenADetailFails_ServesTheSummaryWithAWarning()
    {
        var mapping = _files.Write("failing-detail.json", """
            {
              "defaults": { "currency": "EUR" },
              "list": { "path": "invoices", "summaries": true },
              "detail": { "path": "invoices/{id}" },
              "fields": { "sourceId": "id", "number": "number" }
            }
            """);
        await using var stub = await UpstreamStub.StartAsync(new Dictionary<string, StubResponse>
        {
            ["invoices"] = StubResponse.Json("""[{"id":1,"number":"N-1"},{"id":2,"number":"N-2"}]"""),
            ["invoices/1"] = new("""{"error":"boom"}""", 500),
            ["invoices/2"] = StubResponse.Json("""{"id":2,"number":"N-2 (detail)"}"""),
        });

        var listing = await Sources.Create(stub, "s", mapping, _files.Root).ListAsync(Ct);

        Assert.Equal(["N-1", "N-2 (detail)"], listing.Invoices.Select(i => i.Number));
        var warning = Assert.Single(listing.Invoices[0].Warnings);
        Assert.Equal("detail_unavailable", warning.Code);
        Assert.Contains("HTTP 500", warning.Message, StringComparison.Ordinal);
        Assert.Empty(listing.Invoices[1].Warnings);
    }

    [Fact]
    public async Task GetAsync_WhenTheDetailIsNotFound_ReturnsNull_AndWhenItIsUnreadable_Throws()
    {
        await using var stub = await UpstreamStub.StartAsync(new Dictionary<string, StubResponse>
        {
            ["v1/invoice/gone"] = new("""{"statusCode":404,"message":"Invoice not found","error":"Not Found"}""", 404),
            ["v1/invoice/broken"] = StubResponse.Json("""{"id": nope}"""),
            ["v1/invoice/list"] = StubResponse.Json("""[1, 2]"""),
        });
        var source = Sources.Create(stub, "ibana", "ibana");

        Assert.Null(await source.GetAsync("gone", Ct));
        var broken = await Assert.ThrowsAsync<UpstreamException>(() => source.GetAsync("broken", Ct));
        var notAnInvoice = await Assert.ThrowsAsync<UpstreamException>(() => source.GetAsync("list", Ct));

        Assert.Equal(UpstreamErrorCodes.Payload, broken.Code);
        Assert.Equal(UpstreamErrorCodes.Payload, notAnInvoice.Code);
        Assert.Contains("invoice 'list'", notAnInvoice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_WhenTheIdWouldChangeThePath_ReturnsNullWithoutARequest()
    {
        await using var stub = await UpstreamStub.StartAsync((_, _) => Task.FromResult(StubResponse.Json("{}")));
        var source = Sources.Create(stub, "ibana", "ibana");

        Assert.Null(await source.GetAsync("..", Ct));
        Assert.Null(await source.GetAsync(" ", Ct));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task GetAsync_WhenThereIsNoDetailRequest_FindsTheInvoiceInTheList()
    {
        var mapping = _files.Write("list-only.json", TestMappings.Listing("""{ "kind": "none" }""", items: "$"));
        await using var stub = await UpstreamStub.StartAsync((_, _) => Task.FromResult(StubResponse.Json(TestMappings.Invoices(1, 3))));
        var source = Sources.Create(stub, "s", mapping, _files.Root);

        var found = await source.GetAsync("2", Ct);
        var missing = await source.GetAsync("9", Ct);

        Assert.Equal("N-2", found?.Number);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Create_ForTwoSourcesOfOneMapping_ReadsEachWithItsOwnName()
    {
        await using var stub = await UpstreamStub.StartAsync(new Dictionary<string, StubResponse>
        {
            ["v1/invoice"] = StubResponse.Json("""{"data":[{"id":"x","status":"NEW","dueDate":"2024-07-01"}],"meta":{"total":1}}"""),
        });

        var first = await Sources.Create(stub, "ibana-at", "ibana").ListAsync(Ct);
        var second = await Sources.Create(stub, "ibana-de", "ibana").ListAsync(Ct);

        Assert.Equal("ibana-at:x", first.Invoices.Single().Id);
        Assert.Equal("ibana-de:x", second.Invoices.Single().Id);
        Assert.Equal(InvoiceStatus.Open, second.Invoices.Single().Status);
    }
}
