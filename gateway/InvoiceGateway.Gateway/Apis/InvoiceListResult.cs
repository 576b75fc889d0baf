using System.Buffers;
using System.Text.Json;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Aggregation;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>
/// Writes a list page straight to the response: each invoice's cached canonical bytes are copied
/// as they are (no serialization per request unless raw is asked for).
/// </summary>
internal sealed class InvoiceListResult(InvoicePage page, IReadOnlyList<SourceOutcome> outcomes, bool includeRaw, DateOnly today) : IResult
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public bool Complete => outcomes.All(o => o.IsComplete);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers["X-Gateway-Complete"] = Complete ? "true" : "false";

        // The page is built in a pooled buffer and sent with its Content-Length in one write: writing tens of
        // kilobytes into the response before its headers went out made Kestrel buffer them in segments (under
        // a lock) and copy them again, and the answer chunked.
        using var body = new PooledBufferWriter(EstimateLength());
        using (var writer = new Utf8JsonWriter(body, WriterOptions))
        {
            Write(writer);
        }

        response.ContentLength = body.WrittenCount;
        await response.Body.WriteAsync(body.WrittenMemory, httpContext.RequestAborted);
    }

    private int EstimateLength()
    {
        var length = 4096;
        foreach (var item in page.Items)
        {
            length += item.Snapshot.Json[item.Index].Length + 1;
        }

        return includeRaw ? length * 3 : length;
    }

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("data"u8);
        writer.WriteStartArray();
        foreach (var item in page.Items)
        {
            var invoice = item.Snapshot.Invoices[item.Index];
            if (includeRaw)
            {
                writer.WriteRawValue(CanonicalJson.Serialize(item.Snapshot.WithRaw(item.Index).AsOf(today)), skipInputValidation: true);
                continue;
            }

            writer.WriteRawValue(ServedOverdue.Patch(invoice, item.Snapshot.Json[item.Index], today, out var rented), skipInputValidation: true);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        writer.WriteEndArray();
        if (page.Next is { } next)
        {
            writer.WriteString("next"u8, next.Encode());
        }
        else
        {
            writer.WriteNull("next"u8);
        }

        writer.WriteBoolean("complete"u8, Complete);
        writer.WritePropertyName("sources"u8);
        writer.WriteStartArray();
        foreach (var outcome in outcomes)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, outcome.Name);
            writer.WriteString("state"u8, outcome.State switch
            {
                SourceState.Ok => "ok",
                SourceState.Stale => "stale",
                SourceState.Failed => "failed",
                _ => "skipped",
            });
            writer.WriteNumber("count"u8, outcome.Count);
            writer.WriteNumber("durationMs"u8, outcome.DurationMs);
            if (outcome.Error is { } error)
            {
                writer.WriteStartObject("error"u8);
                writer.WriteString("code"u8, error.Code);
                writer.WriteString("message"u8, error.Message);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("error"u8);
            }

            var notices = outcome.Snapshot?.Notices ?? [];
            writer.WriteNumber("rejected"u8, outcome.Snapshot?.Rejected ?? 0);
            writer.WriteStartArray("notices"u8);
            foreach (var notice in notices)
            {
                writer.WriteStartObject();
                writer.WriteString("code"u8, notice.Code);
                writer.WriteString("message"u8, notice.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>The shape of a list response, for the OpenAPI document.</summary>
internal sealed record InvoiceListDocument(
    IReadOnlyList<Invoice> Data,
    string? Next,
    bool Complete,
    IReadOnlyList<SourceStateDocument> Sources);

/// <summary>One source's state in a list response, for the OpenAPI document.</summary>
internal sealed record SourceStateDocument(
    string Name,
    string State,
    int Count,
    long DurationMs,
    SourceErrorDocument? Error,
    int Rejected,
    IReadOnlyList<SourceNotice> Notices);

internal sealed record SourceErrorDocument(string Code, string Message);

/// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>, returned on dispose.</summary>
internal sealed class PooledBufferWriter(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int WrittenCount { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, WrittenCount);

    public void Advance(int count) => WrittenCount += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(WrittenCount, Ensure(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(WrittenCount, Ensure(sizeHint));

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private int Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - WrittenCount < needed)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, WrittenCount + needed));
            _buffer.AsSpan(0, WrittenCount).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.Length - WrittenCount;
    }
}
