using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.SendRegning.Payload;

/// <summary>
/// A SendRegning invoice as documented (camelCase names, read by <see cref="SendRegningPayloadReader"/>).
/// Scalars are read as text so that amounts keep their scale and a value of the wrong type becomes an
/// <c>unparsed_value</c> warning instead of a rejected invoice; amounts and dates are kept as their tokens' bytes
/// (<see cref="UpstreamScalar"/>) and parsed from their UTF-8 by the map, without a string each.
/// </summary>
internal sealed record SendRegningInvoicePayload
{
    /// <summary>The invoice number, a JSON number in the documentation; the source id as well.</summary>
    public string? Number { get; init; }

    /// <summary>True for a credit note.</summary>
    public string? Credit { get; init; }

    public string? OrderNumber { get; init; }

    public UpstreamScalar? InvoiceDate { get; init; }

    public UpstreamScalar? DueDate { get; init; }

    public UpstreamScalar? DeliveryDate { get; init; }

    /// <summary>The day the order was placed.</summary>
    public UpstreamScalar? OrderDate { get; init; }

    /// <summary>The day a payment reminder was sent.</summary>
    public UpstreamScalar? ReminderDate { get; init; }

    public string? OurReference { get; init; }

    public string? YourReference { get; init; }

    public string? Kid { get; init; }

    public UpstreamScalar? Tax { get; init; }

    public UpstreamScalar? Total { get; init; }

    /// <summary>What is still to be paid.</summary>
    public UpstreamScalar? CurrentBalance { get; init; }

    public string? InvoiceText { get; init; }

    public string? AccountNumber { get; init; }

    public string? Currency { get; init; }

    /// <summary>Where the goods or services were delivered (BG-15); its own shape: one <c>address</c> line.</summary>
    public SendRegningDeliveryAddressPayload? DeliveryAddress { get; init; }

    public SendRegningPartyPayload? Originator { get; init; }

    public SendRegningPartyPayload? Recipient { get; init; }

    public SendRegningInternationalPayload? International { get; init; }

    public IReadOnlyList<SendRegningItemPayload>? Items { get; init; }
}

/// <summary>The <c>originator</c> (seller) or <c>recipient</c> (buyer).</summary>
internal sealed record SendRegningPartyPayload
{
    public string? Name { get; init; }

    public string? OrganisationNumber { get; init; }

    public string? CustomerNumber { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? Mobile { get; init; }

    public string? Web { get; init; }

    public SendRegningAddressPayload? Address { get; init; }

    /// <summary>The scheme of <see cref="OrganisationNumber"/> (the recipient's, for EHF): <c>0192</c> or Peppol's older <c>9908</c>.</summary>
    public string? Icd { get; init; }
}

internal sealed record SendRegningDeliveryAddressPayload
{
    public string? Address { get; init; }

    public string? Zip { get; init; }

    public string? City { get; init; }

    /// <summary>A country name such as <c>NORGE</c>.</summary>
    public string? Country { get; init; }
}

internal sealed record SendRegningAddressPayload
{
    public string? Address1 { get; init; }

    public string? Address2 { get; init; }

    public string? Zip { get; init; }

    public string? City { get; init; }

    /// <summary>A country name such as <c>NORGE</c>.</summary>
    public string? Country { get; init; }
}

internal sealed record SendRegningInternationalPayload
{
    public string? Iban { get; init; }

    public string? Bic { get; init; }
}

internal sealed record SendRegningItemPayload
{
    /// <summary>The line's position.</summary>
    public UpstreamScalar? Number { get; init; }

    public UpstreamScalar? Quantity { get; init; }

    public string? Unit { get; init; }

    public string? ProductCode { get; init; }

    public string? Description { get; init; }

    public UpstreamScalar? UnitPrice { get; init; }

    /// <summary>Discount in percent.</summary>
    public UpstreamScalar? Discount { get; init; }

    public UpstreamScalar? TaxRate { get; init; }

    /// <summary>The line amount with tax.</summary>
    public UpstreamScalar? Total { get; init; }

    public UpstreamScalar? TotalWithoutTax { get; init; }
}
