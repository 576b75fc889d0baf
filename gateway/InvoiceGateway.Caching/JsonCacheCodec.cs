using System.Text.Json;

namespace InvoiceGateway.Caching;

/// <summary>An <see cref="ICacheCodec{T}"/> that stores a value as UTF-8 JSON with System.Text.Json.</summary>
/// <typeparam name="T">The cached value.</typeparam>
/// <param name="options">The serializer options; the default value is <see cref="JsonSerializerOptions.Web"/>.</param>
public sealed class JsonCacheCodec<T>(JsonSerializerOptions? options = null) : ICacheCodec<T>
{
    private readonly JsonSerializerOptions _options = options ?? JsonSerializerOptions.Web;

    /// <inheritdoc />
    public byte[] Encode(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    /// <inheritdoc />
    public T Decode(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<T>(bytes, _options) ?? throw new JsonException("The cached JSON is null.");
}
