using System.Xml.Linq;
using InvoiceGateway.Contracts;
using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Ubl;

/// <summary>
/// Writes an <see cref="EInvoiceDocument"/> as an OASIS UBL 2.1 <c>Invoice</c> (type code 380) or <c>CreditNote</c> (381)
/// following Peppol BIS Billing 3.0. One method per business group, in the order the UBL schema requires; a term the
/// document lacks is left out (<see cref="XContainer.Add(object)"/> skips <c>null</c>), never filled in.
/// </summary>
internal sealed class UblWriter
{
    private static readonly XNamespace Cac = UblNames.Cac;
    private static readonly XNamespace Cbc = UblNames.Cbc;

    private readonly EInvoiceDocument document;
    private readonly bool creditNote;

    private UblWriter(EInvoiceDocument document)
    {
        this.document = document;
        creditNote = document.Kind == InvoiceKind.CreditNote;
    }

    public static XDocument Write(EInvoiceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var writer = new UblWriter(document);
        var ns = writer.creditNote ? UblNames.CreditNote : UblNames.Invoice;
        var root = new XElement(ns + (writer.creditNote ? "CreditNote" : "Invoice"),
            new XAttribute(XNamespace.Xmlns + "cac", UblNames.Cac),
            new XAttribute(XNamespace.Xmlns + "cbc", UblNames.Cbc),
            writer.ProcessControl(),
            writer.Header(),
            writer.InvoicingPeriod(),
            writer.OrderReference(),
            new XElement(Cac + "AccountingSupplierParty", writer.Seller()),
            new XElement(Cac + "AccountingCustomerParty", writer.Buyer()),
            writer.DeliveryInformation(),
            writer.PaymentInstructions(),
            writer.PaymentTerms(),
            writer.VatBreakdown(),
            writer.DocumentTotals(),
            writer.document.Lines.Select(writer.InvoiceLine));
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), root);
    }

    /// <summary>BG-2 process control: BT-24 specification identifier, BT-23 business process type.</summary>
    private IEnumerable<XElement> ProcessControl() =>
    [
        new(Cbc + "CustomizationID", UblNames.CustomizationId),
        new(Cbc + "ProfileID", UblNames.ProfileId),
    ];

    /// <summary>BT-1 number, BT-2 issue date, BT-9 due date (an invoice's; a credit note's is in BG-16), BT-3 type code,
    /// BT-22 note, BT-5 currency, BT-10 buyer reference.</summary>
    private IEnumerable<XElement?> Header() =>
    [
        Basic("ID", document.Number),
        Basic("IssueDate", document.IssueDate),
        creditNote ? null : Basic("DueDate", document.DueDate),
        new(Cbc + (creditNote ? "CreditNoteTypeCode" : "InvoiceTypeCode"), creditNote ? "381" : "380"),
        Basic("Note", document.Note),
        Basic("DocumentCurrencyCode", document.Currency),
        Basic("BuyerReference", document.BuyerReference),
    ];

    /// <summary>BG-14 invoicing period: BT-73 start, BT-74 end.</summary>
    private XElement? InvoicingPeriod() =>
        document.Period is not { } period
            ? null
            : new XElement(Cac + "InvoicePeriod", Basic("StartDate", period.Start), Basic("EndDate", period.End));

    /// <summary>
    /// BT-13 purchase order reference and BT-14 sales order reference. UBL needs the purchase order as the reference's
    /// id, so a sales order alone is not written (Peppol would have the placeholder "NA" there).
    /// </summary>
    private XElement? OrderReference() =>
        document.PurchaseOrder is not { } purchaseOrder
            ? null
            : new XElement(Cac + "OrderReference", Basic("ID", purchaseOrder), Basic("SalesOrderID", document.SalesOrder));

    /// <summary>BG-4 seller: BT-27 name, BT-30 legal registration id, BT-31 VAT id, BG-5 postal address, BG-6 contact.</summary>
    private XElement Seller() => Party(document.Seller);

    /// <summary>BG-7 buyer: BT-44 name, BT-47 legal registration id, BT-48 VAT id, BG-8 postal address, BG-9 contact.</summary>
    private XElement Buyer() => Party(document.Buyer);

    private XElement Party(Party? party) =>
        new(Cac + "Party",
            party?.ElectronicAddress is { Value: { } endpoint } electronic
                ? Identifier("EndpointID", endpoint, electronic.Scheme)
                : null,
            party?.Address is { } address ? PostalAddress(address) : null,
            party?.VatNumber is { } vat
                ? new XElement(Cac + "PartyTaxScheme", Basic("CompanyID", vat), TaxScheme())
                : null,
            party?.Name is null && party?.OrganizationNumber is null
                ? null
                : new XElement(Cac + "PartyLegalEntity",
                    Basic("RegistrationName", party.Name),
                    Identifier("CompanyID", party.OrganizationNumber, OrganizationScheme(party))),
            // BT-42 / BT-57 is one contact telephone: the phone, else the mobile.
            party is null || ((party.Phone ?? party.Mobile) is null && party.Email is null)
                ? null
                : new XElement(Cac + "Contact", Basic("Telephone", party.Phone ?? party.Mobile), Basic("ElectronicMail", party.Email)));

    /// <summary>BG-5 / BG-8 postal address: street (BT-35/50), additional street (BT-36/51), city (BT-37/52), post code (BT-38/53), country (BT-40/55).</summary>
    private static XElement PostalAddress(PostalAddress address) => Address("PostalAddress", address);

    private static XElement Address(string name, PostalAddress address) =>
        new(Cac + name,
            Basic("StreetName", address.Line1),
            Basic("AdditionalStreetName", address.Line2),
            Basic("CityName", address.City),
            Basic("PostalZone", address.PostalCode),
            address.Country is { } country ? new XElement(Cac + "Country", Basic("IdentificationCode", country)) : null);

    /// <summary>BG-13 delivery information: BT-72 actual delivery date, BG-15 deliver to address (BT-75 to BT-80).</summary>
    private XElement? DeliveryInformation() =>
        document.DeliveryDate is null && document.DeliveryAddress is null
            ? null
            : new XElement(Cac + "Delivery",
                Basic("ActualDeliveryDate", document.DeliveryDate),
                document.DeliveryAddress is { } address
                    ? new XElement(Cac + "DeliveryLocation", Address("Address", address))
                    : null);

    /// <summary>
    /// BG-16 payment instructions: BT-81 means (30, credit transfer, when an account is given; else 1, not defined),
    /// BT-9 due date of a credit note, BT-83 remittance information (e.g. KID), BG-17 BT-84 account (IBAN, else the
    /// domestic account number) and BT-86 BIC (only with the IBAN it belongs to).
    /// </summary>
    private XElement? PaymentInstructions()
    {
        var payment = document.Payment;
        var account = payment?.Iban ?? payment?.AccountNumber;
        if (account is null && payment?.Reference is null)
        {
            return null;
        }

        return new XElement(Cac + "PaymentMeans",
            Basic("PaymentMeansCode", account is null ? "1" : "30"),
            creditNote ? Basic("PaymentDueDate", document.DueDate) : null,
            Basic("PaymentID", payment?.Reference),
            account is null
                ? null
                : new XElement(Cac + "PayeeFinancialAccount",
                    Basic("ID", account),
                    payment?.Iban is not null && payment.Bic is { } bic
                        ? new XElement(Cac + "FinancialInstitutionBranch", Basic("ID", bic))
                        : null));
    }

    /// <summary>BT-20 payment terms.</summary>
    private XElement? PaymentTerms() =>
        document.PaymentTerms is not { } terms ? null : new XElement(Cac + "PaymentTerms", Basic("Note", terms));

    /// <summary>BT-110 total VAT and BG-23 VAT breakdown: BT-116 taxable amount, BT-117 tax amount, BT-118 category, BT-119 rate.
    /// Without the total VAT amount UBL has no place for the breakdown, so neither is written.</summary>
    private XElement? VatBreakdown() =>
        document.TaxTotal is not { } tax
            ? null
            : new XElement(Cac + "TaxTotal",
                Amount("TaxAmount", tax),
                document.VatBreakdown.Select(row => new XElement(Cac + "TaxSubtotal",
                    Amount("TaxableAmount", row.TaxableAmount),
                    Amount("TaxAmount", row.TaxAmount),
                    TaxCategory("TaxCategory", row.Category))));

    /// <summary>BG-22 document totals: BT-106 line total, BT-109 without VAT, BT-112 with VAT, BT-113 paid, BT-115 due.</summary>
    private XElement DocumentTotals() =>
        new(Cac + "LegalMonetaryTotal",
            Amount("LineExtensionAmount", document.LineNetTotal),
            Amount("TaxExclusiveAmount", document.TaxExclusiveTotal),
            Amount("TaxInclusiveAmount", document.TaxInclusiveTotal),
            Amount("PrepaidAmount", document.PaidAmount),
            Amount("PayableAmount", document.AmountDue));

    /// <summary>
    /// BG-25 invoice line: BT-126 id, BT-129 quantity with BT-130 unit, BT-131 net amount, BG-27 line allowance (the
    /// discount), BG-31 item (BT-153 name, BT-155 seller's id, BG-30 BT-151 category and BT-152 rate), BG-29 BT-146 net price.
    /// </summary>
    private XElement InvoiceLine(DocumentLine line) =>
        new(Cac + (creditNote ? "CreditNoteLine" : "InvoiceLine"),
            Basic("ID", line.Id),
            line.Quantity is { } quantity
                ? new XElement(Cbc + (creditNote ? "CreditedQuantity" : "InvoicedQuantity"),
                    line.Unit is { } unit ? new XAttribute("unitCode", unit) : null,
                    UblValues.Number(quantity))
                : null,
            Amount("LineExtensionAmount", line.Net),
            LineDiscount(line),
            new XElement(Cac + "Item",
                Basic("Name", line.Name),
                line.SellerItemId is { } code ? new XElement(Cac + "SellersItemIdentification", Basic("ID", code)) : null,
                line.Category is { } category ? TaxCategory("ClassifiedTaxCategory", category) : null),
            line.UnitPrice is { } price ? new XElement(Cac + "Price", Amount("PriceAmount", price)) : null);

    /// <summary>BG-27 line allowance for a percentage discount: BT-136 amount, BT-137 base, BT-138 percentage, BT-140 reason code 95 (discount).</summary>
    private XElement? LineDiscount(DocumentLine line)
    {
        if (line is not { DiscountPercent: { } percent, Quantity: { } quantity, UnitPrice: { } price })
        {
            return null;
        }

        var baseAmount = decimal.Round(quantity * price, 2, MidpointRounding.AwayFromZero);
        return new XElement(Cac + "AllowanceCharge",
            Basic("ChargeIndicator", "false"),
            Basic("AllowanceChargeReasonCode", "95"),
            Basic("MultiplierFactorNumeric", UblValues.Number(percent)),
            Amount("Amount", decimal.Round(baseAmount * percent / 100m, 2, MidpointRounding.AwayFromZero)),
            Amount("BaseAmount", baseAmount));
    }

    private static XElement TaxCategory(string name, VatCategory category) =>
        new(Cac + name,
            Basic("ID", category.Code),
            category.Rate is { } rate ? Basic("Percent", UblValues.Number(rate)) : null,
            TaxScheme());

    private static XElement TaxScheme() => new(Cac + "TaxScheme", Basic("ID", "VAT"));

    /// <summary>
    /// The ISO 6523 scheme of a party's organization number: the source's, else 0192 for a Norwegian one
    /// (Enhetsregisteret: a party in Norway with a nine-digit number).
    /// </summary>
    private static string? OrganizationScheme(Party party) =>
        party.OrganizationScheme
        ?? (party.Address?.Country == "NO" && party.OrganizationNumber is { Length: 9 } number && number.All(char.IsAsciiDigit)
            ? "0192"
            : null);

    private static XElement? Basic(string name, string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : new XElement(Cbc + name, value);

    private static XElement? Basic(string name, DateOnly? value) =>
        value is { } date ? new XElement(Cbc + name, UblValues.Date(date)) : null;

    private static XElement? Identifier(string name, string? value, string? scheme) =>
        string.IsNullOrWhiteSpace(value)
            ? null
            : new XElement(Cbc + name, scheme is null ? null : new XAttribute("schemeID", scheme), value);

    private XElement? Amount(string name, decimal? amount) =>
        amount is not { } value
            ? null
            : new XElement(Cbc + name,
                document.Currency is { } currency ? new XAttribute("currencyID", currency) : null,
                UblValues.Amount(value));
}
