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
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{source}' sent {Describe(element.ValueKind)} where an array of {what} was expected.");
        }

        return element;
    }

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
