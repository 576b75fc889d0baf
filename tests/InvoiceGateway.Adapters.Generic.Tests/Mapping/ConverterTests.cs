using System.Text;
using System.Text.Json;
using InvoiceGateway.Adapters.Generic.Mapping;
using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Mapping;

public class ConverterTests
{
    [Fact]
    public void Fallbacks_TakeTheFirstPresentValue_SkippingNullAndBlank()
    {
        var invoice = Normalize(""" "number": ["a", "b", "c", "d"] """, """{"id":1,"a":null,"b":"  ","c":"third","d":"fourth"}""");

        Assert.Equal("third", invoice.Number);
    }

    [Fact]
    public void Paths_ReachIntoNestedObjectsAndArrayElements()
    {
        var invoice = Normalize(""" "number": "refs[1].value", "notes": "$.meta.note" """,
            """{"id":1,"refs":[{"value":"first"},{"value":"second"}],"meta":{"note":"nested"}}""");

        Assert.Equal("second", invoice.Number);
        Assert.Equal("nested", invoice.Notes);
    }

    [Fact]
    public void String_ReadsNumbersAndBooleansAsWritten_AndWarnsAboutObjects()
    {
        var invoice = Normalize(""" "number": "n", "notes": "o", "references": { "order": "b" } """,
            """{"id":12.50,"n":1e3,"b":true,"o":{"x":1}}""");

        Assert.Equal("12.50", invoice.SourceId);
        Assert.Equal("1e3", invoice.Number);
        Assert.Equal("true", invoice.References.Order);
        Assert.Null(invoice.Notes);
        Assert.Equal(WarningCodes.UnparsedValue, Assert.Single(invoice.Warnings).Code);
    }

    [Fact]
    public void Decimal_KeepsTheScaleOfNumbersAndStrings_AndWarnsAboutText()
    {
        var invoice = Normalize(""" "totals": { "gross": "g", "paid": "n", "tax": "t" } """,
            """{"id":1,"g":"1250.50","n":1000.400,"t":"a lot"}""");

        Assert.Equal("1250.50", invoice.Totals.Gross!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1000.400", invoice.Totals.Paid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(invoice.Totals.Tax);
        Assert.Contains(invoice.Warnings, w => w.Code == WarningCodes.UnparsedValue && w.Message.StartsWith("The t value", StringComparison.Ordinal));
    }

    [Fact]
    public void DateAndDateTime_ReadTheGivenFormats_AndDateTimesBecomeUtc()
    {
        var invoice = Normalize("""
            "issueDate": { "path": "issued", "convert": "date", "formats": ["dd.MM.yyyy"] },
            "dueDate": "due",
            "paidAt": { "path": "paid", "convert": "dateTime", "formats": ["MM-dd-yyyy HH:mm"] },
            "createdAt": "created",
            "deliveryDate": "delivered"
            """,
            """{"id":1,"issued":"03.06.2024","due":"2024-07-01T23:30:00-05:00","paid":"01-19-2021 22:58","created":"2024-05-12T08:00:00+02:00","delivered":"yesterday"}""");

        Assert.Equal(new DateOnly(2024, 6, 3), invoice.IssueDate);
        Assert.Equal(new DateOnly(2024, 7, 1), invoice.DueDate);
        Assert.Equal(new DateTimeOffset(2021, 1, 19, 22, 58, 0, TimeSpan.Zero), invoice.PaidAt);
        Assert.Equal(new DateTimeOffset(2024, 5, 12, 6, 0, 0, TimeSpan.Zero), invoice.CreatedAt);
        Assert.Equal(TimeSpan.Zero, invoice.CreatedAt!.Value.Offset);
        Assert.Null(invoice.DeliveryDate);
        Assert.Contains(invoice.Warnings, w => w.Message.Contains("'yesterday'", StringComparison.Ordinal));
    }

    [Fact]
    public void ValueMap_MapsIgnoringCase_UsesItsDefault_AndWarnsWithoutOne()
    {
        const string Fields = """
            "kind": { "path": "type", "convert": "valueMap", "map": { "CREDIT": "creditNote" }, "default": "invoice" },
            "direction": { "path": "flow", "convert": "valueMap", "map": { "in": "payable", "out": "receivable" } },
            "references": { "external": { "path": "channel", "convert": "valueMap", "map": { "1": "web", "2": "mail" } } }
            """;

        var credit = Normalize(Fields, """{"id":1,"type":"credit","flow":"OUT","channel":2}""");
        var unknown = Normalize(Fields, """{"id":2,"type":"weird","flow":"sideways"}""");

        Assert.Equal(InvoiceKind.CreditNote, credit.Kind);
        Assert.Equal(InvoiceDirection.Receivable, credit.Direction);
        Assert.Equal("mail", credit.References.External);
        Assert.Equal(InvoiceKind.Invoice, unknown.Kind);
        Assert.Equal(InvoiceDirection.Payable, unknown.Direction);
        var warning = Assert.Single(unknown.Warnings);
        Assert.Equal("The flow value 'sideways' is not one of the mapped values; it was left out.", warning.Message);
    }

    [Fact]
    public void Constant_FillsAFieldWhateverThePayloadSays()
    {
        var invoice = Normalize("""
            "kind": { "convert": "constant", "value": "creditNote" },
            "issuer": { "name": { "convert": "constant", "value": "Our own company" } },
            "totals": { "minimumDue": { "convert": "constant", "value": 10.00 } }
            """, """{"id":1}""");

        Assert.Equal(InvoiceKind.CreditNote, invoice.Kind);
        Assert.Equal("Our own company", invoice.Issuer?.Name);
        Assert.Equal(10.00m, invoice.Totals.MinimumDue);
    }

    [Fact]
    public void Sum_AddsEveryProjectedValue_AndGivesNullWhenOneIsNotANumber()
    {
        const string Fields = """ "totals": { "tax": { "path": "lines[].tax", "convert": "sum" }, "net": { "path": ["parts[].rows[].net", "lines[].net"], "convert": "sum" } } """;

        var invoice = Normalize(Fields, """{"id":1,"lines":[{"tax":"1.10"},{"tax":2.205}],"parts":[{"rows":[{"net":1},{"net":2}]},{"rows":[{"net":3}]}]}""");
        var bad = Normalize(Fields, """{"id":2,"lines":[{"tax":1},{"tax":"n/a"}]}""");
        var none = Normalize(Fields, """{"id":3,"lines":[]}""");

        Assert.Equal(3.305m, invoice.Totals.Tax);
        Assert.Equal(6m, invoice.Totals.Net);
        Assert.Null(bad.Totals.Tax);
        Assert.Equal(WarningCodes.UnparsedValue, Assert.Single(bad.Warnings).Code);
        Assert.Null(none.Totals.Tax);
        Assert.Empty(none.Warnings);
    }

    [Fact]
    public void Sum_WhenSomeLinesHaveTheValueAndOthersNot_IsNullWithTaxIncomplete_NeverAPartialSum()
    {
        const string Fields = """ "totals": { "tax": { "path": "lines[].tax", "convert": "sum" }, "net": { "path": "lines[].net", "convert": "sum" } } """;

        var partial = Normalize(Fields, """{"id":1,"lines":[{"tax":16.00,"net":80},{"net":20},{"tax":null,"net":5},{"tax":"","net":1}]}""");
        var noneHasTax = Normalize(Fields, """{"id":2,"lines":[{"net":80},{"net":20}]}""");
        var partialNet = Normalize(Fields, """{"id":3,"lines":[{"tax":1,"net":80},{"tax":2}]}""");

        Assert.Null(partial.Totals.Tax);
        Assert.Equal(106m, partial.Totals.Net);
        var warning = Assert.Single(partial.Warnings);
        Assert.Equal(WarningCodes.TaxIncomplete, warning.Code);
        Assert.Equal("3 of 4 values at 'lines[].tax' are missing, so 'totals.tax' is left unknown rather than a partial sum.", warning.Message);
        Assert.Null(noneHasTax.Totals.Tax);
        Assert.Empty(noneHasTax.Warnings);
        Assert.Null(partialNet.Totals.Net);
        Assert.Equal(3m, partialNet.Totals.Tax);
        Assert.Equal("sum_incomplete", Assert.Single(partialNet.Warnings).Code);
    }

    [Fact]
    public void Multiply_GivesTheProductWithTheScaleOfTheMostPreciseFactor_AndNullWhenAFactorIsMissing()
    {
        const string Fields = """ "lines": { "path": "items", "fields": { "gross": { "convert": "multiply", "of": ["qty", "amount"] } } } """;

        var invoice = Normalize(Fields, """{"id":1,"items":[{"qty":1.5,"amount":27.00},{"qty":3,"amount":"0.333"},{"qty":2},{"qty":2,"amount":0.125},{"qty":1.5,"amount":0.333}]}""");

        // An amount is rounded to 2 decimals (away from zero): 3 × 0.333 = 1.00, 1.5 × 0.333 = 0.50, not 0.4995.
        Assert.Equal(["40.50", "1.00", "", "0.25", "0.50"], invoice.Lines.Select(l => l.Gross?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
    }

    [Fact]
    public void Multiply_IntoAQuantity_KeepsEveryDecimal()
    {
        var invoice = Normalize(""" "lines": { "path": "items", "fields": { "quantity": { "convert": "multiply", "of": ["packs", "perPack"] } } } """,
            """{"id":1,"items":[{"packs":1.5,"perPack":0.333}]}""");

        Assert.Equal("0.4995", invoice.Lines[0].Quantity?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void IntAndCountryCode_ReadPositionsAndCountryNames()
    {
        var invoice = Normalize("""
            "recipient": { "address": { "country": "country" } },
            "issuer": { "address": { "country": { "path": "issuerCountry", "convert": "countryCode" } } },
            "lines": { "path": "items", "fields": { "position": { "path": "pos", "convert": "int" } } }
            """, """{"id":1,"country":"Norge","issuerCountry":"de","items":[{"pos":"3"},{"pos":4},{"pos":4.5}]}""");

        Assert.Equal("NO", invoice.Recipient?.Address?.Country);
        Assert.Equal("DE", invoice.Issuer?.Address?.Country);
        Assert.Equal([3, 4, null], invoice.Lines.Select(l => l.Position));
        Assert.Single(invoice.Warnings);
    }

    [Fact]
    public void Status_PaidConditionWins_ThenTheMap_ThenOverdueByDueDate_ElseUnknownWithAWarning()
    {
        const string Fields = """
            "dueDate": "due",
            "status": {
              "path": "state",
              "paidWhen": [{ "path": "paid", "convert": "boolean" }, { "path": "balance", "equals": 0 }],
              "map": { "VOID": "cancelled" },
              "overdueFromDueDate": ["OPEN"]
            }
            """;

        Assert.Equal(InvoiceStatus.Paid, Normalize(Fields, """{"id":1,"state":"VOID","paid":"yes"}""").Status);
        Assert.Equal(InvoiceStatus.Paid, Normalize(Fields, """{"id":2,"state":"OPEN","balance":"0.00"}""").Status);
        Assert.Equal(InvoiceStatus.Cancelled, Normalize(Fields, """{"id":3,"state":"void","paid":false}""").Status);
        Assert.Equal(InvoiceStatus.Open, Normalize(Fields, """{"id":4,"state":"OPEN","due":"2024-06-14"}""").Status);
        Assert.Equal(InvoiceStatus.Open, Normalize(Fields, """{"id":5,"state":"OPEN","due":"2024-06-15"}""").Status);
        Assert.Equal(InvoiceStatus.Open, Normalize(Fields, """{"id":6,"state":"OPEN"}""").Status);
        var unknown = Normalize(Fields, """{"id":7,"state":"ON_HOLD"}""");
        Assert.Equal(InvoiceStatus.Unknown, unknown.Status);
        Assert.Equal("ON_HOLD", unknown.SourceStatus);
        Assert.Equal(WarningCodes.UnknownStatus, Assert.Single(unknown.Warnings).Code);
        var absent = Normalize(Fields, """{"id":8}""");
        Assert.Equal(InvoiceStatus.Unknown, absent.Status);
        Assert.Equal(WarningCodes.UnknownStatus, Assert.Single(absent.Warnings).Code);
    }

    [Fact]
    public void Status_WhenAbsentIsGiven_UsesItForAMissingValue_AndSourceStatusCanBeMappedApart()
    {
        const string Fields = """
            "sourceStatus": "type",
            "status": { "path": "state", "paidWhen": { "path": "isPayed" }, "absent": "open" }
            """;

        var open = Normalize(Fields, """{"id":1,"isPayed":false,"type":"invoice"}""");
        var paid = Normalize(Fields, """{"id":2,"isPayed":true}""");

        Assert.Equal(InvoiceStatus.Open, open.Status);
        Assert.Equal("invoice", open.SourceStatus);
        Assert.Empty(open.Warnings);
        Assert.Equal(InvoiceStatus.Paid, paid.Status);
    }

    [Fact]
    public void Currency_ComesFromThePayload_ElseTheSource_ElseTheMapping_AndAnInvalidCodeIsAWarning()
    {
        const string Fields = """ "currency": "cur" """;

        Assert.Equal("USD", Normalize(Fields, """{"id":1,"cur":"usd"}""").Currency);
        Assert.Equal("NOK", Normalize(Fields, """{"id":2}""", sourceCurrency: "NOK").Currency);
        Assert.Equal("SEK", Normalize(Fields, """{"id":3}""", defaults: """ "defaults": { "currency": "SEK" }, """).Currency);
        Assert.Equal("EUR", Normalize(Fields, """{"id":4}""").Currency);
        var invalid = Normalize(Fields, """{"id":5,"cur":"euro"}""", sourceCurrency: "NOK");
        Assert.Equal("NOK", invalid.Currency);
        Assert.Equal(WarningCodes.UnparsedValue, Assert.Single(invalid.Warnings).Code);
    }

    [Fact]
    public void Direction_ComesFromThePayload_ElseTheSource_ElseTheMappingDefault()
    {
        const string Fields = """ "direction": { "path": "flow", "convert": "valueMap", "map": { "out": "receivable" } } """;
        const string Defaults = """ "defaults": { "direction": "receivable" }, """;

        Assert.Equal(InvoiceDirection.Receivable, Normalize(Fields, """{"id":1,"flow":"out"}""", sourceDirection: InvoiceDirection.Payable).Direction);
        Assert.Equal(InvoiceDirection.Payable, Normalize(Fields, """{"id":2}""", Defaults, sourceDirection: InvoiceDirection.Payable).Direction);
        Assert.Equal(InvoiceDirection.Receivable, Normalize(Fields, """{"id":3}""", Defaults).Direction);
    }

    [Fact]
    public void Totals_WhenGrossDiffersFromNetPlusTax_WarnsTotalsMismatch()
    {
        var invoice = Normalize(""" "totals": { "net": "n", "tax": "t", "gross": "g" } """, """{"id":1,"n":100,"t":25,"g":130}""");

        Assert.Equal(WarningCodes.TotalsMismatch, Assert.Single(invoice.Warnings).Code);
    }

    [Fact]
    public void Lines_WhenTheLinesAreNotAnArray_WarnsAndGivesNoLines()
    {
        var invoice = Normalize(""" "lines": { "path": "items", "fields": { "description": "name" } } """, """{"id":1,"items":"see PDF"}""");

        Assert.Empty(invoice.Lines);
        Assert.Equal("The items value 'see PDF' is not a list of lines; it was left out.", Assert.Single(invoice.Warnings).Message);
    }

    [Fact]
    public void Normalize_WhenNothingIsPresent_GivesEmptyGroupsAsNull()
    {
        var invoice = Normalize("""
            "issuer": { "name": "s.name", "address": { "city": "s.city" } },
            "payment": { "iban": "iban" },
            "period": { "start": "from" },
            "earlyPaymentDiscount": { "amount": "skonto" }
            """, """{"id":1}""");

        Assert.Null(invoice.Issuer);
        Assert.Null(invoice.Payment);
        Assert.Null(invoice.Period);
        Assert.Null(invoice.EarlyPaymentDiscount);
        Assert.Same(InvoiceReferences.Empty, invoice.References);
        Assert.Empty(invoice.Warnings);
    }

    private static Invoice Normalize(
        string fields,
        string entry,
        string defaults = "",
        string? sourceCurrency = null,
        InvoiceDirection? sourceDirection = null)
    {
        var json = $$"""{ {{defaults}} "list": { "path": "invoices" }, "fields": { "sourceId": "id", {{fields}} } }""";
        var (mapping, problems) = MappingLoader.Load("test.json", Encoding.UTF8.GetBytes(json));
        Assert.Empty(problems);
        var source = new SourceDescriptor
        {
            Name = "test",
            BaseUrl = new Uri("http://127.0.0.1:9/"),
            Currency = sourceCurrency,
            Direction = sourceDirection,
            Time = Sources.Today,
        };
        using var document = JsonDocument.Parse(entry);
        return mapping!.Normalizer.Normalize(document.RootElement, new NormalizeSettings(
            source,
            mapping.DefaultCurrency ?? "EUR",
            mapping.DefaultDirection ?? InvoiceDirection.Payable));
    }
}
