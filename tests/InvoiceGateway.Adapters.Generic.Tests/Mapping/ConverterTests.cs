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
    public void Scale_ReadsAmountsInMinorUnits_ExactlyAndWithTheMajorUnitsDecimals()
    {
        var invoice = Normalize("""
            "totals": { "gross": { "path": "amount", "scale": 2 }, "tax": { "path": "items[].tax", "convert": "sum", "scale": 2 }, "paid": { "path": "paid", "convert": "decimal", "scale": 3 } },
            "lines": { "path": "items", "fields": {
              "unitPrice": { "path": "unit_amount", "convert": "decimal", "scale": 2 },
              "gross": { "convert": "multiply", "of": ["qty", "unit_amount"], "scale": 2 } } }
            """, """{"id":1,"amount":12500,"paid":"1000","items":[{"qty":3,"unit_amount":"1999","tax":1000},{"qty":1.5,"unit_amount":333,"tax":"1500"}]}""");

        static string Text(decimal? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
        Assert.Equal("125.00", Text(invoice.Totals.Gross));
        Assert.Equal("25.00", Text(invoice.Totals.Tax));
        Assert.Equal("100.00", Text(invoice.Totals.Net));
        Assert.Equal("1.000", Text(invoice.Totals.Paid));
        Assert.Equal(["19.99", "3.33"], invoice.Lines.Select(l => Text(l.UnitPrice)));
        Assert.Equal(["59.97", "5.00"], invoice.Lines.Select(l => Text(l.Gross)));
        Assert.Empty(invoice.Warnings);
    }

    [Fact]
    public void NetTaxGross_DeriveTheMissingOne_NeverReplacingAGivenValue()
    {
        const string Fields = """
            "totals": { "net": "net", "tax": "tax", "gross": "gross" },
            "lines": { "path": "items", "fields": { "net": "net", "tax": "tax", "gross": "gross" } }
            """;

        var netAndTax = Normalize(Fields, """{"id":1,"net":100.00,"tax":25.00,"items":[{"net":80.00,"tax":20.00},{"tax":5.00,"gross":25.00},{"net":10,"gross":12.5}]}""");
        var contradicting = Normalize(Fields, """{"id":2,"net":100.00,"tax":25.00,"gross":130.00}""");
        var onlyGross = Normalize(Fields, """{"id":3,"gross":130.00,"items":[{"gross":1}]}""");

        Assert.Equal(new InvoiceTotals(Net: 100.00m, Tax: 25.00m, Gross: 125.00m), netAndTax.Totals);
        Assert.Equal([(80.00m, 20.00m, 100.00m), (20.00m, 5.00m, 25.00m), (10m, 2.5m, 12.5m)],
            netAndTax.Lines.Select(l => (l.Net!.Value, l.Tax!.Value, l.Gross!.Value)));
        Assert.Equal(new InvoiceTotals(Net: 100.00m, Tax: 25.00m, Gross: 130.00m), contradicting.Totals);
        Assert.Equal(WarningCodes.TotalsMismatch, Assert.Single(contradicting.Warnings).Code);
        Assert.Equal(new InvoiceTotals(Gross: 130.00m), onlyGross.Totals);
        Assert.Null(onlyGross.Lines[0].Net);
    }

    [Fact]
    public void Join_AndOrdinal_GiveTheTitleWithItsDescription_AndThePlaceInTheList()
    {
        var invoice = Normalize("""
            "lines": { "path": "items", "fields": { "position": { "convert": "ordinal" }, "description": { "convert": "join", "of": ["title", "text"] } } }
            """, """{"id":1,"items":[{"title":"A1 Business Mobil L","text":"Grundgebühr Oktober"},{"title":"Roaming","text":"roaming"},{"text":" "},{}]}""");

        Assert.Equal([1, 2, 3, 4], invoice.Lines.Select(l => l.Position));
        Assert.Equal(["A1 Business Mobil L – Grundgebühr Oktober", "Roaming", null, null], invoice.Lines.Select(l => l.Description));
    }

    [Fact]
    public void DateTime_WithoutATime_IsAPaidDay_OrLeftOutWithAWarning_NeverMidnight_AndAPaymentTimeGivesItsUtcDay()
    {
        var invoice = Normalize(""" "paidAt": { "path": "paid", "formats": ["dd.MM.yyyy"] }, "createdAt": "created", "updatedAt": "updated" """,
            """{"id":1,"paid":"20.05.2024","created":"2024-05-01","updated":"2024-05-02T10:00:00+02:00"}""");
        var withTime = Normalize(""" "paidAt": "paid" """, """{"id":2,"paid":"2024-05-20T23:30:00-02:00"}""");

        Assert.Equal(new DateOnly(2024, 5, 20), invoice.PaidOn);
        Assert.Null(invoice.PaidAt);
        Assert.Null(invoice.CreatedAt);
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 8, 0, 0, TimeSpan.Zero), invoice.UpdatedAt);
        var warning = Assert.Single(invoice.Warnings);
        Assert.Equal("The created value '2024-05-01' is not a date-time (it has no time, and a date alone is not turned into midnight); it was left out.", warning.Message);
        Assert.Equal(new DateTimeOffset(2024, 5, 21, 1, 30, 0, TimeSpan.Zero), withTime.PaidAt);
        Assert.Equal(new DateOnly(2024, 5, 21), withTime.PaidOn);
    }

    [Fact]
    public void Kind_MapsReminders_AndTheStatusIsReadTheSameWay()
    {
        var invoice = Normalize("""
            "kind": { "path": "type", "convert": "valueMap", "map": { "INVOICE": "invoice", "REMINDER": "reminder" } },
            "status": { "path": "state", "open": ["NEW"], "partialPayments": false },
            "totals": { "gross": "total" }
            """, """{"id":1,"type":"REMINDER","state":"NEW","total":96.00}""");

        Assert.Equal(InvoiceKind.Reminder, invoice.Kind);
        Assert.Equal(InvoiceStatus.Open, invoice.Status);
        Assert.Equal("NEW", invoice.SourceStatus);
        Assert.Equal(new InvoiceTotals(Gross: 96.00m, Paid: 0m, Due: 96.00m), invoice.Totals);
    }

    [Fact]
    public void PartialPayments_WhenNotSaid_NothingIsAssumedAboutPaidAndDue()
    {
        var invoice = Normalize(""" "status": { "path": "state", "open": ["NEW"] }, "totals": { "gross": "total" } """,
            """{"id":1,"state":"NEW","total":96.00}""");

        Assert.Equal(new InvoiceTotals(Gross: 96.00m), invoice.Totals);
    }

    [Fact]
    public void Currency_WhenThePayloadHasNone_IsTheSourceSetting_ElseNullWithCurrencyMissing_NeverInvented()
    {
        const string Fields = """ "currency": "currency", "lines": { "path": "items", "fields": { "currency": "cur" } } """;

        var fromSource = Normalize(Fields, """{"id":1,"currency":" ","items":[{"cur":"LRD"},{"cur":"USD"}]}""", sourceCurrency: "usd", defaultCurrency: null);
        var fromLines = Normalize(Fields, """{"id":2,"items":[{"cur":"lrd"},{"cur":"LRD"}]}""", sourceCurrency: "USD", defaultCurrency: null);
        var none = Normalize(Fields, """{"id":3}""", defaultCurrency: null);
        var mappingDefault = Normalize(Fields, """{"id":4}""", defaults: """ "defaults": { "currency": "nok" }, """, defaultCurrency: null);

        Assert.Equal("USD", fromSource.Currency);
        Assert.Equal([WarningCodes.CurrencyMixed], fromSource.Warnings.Select(w => w.Code));
        Assert.Equal("LRD", fromLines.Currency);
        Assert.Empty(fromLines.Warnings);
        Assert.Null(none.Currency);
        Assert.Equal(WarningCodes.CurrencyMissing, Assert.Single(none.Warnings).Code);
        Assert.Equal("NOK", mappingDefault.Currency);
        Assert.Empty(mappingDefault.Warnings);
    }

    [Fact]
    public void Accounts_TakeTheIbanAndTheBicOfOneAccount_NeverOfTwo()
    {
        const string Fields = """
            "payment": { "accounts": [ { "iban": "top" }, { "iban": "bank.iban", "bic": "bank.bic" } ] }
            """;

        var twoAccounts = Normalize(Fields, """{"id":1,"top":"AT61 1904 3002 3457 3201","bank":{"iban":"DE89370400440532013000","bic":"COBADEFFXXX"}}""");
        var sameAccount = Normalize(Fields, """{"id":2,"top":"AT611904300234573201","bank":{"iban":"at61 1904 3002 3457 3201","bic":"BKAUATWW"}}""");
        var onlyBank = Normalize(Fields, """{"id":3,"bank":{"iban":"DE89370400440532013000","bic":"COBADEFFXXX"}}""");

        Assert.Equal(new PaymentInstructions(Iban: "AT61 1904 3002 3457 3201"), twoAccounts.Payment);
        Assert.Equal(new PaymentInstructions(Iban: "AT611904300234573201", Bic: "BKAUATWW"), sameAccount.Payment);
        Assert.Equal(new PaymentInstructions(Iban: "DE89370400440532013000", Bic: "COBADEFFXXX"), onlyBank.Payment);
    }

    [Theory]
    [InlineData("Thomas-Klestil-Platz 14, 1030 Wien", "Thomas-Klestil-Platz 14", null, "1030", "Wien")]
    [InlineData("c/o Huber, Landstraße 12, A-4020 Linz", "c/o Huber", "Landstraße 12", "A-4020", "Linz")]
    [InlineData("Broad Street 12, Monrovia", "Broad Street 12, Monrovia", null, null, null)]
    [InlineData("Graben 21 1010 Wien", "Graben 21 1010 Wien", null, null, null)]
    public void AddressText_SplitsStreetPostCodeAndCity_OnlyWhenTheShapeIsClear(string text, string line1, string? line2, string? postalCode, string? city)
    {
        var invoice = Normalize(""" "issuer": { "address": { "text": "address", "country": "country" } } """,
            $$"""{"id":1,"address":"{{text}}","country":"AT"}""");

        Assert.Equal(new PostalAddress(line1, line2, postalCode, city, "AT"), invoice.Issuer?.Address);
    }

    [Fact]
    public void Multiply_IntoAQuantity_KeepsEveryDecimal()
    {
        var invoice = Normalize(""" "lines": { "path": "items", "fields": { "quantity": { "convert": "multiply", "of": ["packs", "perPack"] } } } """,
            """{"id":1,"items":[{"packs":1.5,"perPack":0.333}]}""");

        Assert.Equal("0.4995", invoice.Lines[0].Quantity?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void CountriesAndOrganizationNumbers_FollowTheSharedRules()
    {
        var invoice = Normalize("""
            "issuer": { "organizationNumber": "org", "address": { "country": "c1" } },
            "recipient": { "organizationNumber": "buyerOrg", "address": { "country": "c2" } },
            "deliveryAddress": { "country": "c3" }
            """, """{"id":1,"org":"NO 918713867 MVA","c1":"UK","buyerOrg":"976 967 631","c2":"LBR","c3":"Atlantis"}""");
        var aland = Normalize(""" "recipient": { "organizationNumber": "o", "address": { "country": "c" } } """,
            """{"id":2,"o":"976 967 631","c":"Åland"}""");
        var norway = Normalize(""" "recipient": { "organizationNumber": "o", "address": { "country": "c" } } """,
            """{"id":3,"o":"976 967 631","c":"NORGE"}""");

        Assert.Equal(("918713867", "0192", "NO918713867MVA", "GB"),
            (invoice.Issuer!.OrganizationNumber, invoice.Issuer.OrganizationScheme, invoice.Issuer.VatNumber, invoice.Issuer.Address!.Country));
        Assert.Equal(("976967631", null, "LR"), (invoice.Recipient!.OrganizationNumber, invoice.Recipient.OrganizationScheme, invoice.Recipient.Address!.Country));
        Assert.Equal("Atlantis", invoice.DeliveryAddress!.Country);
        Assert.Equal(WarningCodes.CountryUnknown, Assert.Single(invoice.Warnings).Code);
        Assert.Equal("AX", aland.Recipient!.Address!.Country);
        Assert.Equal(("976967631", "0192"), (norway.Recipient!.OrganizationNumber, norway.Recipient.OrganizationScheme));
    }

    [Fact]
    public void SharedChecks_CreditNotesPositive_LineAndLinesMismatch()
    {
        var invoice = Normalize("""
            "kind": { "path": "type", "convert": "valueMap", "map": { "credit": "creditNote" }, "default": "invoice" },
            "totals": { "net": "net", "gross": "gross" },
            "lines": { "path": "items", "fields": { "quantity": "qty", "unitPrice": "price", "discountPercent": "discount", "net": "net" } }
            """, """{"id":1,"net":22.22,"gross":27.78,"items":[{"qty":3,"price":40.40,"discount":10,"net":121.2},{"qty":1,"price":10,"net":10}]}""");
        var credit = Normalize("""
            "kind": { "path": "type", "convert": "valueMap", "map": { "credit": "creditNote" }, "default": "invoice" },
            "totals": { "net": "net", "tax": "tax" },
            "lines": { "path": "items", "fields": { "quantity": "qty", "unitPrice": "price", "net": "net" } }
            """, """{"id":2,"type":"credit","net":-200.00,"tax":-50.00,"items":[{"qty":2,"price":-100.00,"net":-200.00}]}""");

        Assert.Equal([WarningCodes.LineMismatch, WarningCodes.LinesMismatch], invoice.Warnings.Select(w => w.Code));
        Assert.Equal(new InvoiceTotals(Net: 22.22m, Tax: 5.56m, Gross: 27.78m), invoice.Totals);
        Assert.Equal(new InvoiceTotals(Net: 200.00m, Tax: 50.00m, Gross: 250.00m), credit.Totals);
        Assert.Equal((2m, 100.00m, 200.00m), (credit.Lines[0].Quantity!.Value, credit.Lines[0].UnitPrice!.Value, credit.Lines[0].Net!.Value));
        Assert.Empty(credit.Warnings);
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
        InvoiceDirection? sourceDirection = null,
        string? defaultCurrency = "EUR")
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
            mapping.DefaultCurrency ?? defaultCurrency,
            mapping.DefaultDirection ?? InvoiceDirection.Payable));
    }
}
