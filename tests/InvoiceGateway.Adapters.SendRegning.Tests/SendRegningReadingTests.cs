using System.Net;
using System.Text;
using System.Text.Json;
using InvoiceGateway.Adapters.SendRegning.Tests.Support;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Tests;

/// <summary>
/// The page is read once with a reader, entry by entry, instead of being parsed into a document first: what parsing it
/// first decided must still hold. A syntax error anywhere fails the whole page (also after an entry that was left out,
/// after the invoice limit was reached, or in a body of the wrong kind), and the raw payload is the entry's own bytes.
/// </summary>
public class SendRegningReadingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Good = """{"number":1,"total":"10.00","tax":"2.00","currentBalance":0}""";

    private static async Task<UpstreamException> ListFails(string body, UpstreamLimits? limits = null)
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body));
        return await Assert.ThrowsAsync<UpstreamException>(() => SendRegningFixture.Create(handler, limits: limits).ListAsync(Cancel));
    }

    /// <summary>The message parsing the body as a document gives, with its position.</summary>
    private static string InvalidJsonAt(string body, string path = "/v1/invoices/")
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body, new JsonDocumentOptions
        {
            AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = UpstreamLimits.Default.MaxDepth,
        }));
        return $"Source 'sendregning' sent invalid JSON to GET {path} at line {error.LineNumber + 1}, position {error.BytePositionInLine + 1}.";
    }

    [Theory]
    [InlineData("""[{"number":1,"originator":"Ola"}, {"number":2 "total":1}]""")]
    [InlineData("""[{"number":1,"items":{"x":[1,2]}}, {"number":2}, {"number":3,}} ]""")]
    [InlineData("""[null, 5, {"number":2}, {"number":3] ]""")]
    [InlineData("""[{"number":1}, {"number":2}] x""")]
    [InlineData("""[{"number":1}, {"number":2}""")]
    [InlineData("""{"invoices":[{"number":1}], "next": nul}""")]
    [InlineData("""  "abc" 5""")]
    [InlineData("")]
    public async Task List_WhenTheBodyHasASyntaxErrorAfterWhatWasRead_FailsAsInvalidJsonAtItsPosition(string body)
    {
        var error = await ListFails(body);

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Equal(InvalidJsonAt(body), error.Message);
    }

    [Fact]
    public async Task List_WhenTheBodyNestsTooDeepAfterAnEntry_FailsAsTooDeep()
    {
        var body = $$"""[{{Good}}, {"number":2,"_links":{{new string('[', 70)}}{{new string(']', 70)}}}]""";

        var error = await ListFails(body);

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
        Assert.StartsWith("Source 'sendregning' sent JSON nested deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenTheLimitIsReachedAndALaterEntryIsNoJson_FailsAsInvalidJson()
    {
        var body = $$"""[{{Good}}, {"number":2}, {"number":3,,}]""";

        var error = await ListFails(body, new UpstreamLimits(MaxInvoices: 1));

        Assert.Equal(InvalidJsonAt(body), error.Message);
    }

    [Fact]
    public async Task List_WhenTheLimitIsReached_FailsAsBefore()
    {
        var error = await ListFails($$"""[{{Good}}, null, {"number":3}]""", new UpstreamLimits(MaxInvoices: 1));

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
        Assert.Equal("Source 'sendregning' sent more than 1 invoices.", error.Message);
    }

    [Theory]
    [InlineData("""{"invoices":[]}""", "an object")]
    [InlineData("""  "abc" """, "a string")]
    [InlineData("null", "null")]
    public async Task List_WhenTheBodyIsValidJsonButNoArray_FailsNamingWhatItIs(string body, string what)
    {
        var error = await ListFails(body);

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Equal($"Source 'sendregning' sent {what} where an array of invoices was expected.", error.Message);
    }

    [Fact]
    public async Task List_KeepsEachEntrysOwnBytesAsRaw_WithCommentsWhitespaceAndEscapes_AndSkipsAByteOrderMark()
    {
        string[] entries =
        [
            """{ "number" : 1, /* a comment */ "total" : "1\u0030.00", "items" : [ { "number" : 1, }, ], }""",
            """{"number":"2","recipient":{"name":"\u00c5se \"B\" \/ C"} // the end""" + "\n}",
            """{"number":3,"_links":{"self":{"href":"/v1/invoices/3"}}}""",
        ];
        var body = "\uFEFF[\n  " + string.Join(" ,\n  ", entries) + "\n]";
        var handler = new StubHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(body[1..])).ToArray()),
        });

        var listing = await SendRegningFixture.Create(handler).ListAsync(Cancel);

        Assert.Empty(listing.Notices);
        Assert.Equal(entries, listing.Invoices.Select(i => Encoding.UTF8.GetString(i.Raw!.Value.Utf8.Span)));
        Assert.Equal(10.00m, listing.Invoices[0].Totals.Gross);
        Assert.Equal(1, Assert.Single(listing.Invoices[0].Lines).Position);
        Assert.Equal("Åse \"B\" / C", listing.Invoices[1].Recipient?.Name);
    }

    [Fact]
    public async Task List_WhenEntriesAreLeftOut_NamesEachByIndexAndIdAndReadsTheNextOnes()
    {
        var body = """[{"id":"x","number":5,"originator":{"address":{"zip":[1]}}}, 7, {"number":"8","items":[{"number":1},"a"]}, {"number":" "}, """ + Good + "]";
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body));

        var listing = await SendRegningFixture.Create(handler).ListAsync(Cancel);

        Assert.Equal(["sendregning:1"], listing.Invoices.Select(i => i.Id));
        Assert.Equal(
            [
                "Entry 0 (id 'x') of source 'sendregning' was left out: Expected a string, got StartArray.",
                "Entry 1 (id unknown) of source 'sendregning' was left out: The invoice is a number, not an object.",
                "Entry 2 (id '8') of source 'sendregning' was left out: The 'items[]' value is a string; an object was expected.",
                "Entry 3 (id ' ') of source 'sendregning' was left out: the invoice has no 'number'.",
            ],
            listing.Notices.Select(n => n.Message));
    }

    [Theory]
    [InlineData("""{"number":1,"originator":"Ola","total":1,,}""")]
    [InlineData("""{"number":1} {"number":2}""")]
    [InlineData("""[{"number":1}""")]
    public async Task Get_WhenTheBodyHasASyntaxErrorAfterWhatWasRead_FailsAsInvalidJson(string body)
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendRegningFixture.Create(handler).GetAsync("1", Cancel));

        Assert.Equal(InvalidJsonAt(body, "/v1/invoices/1"), error.Message);
    }

    [Fact]
    public async Task Get_WhenAValueHasTheWrongShape_FailsNamingIt()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("""{"number":1,"originator":"Ola"}"""));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendRegningFixture.Create(handler).GetAsync("1", Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Equal("Source 'sendregning' sent an invoice that could not be read: The 'originator' value is a string; an object was expected.", error.Message);
    }
}
