using System.Text;
using System.Xml;
using System.Xml.Linq;
using InvoiceGateway.Contracts;
using InvoiceGateway.EInvoicing.Document;
using InvoiceGateway.EInvoicing.Rules;
using InvoiceGateway.EInvoicing.Ubl;

namespace InvoiceGateway.EInvoicing;

/// <summary>
/// Exports a canonical invoice as an OASIS UBL 2.1 document following Peppol BIS Billing 3.0, and checks it against the
/// EN 16931 business rules that can be checked on the canonical invoice (SPEC §9).
/// </summary>
public static class UblExport
{
    /// <summary>Whether the invoice is a document EN 16931 describes: an invoice or a credit note, not a reminder.</summary>
    public static bool CanExport(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Kind is InvoiceKind.Invoice or InvoiceKind.CreditNote;
    }

    /// <summary>The EN 16931 verdict on the invoice, its owner's side completed with <paramref name="owner"/>.</summary>
    public static En16931Report Check(Invoice invoice, Party? owner = null)
    {
        EnsureExportable(invoice);
        return En16931Rules.Check(EInvoiceDocument.From(invoice, owner));
    }

    /// <summary>The UBL document and the verdict on it, its owner's side completed with <paramref name="owner"/>.</summary>
    public static UblDocument Export(Invoice invoice, Party? owner = null)
    {
        EnsureExportable(invoice);
        var document = EInvoiceDocument.From(invoice, owner);
        return new UblDocument(UblWriter.Write(document), En16931Rules.Check(document));
    }

    private static void EnsureExportable(Invoice invoice)
    {
        if (!CanExport(invoice))
        {
            throw new ArgumentException($"A {invoice.Kind} is not an invoice or credit note: EN 16931 does not describe it.", nameof(invoice));
        }
    }
}

/// <summary>An exported UBL document and the EN 16931 verdict on it.</summary>
/// <param name="Xml">The UBL 2.1 <c>Invoice</c> or <c>CreditNote</c>.</param>
/// <param name="Report">The EN 16931 verdict on the same document.</param>
public sealed record UblDocument(XDocument Xml, En16931Report Report)
{
    /// <summary>The document as UTF-8 bytes (no byte order mark), indented.</summary>
    public byte[] ToUtf8()
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            Xml.Save(writer);
        }

        return stream.ToArray();
    }
}
