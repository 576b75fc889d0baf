using System.Text;
using System.Text.Json;
using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Reading;

/// <summary>
/// What reading a list page through a mapping answers at the edges a page read with a <see cref="Utf8JsonReader"/>
/// against the compiled plan (instead of a <see cref="JsonDocument"/> walked element by element) would handle on its
/// own: a syntax error anywhere fails the whole page at the position the document parse names (also after entries that
/// were read or left out, and on a later page); the raw payload is the entry's own bytes; values are read as the
/// element gives them (numbers as written, escapes undone, objects quoted as written in warnings); repeated and escaped
/// property names answer the JSON way (the last one wins, nested objects not merged) in every scope the mapping reads:
/// the entry, a nested object, a line, an allocation. Written against the document path (bench/results/normalization-generic-2026-12-02b.md).
/// </summary>
public class PageReadingTests : IDisposable
{
    private const string Fields = """
        "sourceId": "id",
        "number": ["number", "alt.number"],
        "kind": { "path": "type", "convert": "valueMap", "map": { "INV": "invoice", "CN": "creditNote" } },
        "status": { "path": "state", "paidWhen": { "path": "paid", "equals": true }, "open": ["OPEN"] },
        "issueDate": { "path": "date", "convert": "date", "formats": ["dd.MM.yyyy"] },
        "createdAt": "created",
        "paymentTerms": { "path": "terms", "convert": "valueMap", "map": { "14": "14 days" }, "default": "other" },
        "totals": { "gross": "amount", "tax": { "path": "rows[].tax", "convert": "sum" } },
        "recipient": { "name": "party.name", "email": "party.contact.email" },
        "allocations": { "path": "splits", "fields": { "amount": "sum", "costCenter": "cc.code" } },
        "lines": {
          "path": "rows",
          "fields": {
            "position": { "convert": "ordinal" },
            "description": { "convert": "join", "of": ["title", "text"], "separator": " - " },
            "quantity": "qty",
            "unitPrice": "price",
            "tax": "tax",
            "gross": { "convert": "multiply", "of": ["qty", "price"] }
          }
        },
        "notes": "notes"
        """;

    private readonly TempMappings _files = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    private string Mapping() => _files.Write("edges.json", $$"""
        {
          "defaults": { "currency": "EUR" },
          "list": { "path": "invoices", "items": "data", "paging": { "kind": "page", "sizeParam": "limit", "stop": "total", "totalPath": "meta.total" } },
          "fields": { {{Fields}} }
        }
        """);

    private async Task<SourceListing> ListAsync(params string[] pages)
    {
        await using var stub = await UpstreamStub.StartAsync((_, query) =>
            Task.FromResult(StubResponse.Json(pages[int.Parse(query["page"]!, System.Globalization.CultureInfo.InvariantCulture) - 1])));
        return await Sources.Create(stub, "inbox", Mapping(), _files.Root).ListAsync(Ct);
    }

    private static string Page(string entry) => """{"data":[""" + entry + """],"meta":{"total":1}}""";

    private async Task<UpstreamException> ListFails(params string[] pages) =>
        await Assert.ThrowsAsync<UpstreamException>(() => ListAsync(pages));

    /// <summary>The message the document parse of <paramref name="body"/> gives, with its position.</summary>
    private static string InvalidJsonAt(string body)
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body, new JsonDocumentOptions
        {
            AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = UpstreamLimits.Default.MaxDepth,
        }));
        return $"Source 'inbox' sent invalid JSON to GET /api/invoices at line {error.LineNumber + 1}, position {error.BytePositionInLine + 1}.";
    }

    [Theory]
    [InlineData("""{"data":[{"id":1,"amount":1}, {"id":2 "amount":1}],"meta":{"total":2}}""")]
    [InlineData("""{"data":[{"id":1,"rows":[{"qty":1,"price":2}]}, "rejected", {"id":3,}} ],"meta":{"total":3}}""")]
    [InlineData("""{"data":[{"id":1}],"meta":{"total":1}} x""")]
    [InlineData("""{"data":[{"id":1}],"meta":{"total":nul}}""")]
    [InlineData("""{"data":[{"id":1},{"id":2}]""")]
    [InlineData("""{"meta":{"total":1},"data":[{"id":1,"party":{"name":"A"]}]}""")]
    [InlineData("")]
    public async Task ListAsync_WhenThePageHasASyntaxError_FailsAsInvalidJsonAtItsPosition(string body)
    {
        var error = await ListFails(body);

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Equal(InvalidJsonAt(body), error.Message);
    }

    [Fact]
    public async Task ListAsync_WhenALaterPageHasASyntaxError_FailsTheList()
    {
        const string second = """{"data":[{"id":3},{"id":4,,}],"meta":{"total":4}}""";

        var error = await ListFails("""{"data":[{"id":1},{"id":2}],"meta":{"total":4}}""", second);

        Assert.Equal(InvalidJsonAt(second), error.Message);
    }

    [Fact]
    public async Task ListAsync_WhenAnEntryNestsTooDeep_FailsAsTooDeep()
    {
        var body = """{"data":[{"id":1}, {"id":2,"x":""" + new string('[', 70) + new string(']', 70) + """}],"meta":{"total":2}}""";

        var error = await ListFails(body);

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
        Assert.StartsWith("Source 'inbox' sent JSON nested deeper than 64 levels to GET /api/invoices", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_KeepsEachEntrysOwnBytesAsRaw_WithCommentsWhitespaceAndEscapes()
    {
        string[] entries =
        [
            """{ "id" : 1, /* a comment */ "amount" : "1\u0030.00", "rows" : [ { "qty" : 1, "price" : 1e1 }, ], }""",
            """{"id":"2","party":{"name":"\u00c5se \"B\" \/ C"} // the end""" + "\n}",
            """{"id":3,"notes":"Ünïcode ✓","rows":[]}""",
        ];
        var body = "{\"data\":[\n  " + string.Join(" ,\n  ", entries) + "\n], \"meta\": {\"total\": 3}}";

        var listing = await ListAsync(body);

        Assert.Empty(listing.Notices);
        Assert.Equal(entries, listing.Invoices.Select(i => Encoding.UTF8.GetString(i.Raw!.Value.Utf8.Span)));
        Assert.Equal(10.00m, listing.Invoices[0].Totals.Gross);
        Assert.Equal(10m, Assert.Single(listing.Invoices[0].Lines).Gross);
        Assert.Equal("Åse \"B\" / C", listing.Invoices[1].Recipient?.Name);
        Assert.Equal("Ünïcode ✓", listing.Invoices[2].Notes);
    }

    /// <summary>The last of repeated names wins, in the entry, in a nested object, in a line and in an allocation; objects are not merged.</summary>
    [Fact]
    public async Task ListAsync_WithRepeatedNamesInEveryScope_ReadsTheLastOne()
    {
        const string entry = """
            {"id":"first","id":"x","amount":1,"amount":"2.50",
             "party":{"name":"gone","contact":{"email":"a@example.com"}},"party":{"name":"B","name":"C"},
             "rows":[{"qty":1,"qty":2,"price":3,"tax":0.5,"tax":0.25,"title":"t"}],
             "splits":[{"sum":1,"cc":{"code":"A"},"cc":{"other":1},"sum":4}],
             "notes":"n1","notes":null}
            """;

        var invoice = Assert.Single((await ListAsync(Page(entry))).Invoices);

        Assert.Equal("x", invoice.SourceId);
        Assert.Equal(2.50m, invoice.Totals.Gross);
        Assert.Equal("C", invoice.Recipient?.Name);
        Assert.Null(invoice.Recipient?.Email);
        var line = Assert.Single(invoice.Lines);
        Assert.Equal(2m, line.Quantity);
        Assert.Equal(0.25m, line.Tax);
        Assert.Equal(6m, line.Gross);
        Assert.Equal(0.25m, invoice.Totals.Tax);
        var allocation = Assert.Single(invoice.Allocations);
        Assert.Equal(4m, allocation.Amount);
        Assert.Null(allocation.CostCenter);
        Assert.Null(invoice.Notes);
    }

    /// <summary>Escaped names are the names they unescape to, in every scope.</summary>
    [Fact]
    public async Task ListAsync_WithEscapedNamesInEveryScope_ReadsThemAsTheirText()
    {
        const string entry = """
            {"\u0069d":"e1","amo\u0075nt":"3.00","p\u0061rty":{"n\u0061me":"P","contact":{"em\u0061il":"e@example.com"}},
             "rows":[{"\u0071ty":2,"price":1.5,"t\u0061x":0.3}],"splits":[{"s\u0075m":3,"cc":{"c\u006fde":"K"}}],"\u006eotes":"N"}
            """;

        var invoice = Assert.Single((await ListAsync(Page(entry))).Invoices);

        Assert.Equal("e1", invoice.SourceId);
        Assert.Equal(3.00m, invoice.Totals.Gross);
        Assert.Equal("P", invoice.Recipient?.Name);
        Assert.Equal("e@example.com", invoice.Recipient?.Email);
        var line = Assert.Single(invoice.Lines);
        Assert.Equal((2m, 0.3m, 3.0m), (line.Quantity, line.Tax, line.Gross));
        Assert.Equal(0.3m, invoice.Totals.Tax);
        var allocation = Assert.Single(invoice.Allocations);
        Assert.Equal((3m, "K"), (allocation.Amount, allocation.CostCenter));
        Assert.Equal("N", invoice.Notes);
    }

    /// <summary>
    /// Every kind of value where every reader expects another: values are read as the element gives them (numbers as
    /// written, escapes undone, booleans as text), and what cannot be read is quoted in its warning as written in the
    /// page (white space and escapes inside objects and arrays kept).
    /// </summary>
    [Fact]
    public async Task ListAsync_WithValuesOfEveryKindInEveryReader_ReadsAndWarnsAsTheDocument()
    {
        const string entry = """
            {"id":1e2,"number":{ "a" : [1, 2] },"alt":{"number":"fallback"},"type":true,"state":[ "OPEN" ],"paid":"true",
             "date":"15.06.2024","created":"2024-06-01","terms":14,"amount":"1\u0032.50",
             "party":{"name":12.50,"contact":{"email":false}},
             "rows":[{"qty":"2","price":-0.0,"tax":"x","title":"T\u00e5","text":"T\u00e5"},{"qty":1e1,"price":{"v":1},"title":7,"text":" "},{"title":null,"tax":1}],
             "splits":"no list","notes":["a", "b"]}
            """;

        var invoice = Assert.Single((await ListAsync(Page(entry))).Invoices);

        Assert.Equal("1e2", invoice.SourceId);
        Assert.Null(invoice.Number);
        Assert.Equal(InvoiceKind.Invoice, invoice.Kind);
        Assert.Equal(new DateOnly(2024, 6, 15), invoice.IssueDate);
        Assert.Null(invoice.CreatedAt);
        Assert.Equal("14 days", invoice.PaymentTerms);
        Assert.Equal(12.50m, invoice.Totals.Gross);
        Assert.Equal("12.50", invoice.Recipient?.Name);
        Assert.Equal(["1|Tå|2|0.0|", "2|7|10||", "3||||1"], invoice.Lines.Select(l => $"{l.Position}|{l.Description}|{l.Quantity}|{l.UnitPrice}|{l.Tax}"));
        Assert.Empty(invoice.Allocations);
        Assert.Null(invoice.Notes);
        Assert.Equal((InvoiceStatus.Paid, """[ "OPEN" ]"""), (invoice.Status, invoice.SourceStatus));
        Assert.Equal(Warnings(), invoice.Warnings.Select(w => $"{w.Code}: {w.Message}"));
    }

    // The document path's answer, in its order: a reader path must give the same.
    private static string[] Warnings() =>
        [
            "unparsed_value: The number value '{ \"a\" : [1, 2] }' is not text; it was left out.",
            "unparsed_value: The type value 'true' is not one of the mapped values; it was left out.",
            "unparsed_value: The created value '2024-06-01' is not a date-time (it has no time, and a date alone is not turned into midnight); it was left out.",
            "unparsed_value: The rows[].tax value '\"x\"' is not a number; it was left out.",
            "tax_incomplete: 1 of 3 values at 'rows[].tax' are missing, so 'totals.tax' is left unknown rather than a partial sum.",
            "unparsed_value: The splits value 'no list' is not a list of allocations; it was left out.",
            "unparsed_value: The rows[].tax value '\"x\"' is not a number; it was left out.",
            "unparsed_value: The rows[].price value '{\"v\":1}' is not a number; it was left out.",
            "unparsed_value: The rows[].price value '{\"v\":1}' is not a number; it was left out.",
            "unparsed_value: The notes value '[\"a\", \"b\"]' is not text; it was left out.",
        ];
}
