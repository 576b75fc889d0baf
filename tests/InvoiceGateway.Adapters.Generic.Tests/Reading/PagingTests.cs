using System.Globalization;
using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Reading;

public class PagingTests : IDisposable
{
    private readonly TempMappings _files = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ListAsync_WhenPagingIsNone_ReadsOneBareArray()
    {
        var mapping = _files.Write("none.json", TestMappings.Listing("""{ "kind": "none" }""", items: "$"));
        await using var stub = await UpstreamStub.StartAsync((_, _) => Task.FromResult(StubResponse.Json(TestMappings.Invoices(1, 3))));

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(["1", "2", "3"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(["invoices"], stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenPageWithTotal_ReadsEveryPageInOrder()
    {
        var mapping = _files.Write("total.json", TestMappings.Listing(
            """{ "kind": "page", "pageParam": "page", "sizeParam": "limit", "stop": "total", "totalPath": "meta.total" }"""));
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
        {
            var page = int.Parse(query["page"]!, CultureInfo.InvariantCulture);
            var size = int.Parse(query["limit"]!, CultureInfo.InvariantCulture);
            var count = Math.Min(size, 7 - ((page - 1) * size));
            return Task.FromResult(StubResponse.Json($$"""{"items":{{TestMappings.Invoices(((page - 1) * size) + 1, count)}},"meta":{"total":7} }"""));
        });

        var listing = await Create(stub, mapping, ("PageSize", "3")).ListAsync(Ct);

        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(3, stub.Requests.Count);
        Assert.Contains("invoices?page=1&limit=3", stub.Requests);
        Assert.Contains("invoices?page=3&limit=3", stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenTotalIsKnown_FetchesTheRemainingPagesConcurrently()
    {
        // Pages 2-5 are only answered once all four were asked for: a one-by-one reader would never get them.
        var mapping = _files.Write("fanout.json", TestMappings.Listing(
            """{ "kind": "page", "sizeParam": "size", "pageSize": 2, "stop": "total", "totalPath": "total" }"""));
        var waiting = 0;
        var allAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = await UpstreamStub.StartAsync(async (_, query) =>
        {
            var page = int.Parse(query["page"]!, CultureInfo.InvariantCulture);
            if (page > 1)
            {
                if (Interlocked.Increment(ref waiting) == 4)
                {
                    allAsked.TrySetResult();
                }

                try
                {
                    await allAsked.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
                }
                catch (TimeoutException)
                {
                    return new StubResponse("""{"error":"pages were not fetched concurrently"}""", 500);
                }
            }

            return StubResponse.Json($$"""{"items":{{TestMappings.Invoices(((page - 1) * 2) + 1, 2)}},"total":10}""");
        });

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), listing.Invoices.Select(i => i.SourceId));
    }

    [Fact]
    public async Task ListAsync_WhenTheUpstreamCapsThePageSize_UsesTheSizeOfTheFirstPage()
    {
        var mapping = _files.Write("capped.json", TestMappings.Listing(
            """{ "kind": "page", "sizeParam": "limit", "pageSize": 100, "stop": "total", "totalPath": "meta.total" }"""));
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
        {
            var page = int.Parse(query["page"]!, CultureInfo.InvariantCulture);
            var count = Math.Min(3, 7 - ((page - 1) * 3));
            return Task.FromResult(StubResponse.Json($$"""{"items":{{TestMappings.Invoices(((page - 1) * 3) + 1, count)}},"meta":{"total":"7"} }"""));
        });

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(7, listing.Invoices.Count);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_WhenPageWithTotalCountingPages_ReadsThatManyPages()
    {
        var mapping = _files.Write("pages.json", TestMappings.Listing(
            """{ "kind": "page", "startPage": 0, "sizeParam": "n", "pageSize": 2, "stop": "total", "totalPath": "pages", "totalCounts": "pages" }"""));
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
        {
            var page = int.Parse(query["page"]!, CultureInfo.InvariantCulture);
            return Task.FromResult(StubResponse.Json($$"""{"items":{{TestMappings.Invoices((page * 2) + 1, 2)}},"pages":3}"""));
        });

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(["1", "2", "3", "4", "5", "6"], listing.Invoices.Select(i => i.SourceId));
        Assert.Contains("invoices?page=0&n=2", stub.Requests);
        Assert.Contains("invoices?page=2&n=2", stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenStopIsShortPage_StopsAfterAPageShorterThanAskedFor()
    {
        var mapping = _files.Write("short.json", TestMappings.Listing(
            """{ "kind": "page", "pageParam": "page", "sizeParam": "per_page", "pageSize": 2, "stop": "shortPage" }""", items: "invoices"));
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
        {
            var page = int.Parse(query["page"]!, CultureInfo.InvariantCulture);
            var count = page switch { 1 or 2 => 2, 3 => 1, _ => throw new InvalidOperationException("read past the short page") };
            return Task.FromResult(StubResponse.Json($$"""{"status":"done","invoices":{{TestMappings.Invoices(((page - 1) * 2) + 1, count)}}}"""));
        });

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(["1", "2", "3", "4", "5"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(["invoices?page=1&per_page=2", "invoices?page=2&per_page=2", "invoices?page=3&per_page=2"], stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenStopIsEmptyPage_ReadsUntilAnEmptyPage()
    {
        var mapping = _files.Write("empty.json", TestMappings.Listing(
            """{ "kind": "page", "sizeParam": "size", "pageSize": 5, "stop": "emptyPage" }"""));
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
        {
            var page = int.Parse(query["page"]!, CultureInfo.InvariantCulture);
            var count = page switch { 1 => 2, 2 => 1, _ => 0 };
            return Task.FromResult(StubResponse.Json($$"""{"items":{{TestMappings.Invoices(page * 10, count)}}}"""));
        });

        var listing = await Create(stub, mapping).ListAsync(Ct);

        // Short pages do not stop this rule: only the empty third page does.
        Assert.Equal(["10", "11", "20"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_WhenLinkHeader_FollowsRelativeAndAbsoluteNextLinks()
    {
        var mapping = _files.Write("link.json", TestMappings.Listing(
            """{ "kind": "linkHeader", "pageParam": "page", "sizeParam": "perPage", "pageSize": 2 }""", items: "$"));
        UpstreamStub? self = null;
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
        {
            var page = int.Parse(query["page"]!, CultureInfo.InvariantCulture);
            var headers = page switch
            {
                1 => new Dictionary<string, string> { ["Link"] = """<invoices?page=2&perPage=2>; rel="next", <invoices?page=3&perPage=2>; rel="last" """ },
                2 => new Dictionary<string, string> { ["Link"] = $"<{self!.BaseUrl}invoices?page=3&perPage=2>; rel=\"next\"" },
                _ => new Dictionary<string, string> { ["Link"] = """<invoices?page=1&perPage=2>; rel="first" """ },
            };
            return Task.FromResult(new StubResponse(TestMappings.Invoices(page * 10, page == 3 ? 1 : 2), 200, headers));
        });
        self = stub;

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(["10", "11", "20", "21", "30"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(["invoices?page=1&perPage=2", "invoices?page=2&perPage=2", "invoices?page=3&perPage=2"], stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenANextLinkLeavesTheSourceHost_FailsWithoutFollowingIt()
    {
        var mapping = _files.Write("link-away.json", TestMappings.Listing("""{ "kind": "linkHeader" }""", items: "$"));
        await using var stub = await UpstreamStub.StartAsync((_, _) => Task.FromResult(new StubResponse(
            TestMappings.Invoices(1, 1), 200, new Dictionary<string, string> { ["Link"] = """<http://203.0.113.9/steal>; rel="next" """ })));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => Create(stub, mapping).ListAsync(Ct));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenNextUrlInTheBody_FollowsItUntilItIsNull()
    {
        var mapping = _files.Write("next.json", TestMappings.Listing(
            """{ "kind": "nextUrl", "nextPath": "links.next", "sizeParam": "limit", "pageSize": 2 }""", items: "data"));
        await using var stub = await UpstreamStub.StartAsync((path, query) =>
        {
            var body = query.ContainsKey("after")
                ? $$"""{"data":{{TestMappings.Invoices(3, 1)}},"links":{"next":null} }"""
                : $$"""{"data":{{TestMappings.Invoices(1, 2)}},"links":{"next":"invoices?after=2&limit=2"} }""";
            return Task.FromResult(StubResponse.Json(body));
        });

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(["1", "2", "3"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(["invoices?limit=2", "invoices?after=2&limit=2"], stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenCursor_SendsTheCursorBackUntilThereIsNoMore()
    {
        var mapping = _files.Write("cursor.json", TestMappings.Listing(
            """{ "kind": "cursor", "cursorPath": "page.next_cursor", "cursorParam": "cursor", "hasMorePath": "page.has_more", "sizeParam": "limit", "pageSize": 2 }""",
            items: "results"));
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
        {
            var body = query["cursor"].ToString() switch
            {
                "" => $$"""{"results":{{TestMappings.Invoices(1, 2)}},"page":{"next_cursor":"c2","has_more":true} }""",
                "c2" => $$"""{"results":{{TestMappings.Invoices(3, 2)}},"page":{"next_cursor":"c3","has_more":false} }""",
                _ => throw new InvalidOperationException("read past has_more: false"),
            };
            return Task.FromResult(StubResponse.Json(body));
        });

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(["1", "2", "3", "4"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(["invoices?limit=2", "invoices?cursor=c2&limit=2"], stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenACursorRepeats_StopsInsteadOfLooping()
    {
        var mapping = _files.Write("cursor-loop.json", TestMappings.Listing(
            """{ "kind": "cursor", "cursorPath": "next", "cursorParam": "cursor" }"""));
        await using var stub = await UpstreamStub.StartAsync((_, _) =>
            Task.FromResult(StubResponse.Json($$"""{"items":{{TestMappings.Invoices(1, 1)}},"next":"same"}""")));

        var listing = await Create(stub, mapping).ListAsync(Ct);

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(2, listing.Invoices.Count);
    }

    [Fact]
    public async Task ListAsync_WhenMorePagesThanTheLimit_FailsWithLimitExceeded()
    {
        var mapping = _files.Write("limit.json", TestMappings.Listing(
            """{ "kind": "page", "sizeParam": "size", "pageSize": 1, "stop": "emptyPage" }"""));
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
            Task.FromResult(StubResponse.Json($$"""{"items":{{TestMappings.Invoices(int.Parse(query["page"]!, CultureInfo.InvariantCulture), 1)}}}""")));

        var error = await Assert.ThrowsAsync<UpstreamException>(() =>
            Create(stub, mapping, limits: new UpstreamLimits(MaxPages: 3)).ListAsync(Ct));

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_WhenATotalPromisesMorePagesThanTheLimit_FailsBeforeFetchingThem()
    {
        var mapping = _files.Write("liar.json", TestMappings.Listing(
            """{ "kind": "page", "sizeParam": "size", "pageSize": 2, "stop": "total", "totalPath": "total" }"""));
        await using var stub = await UpstreamStub.StartAsync((_, _) =>
            Task.FromResult(StubResponse.Json($$"""{"items":{{TestMappings.Invoices(1, 2)}},"total":1000000000}""")));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => Create(stub, mapping).ListAsync(Ct));

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task ListAsync_WhenTheItemsAreNotAnArray_FailsWithAPayloadErrorNamingThePath()
    {
        var mapping = _files.Write("items.json", TestMappings.Listing("""{ "kind": "none" }""", items: "data.invoices"));
        await using var stub = await UpstreamStub.StartAsync((_, _) => Task.FromResult(StubResponse.Json("""{"data":{"invoices":"none"}}""")));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => Create(stub, mapping).ListAsync(Ct));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Contains("'data.invoices'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_WhenTheUpstreamFails_ThrowsUpstreamStatus()
    {
        var mapping = _files.Write("fail.json", TestMappings.Listing("""{ "kind": "none" }"""));
        await using var stub = await UpstreamStub.StartAsync((_, _) => Task.FromResult(new StubResponse("oops", 503)));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => Create(stub, mapping).ListAsync(Ct));

        Assert.Equal(503, error.StatusCode);
    }

    private IInvoiceSource Create(UpstreamStub stub, string mapping, params (string Key, string Value)[] options) =>
        Sources.Create(stub, "test", mapping, _files.Root, options: options);

    private IInvoiceSource Create(UpstreamStub stub, string mapping, UpstreamLimits limits) =>
        Sources.Create(stub, "test", mapping, _files.Root, limits: limits);
}
