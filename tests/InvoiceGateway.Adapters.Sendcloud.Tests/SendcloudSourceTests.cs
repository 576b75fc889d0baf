using System.Net;
using System.Text.Json;
using InvoiceGateway.Adapters.Sendcloud.Tests.Support;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Sendcloud.Tests;

public class SendcloudSourceTests
{
    private const string NotFoundBody =
        """{"error":{"code":404,"request":"api/v2/user/invoices/12312312312","message":"No Invoice matches the given query."}}""";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Entry(string id, string extra = "") =>
        $$"""{"id":{{id}},"ref":"R-{{id}}","type":"periodic","price_incl":12.10,"price_excl":10.00,"isPayed":false,"date":"05-10-2020 02:12:01","items":"https://x.test/items"{{extra}}}""";

    [Fact]
    public async Task Get_WhenUpstreamAnswers404_ReturnsNull()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(NotFoundBody, HttpStatusCode.NotFound));

        Assert.Null(await SendcloudFixture.Create(handler).GetAsync("12312312312", Cancel));
        Assert.Equal("/api/v2/user/invoices/12312312312", Assert.Single(handler.Requests).AbsolutePath);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1/../2")]
    [InlineData(" 7")]
    public async Task Get_WhenIdIsNotAPositiveInteger_ReturnsNullWithoutCallingUpstream(string id)
    {
        var handler = new StubHttpHandler(_ => throw new InvalidOperationException("no call expected"));

        Assert.Null(await SendcloudFixture.Create(handler).GetAsync(id, Cancel));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Get_WhenUpstreamFails_ThrowsStatusError()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("{}", HttpStatusCode.InternalServerError));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendcloudFixture.Create(handler).GetAsync("5", Cancel));

        Assert.Equal(UpstreamErrorCodes.Status, error.Code);
        Assert.Equal(500, error.StatusCode);
    }

    [Fact]
    public async Task Get_WhenBodyHasNoInvoiceObject_ThrowsPayloadError()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("""{"invoice":[]}"""));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendcloudFixture.Create(handler).GetAsync("5", Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Contains("'sendcloud'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WhenAnItemIsNotAnObject_ThrowsPayloadError()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("""{"invoice":{"id":5,"items":["Insurance"]}}"""));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendcloudFixture.Create(handler).GetAsync("5", Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.IsType<JsonException>(error.InnerException);
    }

    [Fact]
    public async Task List_WhenOneEntryIsMalformed_ServesTheOthersAndRejectsIt()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            $$"""{"invoices":[{{Entry("1")}},{"id":2,"items":42},{{Entry("3")}},17]}"""));

        var listing = await SendcloudFixture.Create(handler).ListAsync(Cancel);

        Assert.Equal(["sendcloud:1", "sendcloud:3"], listing.Invoices.Select(i => i.Id));
        Assert.Equal(2, listing.Rejected);
        Assert.Contains("Entry 1 (id '2') of source 'sendcloud' was left out", listing.Notices[0].Message, StringComparison.Ordinal);
        Assert.Contains("Entry 3 (id unknown)", listing.Notices[1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("monthly", "true", InvoiceStatus.Paid, "0")]
    [InlineData("chargeback", "false", InvoiceStatus.Open, "1")]
    [InlineData("periodic", "true", InvoiceStatus.Paid, "0")]
    public async Task List_WhateverTheType_ThePaymentStateComesFromIsPayed_AndTheTypeIsKept(string type, string isPayed, InvoiceStatus status, string due)
    {
        // Issue 10 item 7: `type` is the invoice's category; an undocumented one ("monthly") must not make a paid invoice unknown.
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            $$"""{"invoices":[{"id":1,"type":"{{type}}","price_incl":1,"price_excl":1,"isPayed":{{isPayed}}}]}"""));

        var invoice = Assert.Single((await SendcloudFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(status, invoice.Status);
        Assert.Equal(decimal.Parse(due, System.Globalization.CultureInfo.InvariantCulture), invoice.Totals.Due);
        Assert.Null(invoice.Totals.Paid);
        Assert.Equal(type, invoice.SourceStatus);
        Assert.Empty(invoice.Warnings);
    }

    [Fact]
    public async Task List_WhenIsPayedIsUnreadable_LeavesStatusAndDueUnknown()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            """{"invoices":[{"id":1,"type":"periodic","price_incl":1,"price_excl":1,"isPayed":"sometimes"}]}"""));

        var invoice = Assert.Single((await SendcloudFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal((InvoiceStatus.Unknown, (decimal?)null), (invoice.Status, invoice.Totals.Due));
        Assert.Equal(WarningCodes.UnparsedValue, Assert.Single(invoice.Warnings).Code);
    }

    [Theory]
    [InlineData("05-10-2020 02:12:01")]
    [InlineData("2020-10-05T02:12:01Z")]
    [InlineData("2020-10-05T04:12:01+02:00")]
    [InlineData("2020-10-05T02:12:01")]
    public async Task List_WhenOneInstantIsWrittenEitherWay_GivesTheSameCreatedAtAndIssueDate(string date)
    {
        // Issue 10 item 13: `date` is a date-time; a value without an offset is UTC.
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            $$"""{"invoices":[{"id":1,"type":"periodic","price_incl":1,"price_excl":1,"isPayed":true,"date":"{{date}}"}]}"""));

        var invoice = Assert.Single((await SendcloudFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(new DateTimeOffset(2020, 10, 5, 2, 12, 1, TimeSpan.Zero), invoice.CreatedAt);
        Assert.Equal(new DateOnly(2020, 10, 5), invoice.IssueDate);
        Assert.Empty(invoice.Warnings);
    }

    [Fact]
    public async Task List_WhenTheOffsetMovesTheInstantToAnotherUtcDay_TheIssueDateIsTheUtcDay()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            """{"invoices":[{"id":1,"type":"periodic","price_incl":1,"price_excl":1,"isPayed":true,"date":"2020-10-05T01:00:00+02:00"}]}"""));

        var invoice = Assert.Single((await SendcloudFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal((new DateOnly(2020, 10, 4), new DateTimeOffset(2020, 10, 4, 23, 0, 0, TimeSpan.Zero)), (invoice.IssueDate, invoice.CreatedAt));
    }

    [Fact]
    public async Task List_WhenTheDateIsUnreadable_WarnsOnce_AndLeavesBothDatesOut()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            """{"invoices":[{"id":1,"type":"periodic","price_incl":1,"price_excl":1,"isPayed":true,"date":"5th of October"}]}"""));

        var invoice = Assert.Single((await SendcloudFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal((null, null), (invoice.IssueDate, invoice.CreatedAt));
        Assert.Equal(WarningCodes.UnparsedValue, Assert.Single(invoice.Warnings).Code);
    }

    [Fact]
    public async Task List_WhenNetExceedsGross_KeepsBothAndWarns()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(
            """{"invoices":[{"id":1,"type":"other","price_incl":5.5,"price_excl":6.5,"isPayed":false}]}"""));

        var invoice = Assert.Single((await SendcloudFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Equal(new InvoiceTotals(Net: 6.5m, Tax: -1.0m, Gross: 5.5m, Due: 5.5m), invoice.Totals);
        Assert.Equal(InvoiceStatus.Open, invoice.Status);
        Assert.Equal(WarningCodes.NetExceedsGross, Assert.Single(invoice.Warnings).Code);
    }

    [Fact]
    public async Task List_WhenItemsIsAUrl_HasNoLines()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json($$"""{"invoices":[{{Entry("1")}}]}"""));

        var invoice = Assert.Single((await SendcloudFixture.Create(handler).ListAsync(Cancel)).Invoices);

        Assert.Empty(invoice.Lines);
        Assert.Empty(invoice.Warnings);
    }

    [Fact]
    public async Task List_WhenSourceSetsCurrencyAndIssuerName_UsesThem()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json($$"""{"invoices":[{{Entry("1")}}]}"""));
        var descriptor = SendcloudFixture.Descriptor(("IssuerName", "Sendcloud B.V.")) with { Currency = "gbp" };

        var invoice = Assert.Single((await SendcloudFixture.Create(handler, descriptor).ListAsync(Cancel)).Invoices);

        Assert.Equal("GBP", invoice.Currency);
        Assert.Equal("Sendcloud B.V.", invoice.Issuer?.Name);
    }

    [Fact]
    public async Task List_WhenBodyHasNoInvoicesArray_ThrowsPayloadError()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("""{"invoices":{"id":1}}"""));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendcloudFixture.Create(handler).ListAsync(Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Contains("'sendcloud'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenBodyIsInvalidJson_ThrowsPayloadErrorNamingSourceAndPosition()
    {
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json("{\"invoices\":[{\"id\":1,}}"));

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendcloudFixture.Create(handler).ListAsync(Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.StartsWith("Source 'sendcloud' sent invalid JSON to GET /api/v2/user/invoices at line 1, position ", error.Message, StringComparison.Ordinal);
    }
}
