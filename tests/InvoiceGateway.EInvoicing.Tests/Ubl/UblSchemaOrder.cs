namespace InvoiceGateway.EInvoicing.Tests.Ubl;

/// <summary>
/// The child sequences of the OASIS UBL 2.1 schema (UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd,
/// UBL-CommonAggregateComponents-2.1.xsd) for the elements the writer produces, restricted to the children it can
/// write: name, and whether the schema allows more than one. Written down here so that the tests need no schema file.
/// </summary>
internal static class UblSchemaOrder
{
    public sealed record Child(string Name, bool Many = false, bool Required = false);

    public static readonly IReadOnlyDictionary<string, Child[]> Sequences = new Dictionary<string, Child[]>
    {
        ["Invoice"] =
        [
            new("CustomizationID"), new("ProfileID"), new("ID", Required: true), new("IssueDate", Required: true), new("DueDate"),
            new("InvoiceTypeCode"), new("Note", Many: true), new("DocumentCurrencyCode"), new("BuyerReference"),
            new("InvoicePeriod", Many: true), new("OrderReference"), new("AccountingSupplierParty", Required: true),
            new("AccountingCustomerParty", Required: true), new("Delivery", Many: true), new("PaymentMeans", Many: true),
            new("PaymentTerms", Many: true), new("TaxTotal", Many: true), new("LegalMonetaryTotal", Required: true),
            new("InvoiceLine", Many: true, Required: true),
        ],
        ["CreditNote"] =
        [
            new("CustomizationID"), new("ProfileID"), new("ID", Required: true), new("IssueDate", Required: true),
            new("CreditNoteTypeCode"), new("Note", Many: true), new("DocumentCurrencyCode"), new("BuyerReference"),
            new("InvoicePeriod", Many: true), new("OrderReference"), new("AccountingSupplierParty", Required: true),
            new("AccountingCustomerParty", Required: true), new("Delivery", Many: true), new("PaymentMeans", Many: true),
            new("PaymentTerms", Many: true), new("TaxTotal", Many: true), new("LegalMonetaryTotal", Required: true),
            new("CreditNoteLine", Many: true, Required: true),
        ],
        ["InvoicePeriod"] = [new("StartDate"), new("EndDate")],
        ["OrderReference"] = [new("ID", Required: true), new("SalesOrderID")],
        ["AccountingSupplierParty"] = [new("Party")],
        ["AccountingCustomerParty"] = [new("Party")],
        ["Party"] =
        [
            new("EndpointID"), new("PartyIdentification", Many: true), new("PartyName", Many: true), new("PostalAddress"),
            new("PartyTaxScheme", Many: true), new("PartyLegalEntity", Many: true), new("Contact"),
        ],
        ["PostalAddress"] =
        [
            new("StreetName"), new("AdditionalStreetName"), new("CityName"), new("PostalZone"), new("CountrySubentity"),
            new("AddressLine", Many: true), new("Country"),
        ],
        ["Address"] =
        [
            new("StreetName"), new("AdditionalStreetName"), new("CityName"), new("PostalZone"), new("CountrySubentity"),
            new("AddressLine", Many: true), new("Country"),
        ],
        ["DeliveryLocation"] = [new("ID"), new("Address")],
        ["Country"] = [new("IdentificationCode")],
        ["PartyTaxScheme"] = [new("CompanyID"), new("TaxScheme", Required: true)],
        ["PartyLegalEntity"] = [new("RegistrationName"), new("CompanyID")],
        ["Contact"] = [new("Name"), new("Telephone"), new("ElectronicMail")],
        ["Delivery"] = [new("ActualDeliveryDate"), new("DeliveryLocation")],
        ["PaymentMeans"] =
        [
            new("PaymentMeansCode", Required: true), new("PaymentDueDate"), new("PaymentID", Many: true), new("PayeeFinancialAccount"),
        ],
        ["PayeeFinancialAccount"] = [new("ID"), new("Name"), new("FinancialInstitutionBranch")],
        ["FinancialInstitutionBranch"] = [new("ID")],
        ["PaymentTerms"] = [new("Note", Many: true)],
        ["TaxTotal"] = [new("TaxAmount", Required: true), new("TaxSubtotal", Many: true)],
        ["TaxSubtotal"] = [new("TaxableAmount"), new("TaxAmount", Required: true), new("TaxCategory", Required: true)],
        ["TaxCategory"] = [new("ID"), new("Percent"), new("TaxExemptionReason", Many: true), new("TaxScheme", Required: true)],
        ["ClassifiedTaxCategory"] = [new("ID"), new("Percent"), new("TaxScheme", Required: true)],
        ["TaxScheme"] = [new("ID")],
        ["LegalMonetaryTotal"] =
        [
            new("LineExtensionAmount"), new("TaxExclusiveAmount"), new("TaxInclusiveAmount"), new("AllowanceTotalAmount"),
            new("ChargeTotalAmount"), new("PrepaidAmount"), new("PayableRoundingAmount"), new("PayableAmount", Required: true),
        ],
        ["InvoiceLine"] =
        [
            new("ID", Required: true), new("Note", Many: true), new("InvoicedQuantity"), new("LineExtensionAmount", Required: true),
            new("AllowanceCharge", Many: true), new("Item", Required: true), new("Price"),
        ],
        ["CreditNoteLine"] =
        [
            new("ID", Required: true), new("Note", Many: true), new("CreditedQuantity"), new("LineExtensionAmount"),
            new("AllowanceCharge", Many: true), new("Item"), new("Price"),
        ],
        ["AllowanceCharge"] =
        [
            new("ChargeIndicator", Required: true), new("AllowanceChargeReasonCode"), new("AllowanceChargeReason", Many: true),
            new("MultiplierFactorNumeric"), new("Amount", Required: true), new("BaseAmount"),
        ],
        ["Item"] =
        [
            new("Description", Many: true), new("Name"), new("SellersItemIdentification"), new("ClassifiedTaxCategory", Many: true),
        ],
        ["SellersItemIdentification"] = [new("ID", Required: true)],
        ["Price"] = [new("PriceAmount", Required: true)],
    };
}
