using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Unicode;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// A small, fixed set of values that repeat from invoice to invoice (country spellings, currency codes): a string token
/// that is one of them, to the letter, is answered with the set's own string instead of a new string per invoice. Only
/// known sets: arbitrary text (names, streets) is never kept, so nothing grows with the data.
/// </summary>
public sealed class KnownText
{
    // Longer tokens are read as text without looking (no country name or code of the sets is this long).
    private const int MaxLength = 64;

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _values;

    /// <summary>A set of values.</summary>
    /// <param name="values">The values, compared ordinally (case and all).</param>
    public KnownText(IEnumerable<string> values) =>
        _values = values.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// The value the reader is on as text, exactly as <see cref="PayloadFields.Text(ref Utf8JsonReader)"/> reads it (the
    /// same text, the same exception); the set's string when it is one of the set's values.
    /// </summary>
    /// <param name="reader">A reader on a value token (over one buffer, not a sequence).</param>
    /// <returns>The text or <c>null</c>.</returns>
    public string? Text(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length <= MaxLength)
        {
            Span<char> chars = stackalloc char[MaxLength];
            if (Utf8.ToUtf16(reader.ValueSpan, chars, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
                && _values.TryGetValue(chars[..written], out var known))
            {
                return known;
            }
        }

        return PayloadFields.Text(ref reader);
    }
}
