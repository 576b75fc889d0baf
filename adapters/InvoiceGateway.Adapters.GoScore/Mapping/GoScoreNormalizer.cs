using System.Text.Json;
using InvoiceGateway.Adapters.GoScore.Payload;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.GoScore.Mapping;

/// <summary>Turns one GoScore list entry into a canonical invoice; throws when the entry is unusable.</summary>
internal sealed class GoScoreNormalizer(SourceSettings settings)
{
    public Invoice Normalize(JsonElement entry)
    {
        var payload = UpstreamJson.Deserialize<GoScoreInvoicePayload>(entry);
        if (string.IsNullOrWhiteSpace(payload.Id))
        {
            throw new UpstreamException("the invoice has no 'id'.");
        }

        var state = new NormalizationState(settings);
        var invoice = GoScoreMapping.Mapper.Map<GoScoreInvoicePayload, Invoice>(payload, o => o.State = state);
        return InvoiceRules.Finish(invoice, state.Values, RawJson.Of(entry));
    }
}
