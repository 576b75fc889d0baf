using InvoiceGateway.Contracts;

namespace InvoiceGateway.EInvoicing.Document;

/// <summary>
/// Completes the gateway owner's side of an invoice with the configured owner party (SPEC §9): the seller of a
/// receivable invoice, the buyer of a payable one. Sources often leave that side thin (no VAT id, no address); what the
/// source does say always wins, field by field.
/// </summary>
internal static class OwnerSide
{
    public static (Party? Seller, Party? Buyer) Parties(Invoice invoice, Party? owner) =>
        invoice.Direction == InvoiceDirection.Receivable
            ? (Complete(invoice.Issuer, owner), invoice.Recipient)
            : (invoice.Issuer, Complete(invoice.Recipient, owner));

    /// <summary>The source's party with every value it lacks taken from the owner's.</summary>
    public static Party? Complete(Party? source, Party? owner)
    {
        if (owner is null)
        {
            return source;
        }

        if (source is null)
        {
            return owner;
        }

        return source with
        {
            Name = source.Name ?? owner.Name,
            // A number and its scheme belong together: the owner's scheme only comes with the owner's number.
            OrganizationNumber = source.OrganizationNumber ?? owner.OrganizationNumber,
            OrganizationScheme = source.OrganizationNumber is null ? owner.OrganizationScheme : source.OrganizationScheme,
            VatNumber = source.VatNumber ?? owner.VatNumber,
            ElectronicAddress = source.ElectronicAddress ?? owner.ElectronicAddress,
            CustomerNumber = source.CustomerNumber ?? owner.CustomerNumber,
            Email = source.Email ?? owner.Email,
            // The source's mobile is the source's telephone too (the UBL contact has one): the owner's phone does not override it.
            Phone = source.Phone ?? (source.Mobile is null ? owner.Phone : null),
            Website = source.Website ?? owner.Website,

            // An address is taken whole: a street from one and a city from the other would describe no place.
            Address = source.Address ?? owner.Address,
        };
    }
}
