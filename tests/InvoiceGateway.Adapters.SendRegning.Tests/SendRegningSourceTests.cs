using System.Net;
using InvoiceGateway.Adapters.SendRegning.Tests.Support;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Tests;

public class SendRegningSourceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Entry(string number, string total = "100.00", string balance = "100.00", string dueDate = "2015-03-01") =>
        $$"""{"number":{{number}},"credit":false,"invoiceDate":"2015-02-01","dueDate":"{{dueDate}}","tax":"20.00","total":{{total}},"currentBalance":{{balance}}}""";

    private static HttpResponseMessage Page(string? link, params string[] entries)
    {
        var response = StubHttpHandler.Json($"[{string.Join(",", entries)}]");
        if (link is not null)
        {
            response.Headers.TryAddWithoutValidation("Link", link);
        }

        return response;
    }

    private static string PageOf(HttpRequestMessage request) =>
        request.RequestUri!.Query.Split("page=")[1].Split('&')[0];

    [Fact]
    public async Task List_WhenLinkHeaderIsRelative_ResolvesItAgainstTheRequestUri()
    {
        var handler = new StubHttpHandler(request => PageOf(request) switch
        {
            "1" => Page("<?page=2&perPage=2>; rel=\"next\"", Entry("1"), Entry("2")),
            "2" => Page("</v1/invoices/?page=3&perPage=2>; rel=\"next\"", Entry("3"), Entry("4")),
            _ => Page("</v1/invoices/?page=1&perPage=2>; rel=\"first\"", Entry("5")),
        });

        var listing = await SendRegningFixture.Create(handler, pageSize: 2).ListAsync(Cancel);

        Assert.Equal(["1", "2", "3", "4", "5"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(
            [
                "https://api.sendregning.test/v1/invoices/?page=1&perPage=2",
                "https://api.sendregning.test/v1/invoices/?page=2&perPage=2",
                "https://api.sendregning.test/v1/invoices/?page=3&perPage=2",
            ],
            handler.Requests.Select(u => u.AbsoluteUri));
        Assert.Empty(listing.Notices);
    }

    [Fact]
    public async Task List_WhenLinkHeaderIsAbsoluteAmongOtherRelations_FollowsNextOnly()
    {
        const string Last = "<https://api.sendregning.test/v1/invoices/?page=9&perPage=1>; rel=\"last\"";
        var handler = new StubHttpHandler(request => PageOf(request) switch
        {
            "1" => Page($"<https://api.sendregning.test/v1/invoices/?page=2&perPage=1>; rel=\"next\", {Last}", Entry("1")),
            "2" => Page($"<https://API.sendregning.test/v1/invoices/?page=3&perPage=1>; title=\"a, b\"; rel=\"next last\", {Last}", Entry("2")),
            _ => Page($"<https://api.sendregning.test/v1/invoices/?page=2&perPage=1>; rel=\"prev\", {Last}", Entry("3")),
        });

        var listing = await SendRegningFixture.Create(handler, pageSize: 1).ListAsync(Cancel);

        Assert.Equal(["1", "2", "3"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task List_AsksForTheNextPageAsSoonAsItsLinkArrives_BeforeThisPagesBodyIsRead()
    {
        // Page 1's body is held back until page 2 has been asked for: reading page by page would wait forever.
        var secondAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubHttpHandler(request =>
        {
            if (PageOf(request) == "2")
            {
                secondAsked.TrySetResult();
                return Page(null, Entry("2"));
            }

            var first = new HttpResponseMessage(HttpStatusCode.OK) { Content = new GatedContent($"[{Entry("1")}]", secondAsked.Task) };
            first.Headers.TryAddWithoutValidation("Link", "<?page=2&perPage=1>; rel=\"next\"");
            return first;
        });

        var listing = await SendRegningFixture.Create(handler, pageSize: 1).ListAsync(Cancel);

        Assert.Equal(["1", "2"], listing.Invoices.Select(i => i.SourceId));
        Assert.Empty(listing.Notices);
    }

    [Theory]
    [InlineData("<https://evil.test/v1/invoices/?page=2>; rel=\"next\"")]
    [InlineData("<http://api.sendregning.test/v1/invoices/?page=2>; rel=\"next\"")]
    [InlineData("<https://api.sendregning.test:8443/v1/invoices/?page=2>; rel=\"next\"")]
    [InlineData("<//evil.test/v1/invoices/?page=2>; rel=\"next\"")]
    public async Task List_WhenNextLinkPointsToAnotherHost_ThrowsWithoutFollowingIt(string link)
    {
        var handler = new StubHttpHandler(_ => Page(link, Entry("1")));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendRegningFixture.Create(handler).ListAsync(Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Contains("'sendregning'", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task List_WhenNextLinkRepeatsAPage_StopsWithIncompleteNotice()
    {
        var handler = new StubHttpHandler(request => PageOf(request) == "1"
            ? Page("<?page=2&perPage=100>; rel=\"next\"", Entry("1"))
            : Page("<?page=1&perPage=100>; rel=\"next\"", Entry("2")));

        var listing = await SendRegningFixture.Create(handler).ListAsync(Cancel);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(2, listing.Invoices.Count);
        Assert.Equal(SourceNotice.Incomplete, Assert.Single(listing.Notices).Code);
    }

    [Fact]
    public async Task List_WhenPagesNeverEnd_StopsAtMaxPagesWithIncompleteNotice()
    {
        var handler = new StubHttpHandler(request =>
            Page($"<?page={int.Parse(PageOf(request), System.Globalization.CultureInfo.InvariantCulture) + 1}>; rel=\"next\"", Entry("1")));

        var listing = await SendRegningFixture.Create(handler, limits: new UpstreamLimits(MaxPages: 4)).ListAsync(Cancel);

        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(SourceNotice.Incomplete, Assert.Single(listing.Notices).Code);
    }

    [Theory]
    [InlineData("0", "2015-02-01", InvoiceStatus.Paid, null)]
    [InlineData("0.00", "2015-03-01", InvoiceStatus.Paid, null)]
    [InlineData("10", "2015-02-01", InvoiceStatus.PartiallyPaid, 19)]
    [InlineData("22.22", "2015-02-19", InvoiceStatus.Open, 1)]
    [InlineData("22.22", "2015-02-20", InvoiceStatus.Open, null)]
    [InlineData("22.22", "2015-03-01", InvoiceStatus.Open, null)]
    [InlineData("30", "2015-02-19", InvoiceStatus.Open, 1)]
    [InlineData("null", "2015-02-19", InvoiceStatus.Open, 1)]
    [InlineData("null", "null", InvoiceStatus.Open, null)]
    public async Task List_WhenBalanceAndDueDateAreGiven_StatusIsThePaymentStateAndOverdueIsApart(
        string balance, string dueDate, InvoiceStatus expected, int? daysOverdueOn20Feb)
    {
        var due = dueDate == "null" ? "null" : $"\"{dueDate}\"";
        var handler = new StubHttpHandler(_ => Page(null,
            $$"""{"number":1,"dueDate":{{due}},"tax":4.44,"total":22.22,"currentBalance":{{balance}}}"""));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(expected, invoice.Status);
        Assert.False(invoice.Overdue); // computed when served, never by the adapter
        Assert.Equal(daysOverdueOn20Feb, invoice.DaysOverdueOn(new DateOnly(2015, 2, 20)));
    }

    [Fact]
    public async Task List_WhenOneEntryIsMalformed_ServesTheOthersAndRejectsIt()
    {
        var handler = new StubHttpHandler(_ => Page(null,
            Entry("1"), """{"number":2,"items":{"number":1}}""", """{"total":5}""", "[]", Entry("5")));

        var listing = await SendRegningFixture.Create(handler).ListAsync(Cancel);

        Assert.Equal(["sendregning:1", "sendregning:5"], listing.Invoices.Select(i => i.Id));
        Assert.Equal(3, listing.Rejected);
        Assert.Contains("Entry 1 (id '2') of source 'sendregning' was left out", listing.Notices[0].Message, StringComparison.Ordinal);
        Assert.Contains("no 'number'", listing.Notices[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenNamesDifferInCaseAreEscapedOrRepeated_ReadsThemCaseInsensitivelyAndTheLastWins()
    {
        var handler = new StubHttpHandler(_ => Page(null,
            """{"NUMBER":5,"Number":6,"ToTaL":"3","t\u0061x":"1","iTeMs":[{"NUMBER":"1"},null],"originator":{"name":"A"},"originator":{"NAME":"B"},"_links":{"self":[1]}}"""));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal("sendregning:6", invoice.Id);
        Assert.Equal(new InvoiceTotals(Net: 2m, Tax: 1m, Gross: 3m), invoice.Totals);
        Assert.Equal(1, Assert.Single(invoice.Lines).Position);
        Assert.Equal("B", invoice.Issuer?.Name);
    }

    [Theory]
    [InlineData("""{"number":1,"originator":"Ola"}""")]
    [InlineData("""{"number":1,"total":{"amount":5}}""")]
    [InlineData("""{"number":1,"items":[1]}""")]
    [InlineData("""{"number":1,"items":{"number":1}}""")]
    [InlineData("""{"number":1,"recipient":{"address":["Oslo"]}}""")]
    [InlineData("""{"number":1,"international":{"iban":["NO93"]}}""")]
    [InlineData("""{"number":[1]}""")]
    [InlineData("null")]
    public async Task List_WhenAKnownValueHasTheWrongShape_RejectsThatInvoice(string entry)
    {
        var handler = new StubHttpHandler(_ => Page(null, entry, Entry("2")));

        var listing = await SendRegningFixture.Create(handler).ListAsync(Cancel);

        Assert.Equal("sendregning:2", Assert.Single(listing.Invoices).Id);
        Assert.Equal(SourceNotice.InvoiceRejected, Assert.Single(listing.Notices).Code);
    }

    [Fact]
    public async Task List_WhenManyValuesCannotBeRead_WarnsAboutEachInTheOrderTheyWereAlwaysReported()
    {
        var handler = new StubHttpHandler(_ => Page(null,
            """{"number":1,"credit":"c","invoiceDate":"i","dueDate":"d","deliveryDate":"dd","orderDate":"o","reminderDate":"r","tax":"t","total":"g","currentBalance":"b","originator":{"address":{"country":"X1"}},"recipient":{"address":{"country":"X2"}},"deliveryAddress":{"country":"X3"},"items":[{"number":"n","quantity":"q","unitPrice":"u","discount":"dc","taxRate":"tr","total":"lt","totalWithoutTax":"ln"}]}"""));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        // The order AutoMapper's map gave them (members matched by name first, then the configured ones), kept since.
        Assert.Equal(
            ["'d'", "'dd'", "'o'", "'r'", "'X2'", "'X3'", "'c'", "'i'", "'g'", "'t'", "'b'", "'X1'", "'q'", "'u'", "'tr'", "'n'", "'dc'", "'ln'", "'lt'"],
            invoice.Warnings.Select(w => w.Message.Split(' ')[3]));
    }

    [Fact]
    public async Task List_WhenBodyIsNotAnArray_ThrowsPayloadError()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("""{"invoices":[]}"""));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendRegningFixture.Create(handler).ListAsync(Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
    }

    [Fact]
    public async Task List_WhenNumbersAndCountriesAreGiven_ReadsIdsAsStringsAndCountriesAsIsoCodes()
    {
        var handler = new StubHttpHandler(_ => Page(null,
            """{"number":123,"recipient":{"number":7,"organisationNumber":911919911,"address":{"zip":154,"country":"NORGE"}}}"""));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal("sendregning:123", invoice.Id);
        Assert.Equal("123", invoice.Number);
        Assert.Equal("911919911", invoice.Recipient?.OrganizationNumber);
        Assert.Equal(new PostalAddress(PostalCode: "154", Country: "NO"), invoice.Recipient?.Address);
    }

    [Fact]
    public async Task List_WhenACreditNoteHasNegativeAmounts_ServesThemPositive_AndItIsNeverOverdue()
    {
        // Issue 10 item 6: amounts as on the document, `kind` says credit.
        var handler = new StubHttpHandler(_ => Page(null,
            """{"number":7,"credit":true,"dueDate":"2015-02-15","tax":-50.00,"total":-250.00,"currentBalance":-250.00,"items":[{"number":1,"quantity":-2,"unitPrice":100.00,"discount":0,"taxRate":25,"total":-250.00,"totalWithoutTax":-200.00}]}"""));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(InvoiceKind.CreditNote, invoice.Kind);
        Assert.Equal(new InvoiceTotals(Net: 200.00m, Tax: 50.00m, Gross: 250.00m, Paid: 0.00m, Due: 250.00m), invoice.Totals);
        var line = Assert.Single(invoice.Lines);
        Assert.Equal((2m, 100.00m, 200.00m, 50.00m, 250.00m), (line.Quantity, line.UnitPrice, line.Net, line.Tax, line.Gross));
        Assert.Equal(InvoiceStatus.Open, invoice.Status);
        Assert.Null(invoice.DaysOverdueOn(new DateOnly(2015, 3, 1)));
        Assert.Empty(invoice.Warnings);
    }

    [Theory]
    [InlineData("1000.00", "400.00", "600.00", InvoiceStatus.PartiallyPaid)]
    [InlineData("1000.00", "0", "1000.00", InvoiceStatus.Paid)]
    [InlineData("1000.00", "1000.00", "0.00", InvoiceStatus.Open)]
    public async Task List_PaidIsTheTotalLessTheCurrentBalance(string total, string balance, string paid, InvoiceStatus status)
    {
        var handler = new StubHttpHandler(_ => Page(null,
            $$"""{"number":1,"dueDate":"2015-02-15","tax":200.00,"total":{{total}},"currentBalance":{{balance}}}"""));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(decimal.Parse(paid, System.Globalization.CultureInfo.InvariantCulture), invoice.Totals.Paid);
        Assert.Equal(decimal.Parse(balance, System.Globalization.CultureInfo.InvariantCulture), invoice.Totals.Due);
        Assert.Equal(status, invoice.Status);
    }

    [Fact]
    public async Task List_KeepsDeliveryAddressSchemeDatesAndBothPhones()
    {
        // Issue 10 item 12: nothing of these is dropped.
        var handler = new StubHttpHandler(_ => Page(null, """
            {"number":200,"orderDate":"2026-10-20","reminderDate":"2026-11-20","deliveryDate":"2026-10-30",
             "deliveryAddress":{"address":"Strandkaien 3","zip":"5003","city":"BERGEN","country":"NORGE"},
             "originator":{"name":"Nordlys Regnskap AS","phone":"22334455","mobile":"41234567","organisationNumber":"NO 913 456 782 MVA",
                           "address":{"address1":"Storgata 12","zip":"0155","city":"OSLO","country":"Norway"}},
             "recipient":{"name":"Havblikk AS","mobile":"91234567","organisationNumber":"998 877 665","icd":"9908",
                          "address":{"address1":"Strandkaien 3","zip":"5003","city":"BERGEN","country":"UK"}}}
            """));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(new PostalAddress("Strandkaien 3", null, "5003", "BERGEN", "NO"), invoice.DeliveryAddress);
        Assert.Equal((new DateOnly(2026, 10, 20), new DateOnly(2026, 11, 20)), (invoice.OrderDate, invoice.ReminderDate));
        var issuer = invoice.Issuer!;
        Assert.Equal(("22334455", "41234567"), (issuer.Phone, issuer.Mobile));
        Assert.Equal(("913456782", "0192", "NO913456782MVA"), (issuer.OrganizationNumber, issuer.OrganizationScheme, issuer.VatNumber));
        var recipient = invoice.Recipient!;
        Assert.Equal(((string?)null, "91234567"), (recipient.Phone, recipient.Mobile));
        // icd 9908 (Peppol's code for Enhetsregisteret) is the ISO 6523 ICD 0192, whatever the address says.
        Assert.Equal(("998877665", "0192"), (recipient.OrganizationNumber, recipient.OrganizationScheme));
        Assert.Equal("GB", recipient.Address!.Country);
        Assert.Empty(invoice.Warnings);
    }

    [Fact]
    public async Task List_WhenACountryIsNoCountry_KeepsItAndWarns()
    {
        var handler = new StubHttpHandler(_ => Page(null,
            """{"number":1,"deliveryAddress":{"address":"Main Street 1","country":"LBR"},"recipient":{"name":"X","address":{"country":"Mordor"}}}"""));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal("LR", invoice.DeliveryAddress!.Country);
        Assert.Equal("Mordor", invoice.Recipient!.Address!.Country);
        var warning = Assert.Single(invoice.Warnings);
        Assert.Equal(WarningCodes.CountryUnknown, warning.Code);
        Assert.Contains("Mordor", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenLinesDoNotAddUp_WarnsPerLineAndForTheHeader()
    {
        // Issue 10 item 15, shaped like the seed: total 22.22 although the lines add up to far more.
        var handler = new StubHttpHandler(_ => Page(null, """
            {"number":1,"tax":11.11,"total":22.22,"items":[
              {"number":1,"quantity":10,"unitPrice":12.12,"discount":10,"total":151.5,"totalWithoutTax":121.2},
              {"number":2,"quantity":2,"unitPrice":50,"discount":0,"total":125,"totalWithoutTax":100.004}]}
            """));

        var invoice = Assert.Single((await SendRegningFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal([WarningCodes.LineMismatch, WarningCodes.LinesMismatch], invoice.Warnings.Select(w => w.Code));
        Assert.Contains("Line 1", invoice.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("109.08", invoice.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Equal(100.00m, invoice.Lines[1].Net); // rounded to two decimals
        Assert.Equal("100.00", invoice.Lines[1].Net!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Get_WhenUpstreamAnswers404WithoutBody_ReturnsNull()
    {
        var handler = new StubHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));

        Assert.Null(await SendRegningFixture.Create(handler).GetAsync("999", Cancel));
        Assert.Equal("/v1/invoices/999", Assert.Single(handler.Requests).AbsolutePath);
    }

    [Fact]
    public async Task Get_WhenTheNumberHasReservedCharacters_EscapesIt()
    {
        var handler = new StubHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));

        await SendRegningFixture.Create(handler).GetAsync("A/../17?x", Cancel);

        Assert.Equal("/v1/invoices/A%2F..%2F17%3Fx", Assert.Single(handler.Requests).AbsolutePath);
    }

    [Fact]
    public async Task Get_WhenTheNumberIsBlank_ReturnsNullWithoutCallingUpstream()
    {
        var handler = new StubHttpHandler(_ => throw new InvalidOperationException("no call expected"));

        Assert.Null(await SendRegningFixture.Create(handler).GetAsync("", Cancel));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Get_WhenBodyIsNotAnObject_ThrowsPayloadError()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("[]"));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendRegningFixture.Create(handler).GetAsync("1", Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
    }

    [Fact]
    public async Task Get_WhenUpstreamRefusesTheCredentials_ThrowsUnauthorized()
    {
        var handler = new StubHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.Unauthorized));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendRegningFixture.Create(handler).GetAsync("1", Cancel));

        Assert.Equal(UpstreamErrorCodes.Unauthorized, error.Code);
    }

    /// <summary>A body that is written only once <c>gate</c> completes.</summary>
    private sealed class GatedContent(string json, Task gate) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(10));
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
