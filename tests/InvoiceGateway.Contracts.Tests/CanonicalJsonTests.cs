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
            ["id", "source", "sourceId", "number", "kind", "direction", "status", "sourceStatus", "issueDate",
             "dueDate", "deliveryDate", "paidAt", "createdAt", "updatedAt", "currency", "totals",
             "earlyPaymentDiscount", "issuer", "recipient", "payment", "references", "period", "lines", "notes",
             "warnings"],
            names);
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
        var withRaw = Minimal with { Raw = raw.RootElement.Clone() };

        Assert.DoesNotContain("\"raw\"", Encoding.UTF8.GetString(CanonicalJson.Serialize(Minimal)), StringComparison.Ordinal);
        var roundTripped = CanonicalJson.Deserialize(CanonicalJson.Serialize(withRaw));
        Assert.Equal(1, roundTripped.Raw!.Value.GetProperty("a").GetInt32());
        Assert.Equal(Minimal.Id, roundTripped.Id);
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
