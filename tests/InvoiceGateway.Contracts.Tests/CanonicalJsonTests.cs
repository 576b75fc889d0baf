using System.Text;
using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Contracts.Tests;

public class CanonicalJsonTests
{
    private static readonly Invoice Minimal = new()
    {
        Id = "goscore:1",
        Source = "goscore",
        SourceId = "1",
        Currency = "NOK",
    };

    [Fact]
    public void Serialize_WritesEveryFieldOfSpecSection3_InCamelCase_WithNulls()
    {
        using var doc = JsonDocument.Parse(CanonicalJson.Serialize(Minimal));
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();

        Assert.Equal(
            ["id", "source", "sourceId", "number", "kind", "direction", "status", "overdue", "daysOverdue",
             "sourceStatus", "issueDate", "dueDate", "deliveryDate", "orderDate", "reminderDate", "paidOn", "paidAt", "createdAt", "updatedAt",
             "changedAt", "paymentTerms", "currency", "totals", "earlyPaymentDiscount", "issuer", "recipient",
             "deliveryAddress", "payment", "allocations", "references", "period", "lines", "notes", "warnings"],
            names);
        Assert.False(doc.RootElement.GetProperty("overdue").GetBoolean());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("daysOverdue").ValueKind);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("allocations").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("number").ValueKind);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("lines").ValueKind);
        Assert.Equal(
            ["net", "tax", "gross", "paid", "due", "minimumDue", "credited"],
            doc.RootElement.GetProperty("totals").EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Serialize_KeepsDecimalScaleAsGiven_AndWritesDatesAndEnumsAsSpecified()
    {
        var invoice = Minimal with
        {
            Kind = InvoiceKind.CreditNote,
            Status = InvoiceStatus.PartiallyPaid,
            Direction = InvoiceDirection.Receivable,
            DueDate = new DateOnly(2021, 1, 16),
            PaidAt = new DateTimeOffset(2023, 11, 7, 6, 31, 56, TimeSpan.FromHours(1)),
            Totals = new InvoiceTotals(Gross: 463.0m, Due: 0m, MinimumDue: 400.10m),
        };

        var json = Encoding.UTF8.GetString(CanonicalJson.Serialize(invoice));

        Assert.Contains("\"gross\":463.0,", json, StringComparison.Ordinal);
        Assert.Contains("\"due\":0,", json, StringComparison.Ordinal);
        Assert.Contains("\"minimumDue\":400.10,", json, StringComparison.Ordinal);
        Assert.Contains("\"dueDate\":\"2021-01-16\"", json, StringComparison.Ordinal);
        Assert.Contains("\"paidAt\":\"2023-11-07T05:31:56Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"creditNote\"", json, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"partiallyPaid\"", json, StringComparison.Ordinal);
        Assert.Contains("\"direction\":\"receivable\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_IsWrittenOnlyWhenPresent_AndRoundTrips()
    {
        using var raw = JsonDocument.Parse("""{"a":1}""");
        var withRaw = Minimal with { Raw = RawJson.Of(raw.RootElement) };

        Assert.DoesNotContain("\"raw\"", Encoding.UTF8.GetString(CanonicalJson.Serialize(Minimal)), StringComparison.Ordinal);
        var roundTripped = CanonicalJson.Deserialize(CanonicalJson.Serialize(withRaw));
        Assert.Equal(1, roundTripped.Raw!.Value.ToElement().GetProperty("a").GetInt32());
        Assert.Equal(Minimal.Id, roundTripped.Id);
    }

    [Fact]
    public void Serialize_WritesEveryPartyAndLineField_WithNulls()
    {
        var invoice = Minimal with
        {
            Recipient = new Party { Name = "x" },
            Lines = [new InvoiceLine()],
            Allocations = [new InvoiceAllocation()],
        };

        using var doc = JsonDocument.Parse(CanonicalJson.Serialize(invoice));
        var root = doc.RootElement;

        Assert.Equal(
            ["name", "organizationNumber", "organizationScheme", "vatNumber", "electronicAddress", "customerNumber",
             "email", "phone", "mobile", "website", "address"],
            root.GetProperty("recipient").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(
            ["position", "code", "description", "quantity", "unit", "unitPrice", "discountPercent", "taxRate", "net",
             "tax", "gross"],
            root.GetProperty("lines")[0].EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(
            ["amount", "taxRate", "costCenter", "ledgerAccount", "description"],
            root.GetProperty("allocations")[0].EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Theory]
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.Open, "100", "2024-06-14", 1)]
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.Open, null, "2024-05-16", 30)] // unknown due counts as outstanding
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.PartiallyPaid, "40", "2024-06-01", 14)]
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.Open, "100", "2024-06-15", null)] // due today: not yet
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.Open, "100", null, null)]
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.Open, "0", "2024-06-01", null)]
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.Paid, "0", "2024-06-01", null)]
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.Unknown, "100", "2024-06-01", null)]
    [InlineData(InvoiceKind.Invoice, InvoiceStatus.Cancelled, "100", "2024-06-01", null)]
    [InlineData(InvoiceKind.CreditNote, InvoiceStatus.Open, "250", "2024-06-01", null)]
    [InlineData(InvoiceKind.Reminder, InvoiceStatus.Open, "250", "2024-06-01", null)]
    public void DaysOverdueOn_FollowsSpecSection3(InvoiceKind kind, InvoiceStatus status, string? due, string? dueDate, int? expected)
    {
        var invoice = Minimal with
        {
            Kind = kind,
            Status = status,
            Totals = new InvoiceTotals(Due: due is null ? null : decimal.Parse(due, System.Globalization.CultureInfo.InvariantCulture)),
            DueDate = dueDate is null ? null : DateOnly.Parse(dueDate, System.Globalization.CultureInfo.InvariantCulture),
        };

        var served = invoice.AsOf(new DateOnly(2024, 6, 15));

        Assert.Equal(expected, served.DaysOverdue);
        Assert.Equal(expected is not null, served.Overdue);
    }

    [Fact]
    public void AsOf_TheSameInvoiceBecomesOverdueWhenTheDateMoves_NotWhenTheDataChanges()
    {
        var invoice = Minimal with { Status = InvoiceStatus.Open, DueDate = new DateOnly(2015, 3, 1) };

        Assert.Same(invoice, invoice.AsOf(new DateOnly(2015, 3, 1)));
        Assert.Equal(1, invoice.AsOf(new DateOnly(2015, 3, 2)).DaysOverdue);
        Assert.True(invoice.AsOf(new DateOnly(2015, 3, 2)).Overdue);
    }

    [Fact]
    public void WithoutDuplicates_KeepsTheFirstOfEachId_AndCountsTheRestAsRejected()
    {
        var listing = new SourceListing([Minimal, Minimal with { SourceId = "2", Id = "goscore:2" }, Minimal with { Number = "again" }]);

        var unique = listing.WithoutDuplicates();

        Assert.Equal(["1", "2"], unique.Invoices.Select(i => i.SourceId));
        Assert.Null(unique.Invoices[0].Number);
        Assert.Equal(SourceNotice.DuplicateId, Assert.Single(unique.Notices).Code);
        Assert.Equal(1, unique.Rejected);
        Assert.Same(unique, unique.WithoutDuplicates());
    }

    [Fact]
    public void Serialize_WritesNonAsciiAndPlusSignsAsThemselves()
    {
        var invoice = Minimal with { Recipient = new Party { Name = "Bjørn Ås", Phone = "+47 22 00 00 00" } };

        var json = Encoding.UTF8.GetString(CanonicalJson.Serialize(invoice));

        Assert.Contains("\"name\":\"Bjørn Ås\"", json, StringComparison.Ordinal);
        Assert.Contains("\"phone\":\"+47 22 00 00 00\"", json, StringComparison.Ordinal);
    }
}
