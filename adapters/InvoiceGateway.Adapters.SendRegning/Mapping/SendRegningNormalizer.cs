using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Adapters.SendRegning.Payload;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Mapping;

/// <summary>
/// Turns SendRegning invoice objects into canonical invoices, reading the body once with a <see cref="Utf8JsonReader"/>
/// (no <see cref="JsonDocument"/>: building and walking one was half of a SendRegning read,
/// bench/results/normalization-sendregning-2026-12-02.md). The outcome is what parsing the body first gave: any syntax
/// error in the body (found wherever it is, also after an entry that was left out or after the limit was reached) fails
/// the whole body as invalid JSON, and only then do a wrong kind of body or too many invoices fail it.
/// </summary>
internal sealed class SendRegningNormalizer(SourceSettings settings)
{
    private string Name => settings.Source.Name;

    private UpstreamLimits Limits => settings.Source.Limits;

    /// <summary>Reads a list page, a JSON array of invoice objects, into <paramref name="entries"/>: an entry that cannot be read is left out with a notice.</summary>
    public void ReadPage(HttpResponseMessage response, ReadOnlyMemory<byte> body, InvoiceEntries entries)
    {
        var reader = new Utf8JsonReader(body.Span, UpstreamJson.ReaderOptions(Limits));
        try
        {
            ReadStart(ref reader, JsonTokenType.StartArray, kind => UpstreamJson.NotAnArray(Name, kind, "invoices"));

            for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                try
                {
                    entries.EnsureRoom();
                }
                catch (UpstreamException)
                {
                    ReadToEnd(ref reader);
                    throw;
                }

                var start = reader.TokenStartIndex;
                var depth = reader.CurrentDepth;
                try
                {
                    entries.Add(Normalize(ref reader, body));
                }
                catch (Exception ex) when (InvoiceEntries.IsEntryFailure(ex) && !UpstreamJson.IsSyntaxError(ex))
                {
                    SkipRestOfValue(ref reader, start, depth);
                    // The notice names the entry's id: only now is the entry parsed into an element.
                    using var entry = UpstreamJson.Parse(Name, body[(int)start..(int)reader.BytesConsumed], Limits);
                    entries.Reject(index, entry.RootElement, ex);
                }
            }

            ReadToEnd(ref reader);
        }
        catch (JsonException ex) when (UpstreamJson.IsSyntaxError(ex))
        {
            throw UpstreamJson.InvalidJson(Name, response, ex, Limits);
        }
    }

    /// <summary>Reads a detail body, one invoice object; throws a payload error when it is no object or cannot be read.</summary>
    public Invoice ReadOne(HttpResponseMessage response, ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span, UpstreamJson.ReaderOptions(Limits));
        try
        {
            ReadStart(ref reader, JsonTokenType.StartObject, kind => new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{Name}' sent {UpstreamJson.Describe(kind)} where an invoice object was expected."));

            var start = reader.TokenStartIndex;
            Invoice? invoice = null;
            Exception? failure = null;
            try
            {
                invoice = Normalize(ref reader, body);
            }
            catch (Exception ex) when (InvoiceEntries.IsEntryFailure(ex) && !UpstreamJson.IsSyntaxError(ex))
            {
                failure = ex;
                SkipRestOfValue(ref reader, start, 0);
            }

            ReadToEnd(ref reader);
            return failure is null
                ? invoice!
                : throw new UpstreamException(UpstreamErrorCodes.Payload,
                    $"Source '{Name}' sent an invoice that could not be read: {failure.Message}", null, failure);
        }
        catch (JsonException ex) when (UpstreamJson.IsSyntaxError(ex))
        {
            throw UpstreamJson.InvalidJson(Name, response, ex, Limits);
        }
    }

    /// <summary>The invoice object the reader is on (the reader left on its end), or an exception when it is unusable.</summary>
    private Invoice Normalize(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        var start = (int)reader.TokenStartIndex;
        SendRegningPayloadReader.Read(ref reader, body, out var payload);
        if (string.IsNullOrWhiteSpace(payload.Number))
        {
            throw new UpstreamException("the invoice has no 'number'.");
        }

        return SendRegningInvoiceMap.Map(in payload, settings, new UpstreamValues(), RawJson.OfRead(body.Span[start..(int)reader.BytesConsumed]));
    }

    /// <summary>
    /// After an entry failed somewhere inside (the value starting at <paramref name="start"/>, at <paramref name="depth"/>):
    /// reads on to the value's last token, so that the next entry can be read.
    /// </summary>
    private static void SkipRestOfValue(ref Utf8JsonReader reader, long start, int depth)
    {
        if (reader.TokenStartIndex == start)
        {
            // Still on the value's first token: the whole value (nothing for a scalar).
            reader.Skip();
            return;
        }

        while (!(reader.CurrentDepth == depth && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) && reader.Read())
        {
        }
    }

    /// <summary>
    /// Reads the body's first token; a body of another kind than <paramref name="expected"/> is read to its end (a syntax
    /// error in it wins, as when the body was parsed first) and then fails with <paramref name="wrongKind"/>.
    /// </summary>
    private static void ReadStart(ref Utf8JsonReader reader, JsonTokenType expected, Func<JsonValueKind, UpstreamException> wrongKind)
    {
        reader.Read();
        if (reader.TokenType != expected)
        {
            var kind = UpstreamJson.KindOf(reader.TokenType);
            ReadToEnd(ref reader);
            throw wrongKind(kind);
        }
    }

    /// <summary>Reads the rest of the body, which throws at its first syntax error, as parsing the whole body did.</summary>
    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }
}
