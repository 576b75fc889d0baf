using System.Net;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests;

/// <summary>Every kind of bad input is a problem+json 400 naming the parameter; unknown things are 404.</summary>
public sealed class BadRequestTests(SandboxGatewayFixture fixture) : IClassFixture<SandboxGatewayFixture>
{
    public static TheoryData<string, string> BadQueries => new()
    {
        { "v1/invoices?dueFrom=16-01-2021", "dueFrom" },
        { "v1/invoices?dueTo=2021-02-30", "dueTo" },
        { "v1/invoices?issuedFrom=yesterday", "issuedFrom" },
        { "v1/invoices?issuedTo=", "issuedTo" },
        { "v1/invoices?dueFrom=2022-01-02&dueTo=2022-01-01", "dueFrom" },
        { "v1/invoices?limit=0", "limit" },
        { "v1/invoices?limit=501", "limit" },
        { "v1/invoices?limit=ten", "limit" },
        { "v1/invoices?limit=-5", "limit" },
        { "v1/invoices?sort=amount", "sort" },
        { "v1/invoices?cursor=garbage", "cursor" },
        { "v1/invoices?cursor=eyJzIjoiZHVlRGF0ZSJ9", "cursor" },
        { "v1/invoices?status=late", "status" },
        { "v1/invoices?kind=receipt", "kind" },
        { "v1/invoices?direction=sideways", "direction" },
        { "v1/invoices?currency=EURO", "currency" },
        { "v1/invoices?minGross=1e400", "minGross" },
        { "v1/invoices?maxGross=abc", "maxGross" },
        { "v1/invoices?source=nosuch", "source" },
        { "v1/invoices?stauts=paid", "stauts" },
        { "v1/invoices?include=everything", "include" },
        { "v1/invoices?limit=5&limit=6", "limit" },
        { "v1/invoices/malformed-id", "id" },
        { "v1/invoices/%3A123", "id" },
        { "v1/invoices/goscore%3A", "id" },
        { "v1/invoices/go%20score%3A1", "id" },
        { "v1/invoices/goscore%3A1?foo=bar", "foo" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Request_WithBadParameter_Is400ProblemNamingIt(string url, string parameter)
    {
        var (response, problem) = await fixture.Client.GetProblemAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem["errors"]![parameter] is not null, $"errors should name '{parameter}': {problem}");
        Assert.False(string.IsNullOrWhiteSpace(problem.Str("detail")));
    }

    [Fact]
    public async Task Cursor_FromAnotherQuery_Is400()
    {
        var page = await fixture.Client.GetObjectAsync("v1/invoices?limit=3&sort=gross");
        var cursor = Uri.EscapeDataString(page.Str("next")!);

        var (response, problem) = await fixture.Client.GetProblemAsync($"v1/invoices?limit=3&sort=dueDate&cursor={cursor}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["cursor"]);
    }

    [Theory]
    [InlineData("v1/invoices/nosuch%3A1", "There is no source 'nosuch' you can read.")]
    [InlineData("v1/invoices/sendcloud%3A999999", "Source 'sendcloud' has no invoice '999999'.")]
    [InlineData("v1/invoices/ibana%3Ano-such-invoice", "Source 'ibana' has no invoice 'no-such-invoice'.")]
    [InlineData("v1/invoices/sendregning%3A999999", "Source 'sendregning' has no invoice '999999'.")]
    [InlineData("v1/invoices/dollr%3A999999", "Source 'dollr' has no invoice '999999'.")]
    [InlineData("v1/invoices/goscore%3A1", "Source 'goscore' has no invoice '1'.")]
    [InlineData("v1/no-such-endpoint", null)]
    public async Task Request_ForUnknownSourceOrInvoice_Is404Problem(string url, string? detail)
    {
        var (response, problem) = await fixture.Client.GetProblemAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        if (detail is not null)
        {
            // GET /v1/invoices/{id}'s own answer, not an unmatched route's.
            Assert.Equal("Not found.", problem.Str("title"));
            Assert.EndsWith("#errors-404", problem.Str("type"), StringComparison.Ordinal);
            Assert.Equal(detail, problem.Str("detail"));
        }
    }
}
