using System.Xml;
using System.Xml.Linq;
using InvoiceGateway.Contracts;
using InvoiceGateway.EInvoicing.Ubl;

namespace InvoiceGateway.EInvoicing.Tests.Ubl;

public class UblDocumentTests
{
    private static readonly XNamespace Cac = UblNames.Cac;
    private static readonly XNamespace Cbc = UblNames.Cbc;

    [Theory]
    [InlineData(InvoiceKind.Invoice, "Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", "InvoiceTypeCode", "380")]
    [InlineData(InvoiceKind.CreditNote, "CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", "CreditNoteTypeCode", "381")]
    public void Export_WritesTheDocumentOfItsKind_InTheUblNamespaces(InvoiceKind kind, string root, string ns, string typeCode, string code)
    {
        var xml = Read(UblExport.Export(Invoices.Complete(kind)).ToUtf8());

        Assert.Equal(XName.Get(root, ns), xml.Root!.Name);
        Assert.Equal(code, xml.Root.Element(Cbc + typeCode)?.Value);
        Assert.Equal("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", xml.Root.Element(Cbc + "CustomizationID")?.Value);
        Assert.Equal("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", xml.Root.Element(Cbc + "ProfileID")?.Value);
        Assert.All(xml.Root.Descendants(), e => Assert.Contains(e.Name.Namespace, new[] { Cac, Cbc }));
    }

    [Theory]
    [InlineData(InvoiceKind.Invoice)]
    [InlineData(InvoiceKind.CreditNote)]
    public void Export_WritesElementsInSchemaOrder_WithTheirCardinality(InvoiceKind kind)
    {
        var xml = Read(UblExport.Export(Invoices.Complete(kind)).ToUtf8());

        var checkedElements = 0;
        foreach (var element in xml.Root!.DescendantsAndSelf().Where(e => e.HasElements))
        {
            Assert.True(UblSchemaOrder.Sequences.TryGetValue(element.Name.LocalName, out var sequence), $"no schema sequence for {element.Name.LocalName}");
            var position = -1;
            foreach (var child in element.Elements())
            {
                var index = Array.FindIndex(sequence, c => c.Name == child.Name.LocalName);
                Assert.True(index >= 0, $"{child.Name.LocalName} is not a child of {element.Name.LocalName} in UBL 2.1");
                Assert.True(index >= position, $"{child.Name.LocalName} comes too late in {element.Name.LocalName}");
                position = index;
            }

            foreach (var child in sequence)
            {
                var count = element.Elements().Count(e => e.Name.LocalName == child.Name);
                Assert.True(child.Many || count <= 1, $"{child.Name} occurs {count} times in {element.Name.LocalName}");
                Assert.True(!child.Required || count >= 1, $"{element.Name.LocalName} lacks its mandatory {child.Name}");
            }

            checkedElements++;
        }

        Assert.True(checkedElements > 30, $"only {checkedElements} elements checked");
    }

    [Fact]
    public void Export_OfACreditNote_KeepsAmountsPositive_AndPutsTheDueDateInThePaymentInstructions()
    {
        var xml = UblExport.Export(Invoices.Complete(InvoiceKind.CreditNote)).Xml;

        var amounts = xml.Descendants().Where(e => e.Attribute("currencyID") is not null).Select(e => decimal.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(amounts, a => Assert.True(a >= 0));
        Assert.Equal("2910.00", xml.Root!.Element(Cac + "LegalMonetaryTotal")!.Element(Cbc + "PayableAmount")!.Value);
        Assert.Null(xml.Root.Element(Cbc + "DueDate"));
        Assert.Equal("2026-11-16", xml.Root.Element(Cac + "PaymentMeans")!.Element(Cbc + "PaymentDueDate")!.Value);
        Assert.Equal(3, xml.Root.Elements(Cac + "CreditNoteLine").Count());
    }

    [Fact]
    public void Export_WritesNorwegianOrganizationNumbersWithScheme0192_AndVatIdentifiersInTheVatScheme()
    {
        var seller = UblExport.Export(Invoices.Complete()).Xml.Root!.Element(Cac + "AccountingSupplierParty")!.Element(Cac + "Party")!;

        var legal = seller.Element(Cac + "PartyLegalEntity")!;
        Assert.Equal("Nordlys Regnskap AS", legal.Element(Cbc + "RegistrationName")!.Value);
        Assert.Equal("913456782", legal.Element(Cbc + "CompanyID")!.Value);
        Assert.Equal("0192", legal.Element(Cbc + "CompanyID")!.Attribute("schemeID")!.Value);
        var tax = seller.Element(Cac + "PartyTaxScheme")!;
        Assert.Equal("NO913456782MVA", tax.Element(Cbc + "CompanyID")!.Value);
        Assert.Equal("VAT", tax.Element(Cac + "TaxScheme")!.Element(Cbc + "ID")!.Value);
    }

    [Fact]
    public void Export_WritesElectronicAddressesPaymentTermsAndTheDeliverToAddress()
    {
        var root = UblExport.Export(Invoices.Complete()).Xml.Root!;

        var endpoint = root.Element(Cac + "AccountingCustomerParty")!.Element(Cac + "Party")!.Element(Cbc + "EndpointID")!;
        Assert.Equal(("0192", "998877665"), (endpoint.Attribute("schemeID")!.Value, endpoint.Value));
        Assert.Equal("14 dager netto", root.Element(Cac + "PaymentTerms")!.Element(Cbc + "Note")!.Value);
        var delivery = root.Element(Cac + "Delivery")!;
        Assert.Equal("2026-10-30", delivery.Element(Cbc + "ActualDeliveryDate")!.Value);
        Assert.Equal("Kaiveien 7", delivery.Element(Cac + "DeliveryLocation")!.Element(Cac + "Address")!.Element(Cbc + "StreetName")!.Value);
    }

    [Fact]
    public void Export_CategorizesKnownRatesAsStandardRated_AndBreaksVatDownPerRate()
    {
        var xml = UblExport.Export(Invoices.Complete()).Xml;

        var categories = xml.Descendants(Cac + "ClassifiedTaxCategory").Select(c => (c.Element(Cbc + "ID")!.Value, c.Element(Cbc + "Percent")!.Value));
        Assert.Equal([("S", "25"), ("S", "25"), ("S", "15")], categories);
        var breakdown = xml.Descendants(Cac + "TaxSubtotal").Select(s => (
            s.Element(Cbc + "TaxableAmount")!.Value, s.Element(Cbc + "TaxAmount")!.Value, s.Element(Cac + "TaxCategory")!.Element(Cbc + "Percent")!.Value));
        Assert.Equal([("1500.00", "375.00", "25"), ("900.00", "135.00", "15")], breakdown);
    }

    [Fact]
    public void Export_WritesALineDiscountAsALineAllowance()
    {
        var line = UblExport.Export(Invoices.Complete()).Xml.Descendants(Cac + "InvoiceLine").Last();

        var allowance = line.Element(Cac + "AllowanceCharge")!;
        Assert.Equal("false", allowance.Element(Cbc + "ChargeIndicator")!.Value);
        Assert.Equal("95", allowance.Element(Cbc + "AllowanceChargeReasonCode")!.Value);
        Assert.Equal("100.00", allowance.Element(Cbc + "Amount")!.Value);
        Assert.Equal("1000.00", allowance.Element(Cbc + "BaseAmount")!.Value);
        Assert.Equal("900.00", line.Element(Cbc + "LineExtensionAmount")!.Value);
        Assert.Equal("H87", line.Element(Cbc + "InvoicedQuantity")!.Attribute("unitCode")!.Value);
    }

    [Fact]
    public void Export_LeavesOutWhatTheSourceDidNotGive_WithoutPlaceholders()
    {
        var thin = Invoices.Complete() with
        {
            Number = null,
            IssueDate = null,
            Status = InvoiceStatus.Paid,
            Issuer = new Party { Name = "EnterCard Kredittkort", OrganizationNumber = "918713867" },
            Payment = null,
            References = InvoiceReferences.Empty,
            Period = null,
            Totals = new InvoiceTotals(Gross: 463.0m, Due: 0),
            Lines = [new InvoiceLine { Description = "Kortkonto", Gross = 463.0m }],
        };

        var export = UblExport.Export(thin);
        var root = export.Xml.Root!;

        Assert.Null(root.Element(Cbc + "ID"));
        Assert.Null(root.Element(Cbc + "IssueDate"));
        Assert.Null(root.Element(Cac + "TaxTotal"));
        Assert.Null(root.Element(Cac + "OrderReference"));
        Assert.Null(root.Element(Cac + "PaymentMeans"));
        var seller = root.Element(Cac + "AccountingSupplierParty")!.Element(Cac + "Party")!;
        Assert.Null(seller.Element(Cac + "PostalAddress"));
        Assert.Null(seller.Element(Cac + "PartyTaxScheme"));
        Assert.Null(seller.Element(Cac + "PartyLegalEntity")!.Element(Cbc + "CompanyID")!.Attribute("schemeID")); // no country: scheme unknown
        var line = root.Element(Cac + "InvoiceLine")!;
        Assert.Null(line.Element(Cbc + "InvoicedQuantity"));
        Assert.Null(line.Element(Cbc + "LineExtensionAmount"));
        Assert.Null(line.Element(Cac + "Price"));
        Assert.Null(line.Element(Cac + "Item")!.Element(Cac + "ClassifiedTaxCategory"));
        Assert.Equal("1", line.Element(Cbc + "ID")!.Value); // the line's place in the document
        Assert.All(root.Descendants().Where(e => !e.HasElements), e => Assert.False(string.IsNullOrWhiteSpace(e.Value), $"{e.Name.LocalName} is empty"));
        Assert.DoesNotContain(root.Descendants(), e => e.Value is "N/A" or "NA" or "0000-00-00");
        Assert.Equal(
            ["BR-02", "BR-03", "BR-08", "BR-12", "BR-13", "BR-22", "BR-23", "BR-24", "BR-26", "BR-27", "BR-CO-04", "BR-CO-10", "BR-CO-13", "BR-CO-15", "BR-CO-18"],
            export.Report.FailedRuleIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Export_WritesAmountsAsTheSourceGaveThem_DroppingOnlyZerosPastTheCents()
    {
        var invoice = Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Gross = 2910.000m, Due = 2910.0m } };

        var totals = UblExport.Export(invoice).Xml.Root!.Element(Cac + "LegalMonetaryTotal")!;

        Assert.Equal("2910.00", totals.Element(Cbc + "TaxInclusiveAmount")!.Value);
        Assert.Equal("2910.0", totals.Element(Cbc + "PayableAmount")!.Value);
        Assert.Equal("NOK", totals.Element(Cbc + "PayableAmount")!.Attribute("currencyID")!.Value);
    }

    [Fact]
    public void Export_OfAReminder_IsRefused()
    {
        var reminder = Invoices.Complete() with { Kind = InvoiceKind.Reminder };

        Assert.False(UblExport.CanExport(reminder));
        Assert.Throws<ArgumentException>(() => UblExport.Export(reminder));
    }

    private static XDocument Read(byte[] utf8)
    {
        // Well-formed: a conforming XML reader reads it back without error.
        using var stream = new MemoryStream(utf8);
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XDocument.Load(reader);
    }
}
