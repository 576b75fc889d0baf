using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.SendRegning.Payload;

/// <summary>
/// A SendRegning invoice as documented (camelCase names, read by <see cref="SendRegningPayloadReader"/>): mutable
/// structs filled field by field as the reader meets them, since a class per object was about 1.3 KB of the 6.8 KB
/// allocated per invoice.
/// Scalars are read as text so that amounts keep their scale and a value of the wrong type becomes an
/// <c>unparsed_value</c> warning instead of a rejected invoice; amounts and dates are kept as their tokens' bytes
/// (<see cref="UpstreamScalar"/>) and parsed from their UTF-8 by the map, without a string each.
/// </summary>
internal struct SendRegningInvoicePayload
{
    /// <summary>The invoice number, a JSON number in the documentation; the source id as well.</summary>
    public string? Number;

    /// <summary>True for a credit note.</summary>
    public string? Credit;

    public string? OrderNumber;

    public UpstreamScalar? InvoiceDate;

    public UpstreamScalar? DueDate;

    public UpstreamScalar? DeliveryDate;

    /// <summary>The day the order was placed.</summary>
    public UpstreamScalar? OrderDate;

    /// <summary>The day a payment reminder was sent.</summary>
    public UpstreamScalar? ReminderDate;

    public string? OurReference;

    public string? YourReference;

    public string? Kid;

    public UpstreamScalar? Tax;

    public UpstreamScalar? Total;

    /// <summary>What is still to be paid.</summary>
    public UpstreamScalar? CurrentBalance;

    public string? InvoiceText;

    public string? AccountNumber;

    public string? Currency;

    /// <summary>Where the goods or services were delivered (BG-15); its own shape: one <c>address</c> line.</summary>
    public SendRegningDeliveryAddressPayload? DeliveryAddress;

    public SendRegningPartyPayload? Originator;

    public SendRegningPartyPayload? Recipient;

    public SendRegningInternationalPayload? International;

    /// <summary>
    /// The <c>items</c> read, in this thread's scratch array (valid until the thread reads the next invoice), so that
    /// reading lines allocates nothing but the canonical lines; <c>null</c> when <c>items</c> was absent or null.
    /// </summary>
    public SendRegningItemPayload[]? Items;

    /// <summary>How many of <see cref="Items"/> are this invoice's.</summary>
    public int ItemCount;
}

/// <summary>The <c>originator</c> (seller) or <c>recipient</c> (buyer).</summary>
internal struct SendRegningPartyPayload
{
    public string? Name;

    public string? OrganisationNumber;

    public string? CustomerNumber;

    public string? Email;

    public string? Phone;

    public string? Mobile;

    public string? Web;

    public SendRegningAddressPayload? Address;

    /// <summary>The scheme of <see cref="OrganisationNumber"/> (the recipient's, for EHF): <c>0192</c> or Peppol's older <c>9908</c>.</summary>
    public string? Icd;
}

internal struct SendRegningDeliveryAddressPayload
{
    public string? Address;

    public string? Zip;

    public string? City;

    /// <summary>A country name such as <c>NORGE</c>.</summary>
    public string? Country;
}

internal struct SendRegningAddressPayload
{
    public string? Address1;

    public string? Address2;

    public string? Zip;

    public string? City;

    /// <summary>A country name such as <c>NORGE</c>.</summary>
    public string? Country;
}

internal struct SendRegningInternationalPayload
{
    public string? Iban;

    public string? Bic;
}

internal struct SendRegningItemPayload
{
    /// <summary>The line's position.</summary>
    public UpstreamScalar? Number;

    public UpstreamScalar? Quantity;

    public string? Unit;

    public string? ProductCode;

    public string? Description;

    public UpstreamScalar? UnitPrice;

    /// <summary>Discount in percent.</summary>
    public UpstreamScalar? Discount;

    public UpstreamScalar? TaxRate;

    /// <summary>The line amount with tax.</summary>
    public UpstreamScalar? Total;

    public UpstreamScalar? TotalWithoutTax;
}
