using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Serving;

/// <summary>An answer ready to be written: status, extra headers and the body as segments of pre-serialized JSON.</summary>
internal sealed class Reply(int status, ReadOnlyMemory<byte>[] body, params KeyValuePair<string, string>[] headers)
{
    public int Status { get; } = status;

    public ReadOnlyMemory<byte>[] Body { get; } = body;

    public KeyValuePair<string, string>[] Headers { get; } = headers;

    public long Length
    {
        get
        {
            long length = 0;
            foreach (var segment in Body)
            {
                length += segment.Length;
            }

            return length;
        }
    }

    public static Reply Empty(int status, params KeyValuePair<string, string>[] headers) => new(status, [], headers);

    public static Reply Json(int status, ReadOnlyMemory<byte> body, params KeyValuePair<string, string>[] headers) =>
        new(status, [body], headers);

    public static Reply Json(int status, string json, params KeyValuePair<string, string>[] headers) =>
        new(status, [Encoding.UTF8.GetBytes(json)], headers);

    /// <summary>A JSON body written by <paramref name="write"/>, for small answers computed per request.</summary>
    public static Reply Json(int status, Action<Utf8JsonWriter> write, params KeyValuePair<string, string>[] headers)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            write(writer);
        }

        return new Reply(status, [buffer.WrittenMemory], headers);
    }

    public byte[] ToArray()
    {
        var result = new byte[Length];
        var offset = 0;
        foreach (var segment in Body)
        {
            segment.Span.CopyTo(result.AsSpan(offset));
            offset += segment.Length;
        }

        return result;
    }

    public async Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = Status;
        foreach (var header in Headers)
        {
            response.Headers[header.Key] = header.Value;
        }

        var length = Length;
        response.ContentLength = length;
        if (length == 0)
        {
            return;
        }

        response.ContentType = JsonWriting.ContentType;
        foreach (var segment in Body)
        {
            if (!segment.IsEmpty)
            {
                await response.Body.WriteAsync(segment, context.RequestAborted);
            }
        }
    }
}
