using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using InvoiceGateway.Adapters.GoScore.Tests.Support;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.GoScore.Tests;

public class GoScoreSourceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Entry(string id) =>
        $$"""{"id":"{{id}}","type":"INVOICE","amount":10.0,"due_date":"2021-01-16","paid":false,"overdue":false}""";

    private static string Page(string status, params string[] entries) =>
        $$"""{"status":"{{status}}","invoices":[{{string.Join(",", entries)}}],"user_data_id":"1"}""";

    private static string PageOf(HttpRequestMessage request) => request.RequestUri!.Query.Split("page=")[1].Split('&')[0];

    private static Func<HttpRequestMessage, HttpResponseMessage> Pages(params string[] bodies) => request =>
    {
        var page = int.Parse(PageOf(request), System.Globalization.CultureInfo.InvariantCulture);
        return StubHttpHandler.Json(page <= bodies.Length ? bodies[page - 1] : Page("done"));
    };

    [Fact]
    public async Task List_WhenAPageIsShorterThanPerPage_StopsAfterIt()
    {
        var handler = new StubHttpHandler(Pages(
            Page("done", Entry("1"), Entry("2")),
            Page("done", Entry("3"))));

        var listing = await GoScoreFixture.Create(handler, pageSize: 2).ListAsync(Cancel);

        Assert.Equal(["1", "2", "3"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(
            ["invoices/1?page=1&per_page=2", "invoices/1?page=2&per_page=2"],
            handler.Requests.Select(u => u.PathAndQuery.Replace("/api/1.0/", string.Empty, StringComparison.Ordinal)));
        Assert.Empty(listing.Notices);
    }

    [Fact]
    public async Task List_WhenAPageIsEmpty_Stops()
    {
        var handler = new StubHttpHandler(Pages(Page("done", Entry("1"), Entry("2")), Page("done")));

        var listing = await GoScoreFixture.Create(handler, pageSize: 2).ListAsync(Cancel);

        Assert.Equal(2, listing.Invoices.Count);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task List_WhenAPageIsLongerThanPerPage_TakesItAsTheWholeList()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(Page("done", Entry("1"), Entry("2"), Entry("3"))));

        var listing = await GoScoreFixture.Create(handler, pageSize: 2).ListAsync(Cancel);

        Assert.Equal(3, listing.Invoices.Count);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task List_WhenUpstreamIgnoresThePageParameter_StopsAtTheRepeatedPage()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(Page("done", Entry("1"), Entry("2"))));

        var listing = await GoScoreFixture.Create(handler, pageSize: 2).ListAsync(Cancel);

        Assert.Equal(["1", "2"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(2, handler.Requests.Count);
        Assert.Empty(listing.Notices);
    }

    [Fact]
    public async Task List_WhenEveryPageIsFull_StopsAtMaxPagesWithIncompleteNotice()
    {
        var handler = new StubHttpHandler(request => StubHttpHandler.Json(Page("done", Entry(PageOf(request)))));

        var listing = await GoScoreFixture.Create(handler, pageSize: 1, limits: new UpstreamLimits(MaxPages: 3)).ListAsync(Cancel);

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(3, listing.Invoices.Count);
        Assert.Equal(SourceNotice.Incomplete, Assert.Single(listing.Notices).Code);
    }

    [Theory]
    [InlineData("in_progress")]
    [InlineData("new")]
    public async Task List_WhenStatusSaysStillCollecting_ServesWhatIsThereWithIncompleteNotice(string status)
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(Page(status, Entry("1"))));

        var listing = await GoScoreFixture.Create(handler).ListAsync(Cancel);

        Assert.Equal("1", Assert.Single(listing.Invoices).SourceId);
        var notice = Assert.Single(listing.Notices);
        Assert.Equal(SourceNotice.Incomplete, notice.Code);
        Assert.Contains("goscore", notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenStatusIsNewWithoutInvoices_ReturnsNothingWithIncompleteNotice()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("""{"status":"new","user_data_id":"1"}"""));

        var listing = await GoScoreFixture.Create(handler).ListAsync(Cancel);

        Assert.Empty(listing.Invoices);
        Assert.Equal(SourceNotice.Incomplete, Assert.Single(listing.Notices).Code);
    }

    [Fact]
    public async Task List_WhenStatusIsError_ThrowsSourceFailed()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(Page("error")));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => GoScoreFixture.Create(handler).ListAsync(Cancel));

        Assert.Equal(UpstreamErrorCodes.SourceFailed, error.Code);
        Assert.Contains("'goscore'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenOneEntryIsMalformed_ServesTheOthersAndRejectsIt()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", Entry("1"), "\"not an invoice\"", """{"id":"3","creditor_name":{"nested":true}}""", """{"amount":1}""", Entry("5"))));

        var listing = await GoScoreFixture.Create(handler).ListAsync(Cancel);

        Assert.Equal(["1", "5"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(3, listing.Rejected);
        Assert.All(listing.Notices, n => Assert.Equal(SourceNotice.InvoiceRejected, n.Code));
        Assert.Contains("Entry 2 (id '3')", listing.Notices[1].Message, StringComparison.Ordinal);
        Assert.Contains("no 'id'", listing.Notices[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenIdsAreNumbers_ReadsThemAsStrings()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", """{"id":8599002184,"creditor_org_number":918713867,"kid":110002444955,"amount":463.0,"paid":true}""")));

        var invoice = Assert.Single((await GoScoreFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal("goscore:8599002184", invoice.Id);
        Assert.Equal("8599002184", invoice.SourceId);
        Assert.Equal("918713867", invoice.Issuer?.OrganizationNumber);
        Assert.Equal("110002444955", invoice.Payment?.Reference);
    }

    [Fact]
    public async Task List_WhenTypeIsUnknown_ReadsAnInvoiceWithWarning_AndThePaymentStateFromPaid()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", """{"id":"1","type":"INSTALMENT","status":"PROCESSED","amount":10,"paid":true}""")));

        var invoice = Assert.Single((await GoScoreFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal((InvoiceKind.Invoice, InvoiceStatus.Paid, 0m), (invoice.Kind, invoice.Status, invoice.Totals.Due));
        Assert.Equal("PROCESSED", invoice.SourceStatus);
        var warning = Assert.Single(invoice.Warnings);
        Assert.Equal(WarningCodes.UnparsedValue, warning.Code);
        Assert.Contains("INSTALMENT", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false", InvoiceStatus.Open, "463.0")]
    [InlineData("true", InvoiceStatus.Paid, "0")]
    public async Task List_WhenTypeIsReminder_IsKindReminder_WithThePaymentStateOfPaid(string paid, InvoiceStatus status, string due)
    {
        // Issue 10 items 7 and 8: the category field does not decide the payment state, and a reminder is no new debt.
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", $$"""{"id":"1","type":"REMINDER","status":"PROCESSED","amount":463.0,"due_date":"2021-01-10","paid":{{paid}}}""")));

        var invoice = Assert.Single((await GoScoreFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal((InvoiceKind.Reminder, status), (invoice.Kind, invoice.Status));
        Assert.Equal(decimal.Parse(due, CultureInfo.InvariantCulture), invoice.Totals.Due);
        Assert.Empty(invoice.Warnings);
        Assert.Null(invoice.AsOf(new DateOnly(2021, 1, 20)).DaysOverdue); // never overdue
    }

    [Fact]
    public async Task List_WhenACreditNoteHasNegativeAmounts_ServesThemPositive_AndItIsNeverOverdue()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", """{"id":"1","type":"CREDIT_NOTE","amount":-250.00,"min_amount":-250.00,"due_date":"2021-01-10","paid":false}""")));

        var invoice = Assert.Single((await GoScoreFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(InvoiceKind.CreditNote, invoice.Kind);
        Assert.Equal(new InvoiceTotals(Gross: 250.00m, Due: 250.00m, MinimumDue: 250.00m), invoice.Totals);
        Assert.False(invoice.AsOf(new DateOnly(2021, 1, 20)).Overdue);
        Assert.Empty(invoice.Warnings);
    }

    [Theory]
    [InlineData("false", "700.00")]
    [InlineData("true", "0")]
    public async Task List_WhenAnInvoiceWasPartlyCredited_DueIsTheAmountLessTheCredit(string paid, string due)
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", $$"""{"id":"1","type":"INVOICE","amount":1000.00,"credit_note_amount":300.00,"paid":{{paid}}}""")));

        var invoice = Assert.Single((await GoScoreFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(decimal.Parse(due, CultureInfo.InvariantCulture), invoice.Totals.Due);
        Assert.Equal((1000.00m, 300.00m), (invoice.Totals.Gross, invoice.Totals.Credited));
        Assert.Null(invoice.Totals.Paid); // GoScore tells whether, not how much
    }

    [Fact]
    public async Task List_WhenPaidIsUnreadable_LeavesStatusAndDueUnknown()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", """{"id":"1","type":"INVOICE","amount":10,"paid":"yes"}""")));

        var invoice = Assert.Single((await GoScoreFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal((InvoiceStatus.Unknown, (decimal?)null), (invoice.Status, invoice.Totals.Due));
        Assert.Equal(WarningCodes.UnparsedValue, Assert.Single(invoice.Warnings).Code);
    }

    [Theory]
    [InlineData("\"976 967 631\"", "976967631", null)]
    [InlineData("976967631", "976967631", null)]
    [InlineData("\"NO 918713867 MVA\"", "918713867", "NO918713867MVA")]
    public async Task List_NormalizesTheCreditorsOrganizationNumber_WithTheNorwegianScheme(string given, string number, string? vat)
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", $$"""{"id":"1","creditor_name":"Telenor Norge AS","creditor_org_number":{{given}},"amount":10,"paid":false}""")));

        var issuer = Assert.Single((await GoScoreFixture.Create(handler).ListAsync(Cancel)).Invoices).Issuer!;

        Assert.Equal((number, "0192", vat), (issuer.OrganizationNumber, issuer.OrganizationScheme, issuer.VatNumber));
    }

    [Theory]
    [InlineData("true", "true", InvoiceStatus.Paid)]
    [InlineData("false", "true", InvoiceStatus.Open)]
    [InlineData("false", "false", InvoiceStatus.Open)]
    [InlineData("null", "null", InvoiceStatus.Open)]
    public async Task List_WhenPaidAndOverdueFlagsAreGiven_MapsStatusAsSpecified(string paid, string overdue, InvoiceStatus expected)
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            Page("done", $$"""{"id":"1","amount":5.00,"paid":{{paid}},"overdue":{{overdue}}}""")));

        var invoice = Assert.Single((await GoScoreFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(expected, invoice.Status);
        Assert.Equal(expected == InvoiceStatus.Paid ? 0m : 5.00m, invoice.Totals.Due);
        Assert.Empty(invoice.Warnings);
    }

    [Fact]
    public async Task List_WhenBodyIsInvalidJson_ThrowsPayloadErrorNamingSourceAndPosition()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("{\"invoices\": [\n  {\"id\": \"1\" \"amount\": 2}\n]}"));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => GoScoreFixture.Create(handler).ListAsync(Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Contains("'goscore'", error.Message, StringComparison.Ordinal);
        Assert.Equal("Source 'goscore' sent invalid JSON to GET /api/1.0/invoices/1 at line 2, position 14.", error.Message);
    }

    [Fact]
    public async Task List_WhenUpstreamAnswersAnError_ThrowsStatusError()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("{}", HttpStatusCode.BadGateway));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => GoScoreFixture.Create(handler).ListAsync(Cancel));

        Assert.Equal(UpstreamErrorCodes.Status, error.Code);
        Assert.Equal(502, error.StatusCode);
    }

    [Fact]
    public async Task List_WhenConsentIdHasReservedCharacters_EscapesItInThePath()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(Page("done")));
        var descriptor = GoScoreFixture.Descriptor() with
        {
            Options = new Dictionary<string, string?> { ["ConsentId"] = "a b/../c?d" },
        };

        await new GoScoreAdapter().Create(descriptor, handler.CreateClient(GoScoreFixture.BaseUrl)).ListAsync(Cancel);

        Assert.Equal("/api/1.0/invoices/a%20b%2F..%2Fc%3Fd?page=1&per_page=100", Assert.Single(handler.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Get_WhenTheIdIsOnTheSecondPage_ReturnsItWithoutReadingFurther()
    {
        var handler = new StubHttpHandler(Pages(Page("done", Entry("1")), Page("done", Entry("2")), Page("done", Entry("3"))));

        var invoice = await GoScoreFixture.Create(handler, pageSize: 1).GetAsync("2", Cancel);

        Assert.Equal("goscore:2", invoice?.Id);
        Assert.NotNull(invoice?.Raw);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Get_WhenThePayloadIdIsANumber_FindsIt()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(Page("done", """{"id":8599002184,"amount":1}""")));

        var invoice = await GoScoreFixture.Create(handler).GetAsync("8599002184", Cancel);

        Assert.Equal("8599002184", invoice?.SourceId);
    }

    [Fact]
    public async Task Get_WhenNoEntryHasTheId_ReturnsNull()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(Page("done", Entry("1"))));

        Assert.Null(await GoScoreFixture.Create(handler).GetAsync("404", Cancel));
    }

    [Fact]
    public async Task Get_WhenTheIdIsBlank_ReturnsNullWithoutCallingUpstream()
    {
        var handler = new StubHttpHandler(_ => throw new InvalidOperationException("no call expected"));

        Assert.Null(await GoScoreFixture.Create(handler).GetAsync(" ", Cancel));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Get_WhenTheMatchingEntryIsMalformed_ThrowsPayloadError()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(Page("done", """{"id":"7","kid":[1]}""")));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => GoScoreFixture.Create(handler).GetAsync("7", Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.IsType<JsonException>(error.InnerException);
    }

    [Fact]
    public async Task List_WhenManyPagesAreFull_RequestsLaterPagesAheadAndKeepsTheirOrder()
    {
        // Eleven full pages of one invoice, then an empty one; each answer takes a while, so pages asked ahead overlap.
        var upstream = new SlowPagesHandler(fullPages: 11, TimeSpan.FromMilliseconds(50));
        var http = new HttpClient(upstream) { BaseAddress = new Uri(GoScoreFixture.BaseUrl) };

        var listing = await new GoScoreAdapter().Create(GoScoreFixture.Descriptor(pageSize: 1), http).ListAsync(Cancel);

        Assert.Equal(Enumerable.Range(1, 11).Select(i => i.ToString(CultureInfo.InvariantCulture)), listing.Invoices.Select(i => i.SourceId));
        Assert.Empty(listing.Notices);
        Assert.Equal([1, 2], upstream.Started.Take(2));
        Assert.InRange(upstream.MaxInFlight, 4, GoScoreSource.MaxPagesAhead);
        Assert.InRange(upstream.Started.Count, 12, 11 + GoScoreSource.MaxPagesAhead);
    }

    [Fact]
    public async Task List_WhenAPageAskedAheadFailsAfterTheLastPage_IgnoresIt()
    {
        var handler = new StubHttpHandler(request => int.Parse(PageOf(request), CultureInfo.InvariantCulture) switch
        {
            <= 3 and var page => StubHttpHandler.Json(Page("done", Entry(page.ToString(CultureInfo.InvariantCulture)))),
            4 => StubHttpHandler.Json(Page("done")),
            _ => StubHttpHandler.Json("{}", HttpStatusCode.InternalServerError),
        });

        var listing = await GoScoreFixture.Create(handler, pageSize: 1).ListAsync(Cancel);

        Assert.Equal(["1", "2", "3"], listing.Invoices.Select(i => i.SourceId));
        Assert.Empty(listing.Notices);
        Assert.Contains(handler.Requests, uri => uri.Query.Contains("page=5&", StringComparison.Ordinal));
    }

    /// <summary>Answers page N after a delay, full (one invoice) up to <c>fullPages</c>, then empty; counts requests in flight.</summary>
    private sealed class SlowPagesHandler(int fullPages, TimeSpan delay) : HttpMessageHandler
    {
        private int _inFlight;
        private int _maxInFlight;

        public ConcurrentQueue<int> Started { get; } = new();

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var page = int.Parse(PageOf(request), CultureInfo.InvariantCulture);
            Started.Enqueue(page);
            var now = Interlocked.Increment(ref _inFlight);
            for (var seen = Volatile.Read(ref _maxInFlight); now > seen; seen = Volatile.Read(ref _maxInFlight))
            {
                Interlocked.CompareExchange(ref _maxInFlight, now, seen);
            }

            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }

            var body = page <= fullPages ? Page("done", Entry(page.ToString(CultureInfo.InvariantCulture))) : Page("done");
            var response = StubHttpHandler.Json(body);
            response.RequestMessage = request;
            return response;
        }
    }
}
