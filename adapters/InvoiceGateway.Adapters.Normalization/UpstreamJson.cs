using System.Text.Json;
using System.Text.Json.Serialization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>Reads upstream bodies as JSON, bounded by the source's limits, with errors that name the source and the position.</summary>
public static class UpstreamJson
{
    /// <summary>
    /// Lenient options for payload records: trailing commas and comments allowed, numbers accepted
    /// from strings, property names case-insensitive, strings accepted from numbers and booleans.
    /// </summary>
    public static JsonSerializerOptions PayloadOptions { get; } = CreatePayloadOptions();

    /// <summary>Reads a response body into a document. Throws <see cref="UpstreamException"/> on a failed status or bad JSON.</summary>
    /// <param name="source">The source name, for error messages.</param>
    /// <param name="response">The upstream response.</param>
    /// <param name="limits">The source's limits.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The parsed document; the caller disposes it.</returns>
    public static async Task<JsonDocument> ReadAsync(
        string source, HttpResponseMessage response, UpstreamLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(limits);
        UpstreamException.ThrowIfFailed(source, response);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonDocument.ParseAsync(stream, DocumentOptions(limits), cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw PayloadError(source, response, ex, limits);
            }
        }
    }

    /// <summary>
    /// Reads a response body into a pooled buffer, for an adapter that reads it with a <see cref="Utf8JsonReader"/>
    /// (<see cref="ReaderOptions"/>) instead of a document: the bytes <see cref="ReadAsync"/> parses (the same stream,
    /// read the same way, a UTF-8 byte order mark dropped as <see cref="JsonDocument.ParseAsync(Stream, JsonDocumentOptions, CancellationToken)"/>
    /// drops it). A syntax error found while reading them becomes the same error as there: <see cref="InvalidJson"/>.
    /// </summary>
    /// <param name="source">The source name, for error messages.</param>
    /// <param name="response">The upstream response.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The body; the caller disposes it (its buffer is cleared and returned to the pool).</returns>
    public static async Task<UpstreamBody> ReadBodyAsync(string source, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        UpstreamException.ThrowIfFailed(source, response);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await UpstreamBody.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The reader options <see cref="ReadAsync"/> parses with: comments skipped, trailing commas, the source's depth.</summary>
    /// <param name="limits">The source's limits.</param>
    /// <returns>The options.</returns>
    public static JsonReaderOptions ReaderOptions(UpstreamLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var document = DocumentOptions(limits);
        return new JsonReaderOptions
        {
            AllowTrailingCommas = document.AllowTrailingCommas, CommentHandling = document.CommentHandling, MaxDepth = document.MaxDepth,
        };
    }

    /// <summary>
    /// The error <see cref="ReadAsync"/> throws for a body that is no JSON or nests too deep, for a syntax error a
    /// <see cref="Utf8JsonReader"/> threw (<see cref="IsSyntaxError"/>) while reading the body of <paramref name="response"/>.
    /// </summary>
    /// <param name="source">The source name.</param>
    /// <param name="response">The upstream response.</param>
    /// <param name="ex">The reader's exception.</param>
    /// <param name="limits">The source's limits.</param>
    /// <returns>The exception to throw.</returns>
    public static UpstreamException InvalidJson(string source, HttpResponseMessage response, JsonException ex, UpstreamLimits limits)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(limits);
        return PayloadError(source, response, ex, limits);
    }

    /// <summary>
    /// Whether an exception is a reader's syntax error (invalid JSON, too deep), which fails the whole body, rather than a
    /// value of the wrong shape thrown by an adapter's own reading (<c>new JsonException(message)</c>, without a position).
    /// </summary>
    /// <param name="ex">The exception.</param>
    /// <returns>Whether the reader threw it.</returns>
    public static bool IsSyntaxError(Exception ex) => ex is JsonException { LineNumber: not null };

    /// <summary>The kind of the value a reader's token starts.</summary>
    /// <param name="token">A value's first token.</param>
    /// <returns>The kind.</returns>
    public static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        JsonTokenType.Null => JsonValueKind.Null,
        _ => JsonValueKind.Undefined,
    };

    /// <summary>Parses a body already in memory, with the same rules as <see cref="ReadAsync"/>.</summary>
    /// <param name="source">The source name, for error messages.</param>
    /// <param name="utf8Json">The body.</param>
    /// <param name="limits">The source's limits.</param>
    /// <returns>The parsed document; the caller disposes it.</returns>
    public static JsonDocument Parse(string source, ReadOnlyMemory<byte> utf8Json, UpstreamLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        try
        {
            return JsonDocument.Parse(utf8Json, DocumentOptions(limits));
        }
        catch (JsonException ex)
        {
            throw PayloadError(source, null, ex, limits);
        }
    }

    /// <summary>Deserializes one element into a payload record with <see cref="PayloadOptions"/>.</summary>
    /// <typeparam name="T">The payload record.</typeparam>
    /// <param name="element">The element.</param>
    /// <returns>The record.</returns>
    /// <exception cref="JsonException">The element does not have the record's shape.</exception>
    public static T Deserialize<T>(JsonElement element) =>
        element.Deserialize<T>(PayloadOptions) ?? throw new JsonException("The value is null.");

    /// <summary>Describes a JSON value's kind for error messages ("a string", "an object").</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The description.</returns>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Gets a property of an object, or throws a payload error naming the source and what was expected.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="element">The object.</param>
    /// <param name="name">The property.</param>
    /// <param name="kind">The kind the property must have.</param>
    /// <returns>The property's value.</returns>
    public static JsonElement Require(string source, JsonElement element, string name, JsonValueKind kind)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{source}' sent {Describe(element.ValueKind)} where an object with '{name}' was expected.");
        }

        if (!element.TryGetProperty(name, out var value) || value.ValueKind != kind)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{source}' sent a body whose '{name}' is {Describe(value.ValueKind)}; {Describe(kind)} was expected.");
        }

        return value;
    }

    /// <summary>Throws a payload error unless the element is an array.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="element">The element.</param>
    /// <param name="what">What the array holds, for the message.</param>
    /// <returns>The element.</returns>
    public static JsonElement RequireArray(string source, JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw NotAnArray(source, element.ValueKind, what);
        }

        return element;
    }

    /// <summary>The error <see cref="RequireArray"/> throws for a body of another kind.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="kind">What the body is.</param>
    /// <param name="what">What the array holds, for the message.</param>
    /// <returns>The exception to throw.</returns>
    public static UpstreamException NotAnArray(string source, JsonValueKind kind, string what) =>
        new(UpstreamErrorCodes.Payload, $"Source '{source}' sent {Describe(kind)} where an array of {what} was expected.");

    private static JsonDocumentOptions DocumentOptions(UpstreamLimits limits) => new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = limits.MaxDepth,
    };

    private static UpstreamException PayloadError(string source, HttpResponseMessage? response, JsonException ex, UpstreamLimits limits)
    {
        var where = ex.LineNumber is { } line
            ? $"line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}"
            : "an unknown position";
        var path = response?.RequestMessage?.RequestUri?.AbsolutePath;
        var request = path is null ? string.Empty : $" to GET {path}";
        // "The maximum configured depth of N has been exceeded" (a truncated body mentions depth too, differently).
        var depthExceeded = ex.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase);
        return depthExceeded
            ? new UpstreamException(UpstreamErrorCodes.LimitExceeded,
                $"Source '{source}' sent JSON nested deeper than {limits.MaxDepth} levels{request} (at {where}).", null, ex)
            : new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{source}' sent invalid JSON{request} at {where}.", null, ex);
    }

    private static JsonSerializerOptions CreatePayloadOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        options.Converters.Add(new LenientStringConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Reads a string from a JSON string, number or boolean (upstreams send ids both ways).</summary>
public sealed class LenientStringConverter : JsonConverter<string>
{
    /// <inheritdoc />
    public override bool HandleNull => false;

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => throw new JsonException($"Expected a string, got {reader.TokenType}."),
        };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
