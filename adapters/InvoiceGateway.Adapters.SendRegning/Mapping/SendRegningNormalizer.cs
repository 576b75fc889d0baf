using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Adapters.SendRegning.Payload;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Mapping;

/// <summary>Turns one SendRegning invoice object into a canonical invoice; throws when it is unusable.</summary>
internal sealed class SendRegningNormalizer(SourceSettings settings)
{
    public Invoice Normalize(JsonElement entry)
    {
        var payload = SendRegningPayloadReader.Read(entry);
        if (string.IsNullOrWhiteSpace(payload.Number))
        {
            throw new UpstreamException("the invoice has no 'number'.");
        }

        var values = new UpstreamValues();
        var invoice = SendRegningInvoiceMap.Map(payload, settings, values);
        // Signs first (a credit note sent negative), then the status from the amounts as on the document.
        return InvoiceRules.Finish(invoice, values, RawJson.Of(entry), Status);
    }

    /// <summary>
    /// Nothing due → paid; something but less than the gross due → partially paid; otherwise open
    /// (whether it is overdue is computed when served).
    /// </summary>
    internal static InvoiceStatus Status(InvoiceTotals totals) => totals switch
    {
        { Due: 0m } => InvoiceStatus.Paid,
        { Due: > 0m and var due, Gross: { } gross } when due < gross => InvoiceStatus.PartiallyPaid,
        _ => InvoiceStatus.Open,
    };
}
