using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Adapters.Sendcloud.Payload;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Sendcloud.Mapping;

/// <summary>Turns one Sendcloud invoice object into a canonical invoice; throws when it is unusable.</summary>
internal sealed class SendcloudNormalizer(SourceSettings settings)
{
    public Invoice Normalize(JsonElement entry)
    {
        var payload = UpstreamJson.Deserialize<SendcloudInvoicePayload>(entry);
        if (string.IsNullOrWhiteSpace(payload.Id))
        {
            throw new UpstreamException("the invoice has no 'id'.");
        }

        var state = new NormalizationState(settings);
        var invoice = SendcloudMapping.Mapper.Map<SendcloudInvoicePayload, Invoice>(payload, o => o.State = state);
        return InvoiceRules.Finish(invoice, state.Values, RawJson.Of(entry));
    }
}
