using System.Buffers;
using System.Globalization;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox;

/// <summary>The bodies of injected faults. Large ones are streamed in chunks, never allocated whole.</summary>
internal static class FaultBodies
{
    private const int ChunkSize = 64 * 1024;

    private static readonly byte[] Comma = [(byte)','];

    public static Reply Status(int status, int? retryAfterSeconds)
    {
        var headers = retryAfterSeconds is { } seconds
            ? new[] { new KeyValuePair<string, string>("Retry-After", seconds.ToString(CultureInfo.InvariantCulture)) }
            : [];
        if (status is 204 or 304)
        {
            return Reply.Empty(status, headers);
        }

        return Reply.Json(
            status,
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("error", "sandbox_fault");
                writer.WriteNumber("status", status);
                writer.WriteString("message", $"Injected fault: the upstream answered {status}.");
                writer.WriteEndObject();
            },
            headers);
    }

    public static async Task WriteDeepNestingAsync(HttpContext context, int levels)
    {
        StartStreaming(context);
        await using var output = new ChunkedOutput(context);
        await output.RepeatAsync((byte)'[', levels);
        await output.RepeatAsync((byte)']', levels);
    }

    /// <summary>
    /// Exactly <paramref name="size"/> bytes of valid JSON in the API's list shape: the sample entry
    /// repeated, padded with whitespace before the closing brackets.
    /// </summary>
    public static async Task WriteOversizedAsync(HttpContext context, ListShape shape, long size)
    {
        StartStreaming(context);
        await using var output = new ChunkedOutput(context);
        if (size == 0)
        {
            return;
        }

        if (size < shape.Prefix.Length + shape.Suffix.Length)
        {
            shape = size >= 2 ? new ListShape("["u8.ToArray(), ReadOnlyMemory<byte>.Empty, "]"u8.ToArray()) : new ListShape("0"u8.ToArray(), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);
        }

        await output.WriteAsync(shape.Prefix);
        var budget = size - shape.Prefix.Length - shape.Suffix.Length;
        var entry = shape.Entry;
        if (!entry.IsEmpty && budget >= entry.Length)
        {
            await output.WriteAsync(entry);
            budget -= entry.Length;
            while (budget >= entry.Length + 1)
            {
                await output.WriteAsync(Comma);
                await output.WriteAsync(entry);
                budget -= entry.Length + 1;
            }
        }

        await output.RepeatAsync((byte)' ', budget);
        await output.WriteAsync(shape.Suffix);
    }

    private static void StartStreaming(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonWriting.ContentType;
    }

    /// <summary>Collects writes into a pooled chunk and sends each full chunk.</summary>
    private sealed class ChunkedOutput(HttpContext context) : IAsyncDisposable
    {
        private readonly byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        private int used;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data)
        {
            while (!data.IsEmpty)
            {
                var take = Math.Min(data.Length, ChunkSize - used);
                data.Span[..take].CopyTo(chunk.AsSpan(used));
                used += take;
                data = data[take..];
                if (used == ChunkSize)
                {
                    await FlushAsync();
                }
            }
        }

        public async ValueTask RepeatAsync(byte value, long count)
        {
            while (count > 0)
            {
                var take = (int)Math.Min(count, ChunkSize - used);
                chunk.AsSpan(used, take).Fill(value);
                used += take;
                count -= take;
                if (used == ChunkSize)
                {
                    await FlushAsync();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!context.RequestAborted.IsCancellationRequested)
                {
                    await FlushAsync();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        private async ValueTask FlushAsync()
        {
            if (used > 0)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, used), context.RequestAborted);
                used = 0;
            }
        }
    }
}
