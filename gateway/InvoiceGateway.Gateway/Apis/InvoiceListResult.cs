using System.Buffers;
using System.Text.Json;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Aggregation;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>
/// Writes a list response straight to the response: the page (<see cref="Page"/>: <c>{"data":[...],"next":...</c>, each
/// invoice's cached canonical bytes copied as they are, serialized once per page and query, see <see cref="ListPageCache"/>)
/// and then what belongs to this request alone: <c>complete</c> and the sources' states.
/// </summary>
internal sealed class InvoiceListResult : IResult
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly byte[] _page;
    private readonly IReadOnlyList<SourceOutcome> _outcomes;
    private readonly bool _whole;
    private readonly bool? _complete;

    /// <summary>A page (<see cref="Page"/>) to which this request's sources' part is added.</summary>
    public InvoiceListResult(byte[] page, IReadOnlyList<SourceOutcome> outcomes)
        : this(page, outcomes, whole: false)
    {
    }

    private InvoiceListResult(byte[] body, IReadOnlyList<SourceOutcome> outcomes, bool whole, bool? complete = null)
    {
        _page = body;
        _outcomes = outcomes;
        _whole = whole;
        _complete = complete;
    }

    public bool Complete => _complete ?? _outcomes.All(o => o.IsComplete);

    /// <summary>A whole body (<see cref="Body"/>) for these outcomes, sent as it is.</summary>
    public static InvoiceListResult Whole(byte[] body, IReadOnlyList<SourceOutcome> outcomes) => new(body, outcomes, whole: true);

    /// <summary>A whole body answered before (<see cref="ListPageCache.TryGetLast"/>), sent as it is.</summary>
    public static InvoiceListResult Whole(byte[] body, ListsRead read) => new(body, read.Outcomes, whole: true, read.Complete);

    /// <summary>The page and the sources' part of <paramref name="outcomes"/>: a whole body.</summary>
    public static byte[] Body(byte[] page, IReadOnlyList<SourceOutcome> outcomes)
    {
        var sources = new ArrayBufferWriter<byte>(256 + (outcomes.Count * 160));
        WriteSources(sources, outcomes, outcomes.All(o => o.IsComplete));
        var body = new byte[page.Length + sources.WrittenCount];
        page.CopyTo(body, 0);
        sources.WrittenSpan.CopyTo(body.AsSpan(page.Length));
        return body;
    }

    /// <summary>The page's part of the body, <c>{"data":[...],"next":...</c> (the object is closed by the sources' part).</summary>
    public static byte[] Page(InvoicePage page, bool includeRaw, DateOnly today)
    {
        var body = new ArrayBufferWriter<byte>(EstimateLength(page, includeRaw));
        using (var writer = new Utf8JsonWriter(body, WriterOptions))
        {
            WritePage(writer, page, includeRaw, today);
        }

        return body.WrittenSpan.ToArray();
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var complete = Complete;
        response.Headers["X-Gateway-Complete"] = complete ? "true" : "false";
        if (_whole)
        {
            // As a static file is sent: the headers and the body in one write, which Kestrel sends together.
            response.ContentLength = _page.Length;
            await response.Body.WriteAsync(_page, httpContext.RequestAborted).ConfigureAwait(false);
            return;
        }

        // Sent with its Content-Length, the headers first and then the page and the sources' part copied once into the
        // response's pipe, flushed once: written before the headers went out, tens of kilobytes made Kestrel buffer them
        // in segments (under a lock) and copy them again, and without a length the answer was chunked.
        var sources = new ArrayBufferWriter<byte>(256 + (_outcomes.Count * 160));
        WriteSources(sources, _outcomes, complete);

        response.ContentLength = _page.Length + sources.WrittenCount;
        await response.StartAsync(httpContext.RequestAborted).ConfigureAwait(false);
        var body = response.BodyWriter;
        body.Write(_page);
        body.Write(sources.WrittenSpan);
        await body.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }

    private static int EstimateLength(InvoicePage page, bool includeRaw)
    {
        var length = 256;
        foreach (var item in page.Items)
        {
            // Packed JSON unpacks to about 2.5 times its length; the buffer grows when that is short.
            length += (item.Snapshot.PackedJsonOf(item.Index).Length * 3) + 1;
        }

        return includeRaw ? length * 3 : length;
    }

    internal static void WritePage(Utf8JsonWriter writer, InvoicePage page, bool includeRaw, DateOnly today)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("data"u8);
        writer.WriteStartArray();
        var unpacked = ArrayPool<byte>.Shared.Rent(8192);
        foreach (var item in page.Items)
        {
            if (includeRaw)
            {
                writer.WriteRawValue(CanonicalJson.Serialize(item.Snapshot.WithRaw(item.Index).AsOf(today)), skipInputValidation: true);
                continue;
            }

            // The cached bytes unpacked with today's overdue values (see PackedJson): a copy, not a serialization.
            var packed = item.Snapshot.PackedJsonOf(item.Index);
            var days = item.Snapshot.Facts[item.Index].DaysOverdueOn(today);
            var length = PackedJson.UnpackedLength(packed, days);
            if (length > unpacked.Length)
            {
                ArrayPool<byte>.Shared.Return(unpacked);
                unpacked = ArrayPool<byte>.Shared.Rent(length);
            }

            PackedJson.Unpack(packed, unpacked, days);
            writer.WriteRawValue(unpacked.AsSpan(0, length), skipInputValidation: true);
        }

        ArrayPool<byte>.Shared.Return(unpacked);

        writer.WriteEndArray();
        if (page.Next is { } next)
        {
            writer.WriteString("next"u8, next.Encode());
        }
        else
        {
            writer.WriteNull("next"u8);
        }

        writer.Flush();
    }

    /// <summary>
    /// <c>,"complete":...,"sources":[...]}</c>: the rest of the object <see cref="WritePage"/> began, written after it
    /// (or after the cached page) by a writer of its own, which sees properties at its root.
    /// </summary>
    internal static void WriteSources(IBufferWriter<byte> body, IReadOnlyList<SourceOutcome> outcomes, bool complete)
    {
        body.Write(","u8);
        using (var writer = new Utf8JsonWriter(body, WriterOptions))
        {
            WriteSourceStates(writer, outcomes, complete);
        }

        body.Write("}"u8);
    }

    private static void WriteSourceStates(Utf8JsonWriter writer, IReadOnlyList<SourceOutcome> outcomes, bool complete)
    {
        writer.WriteBoolean("complete"u8, complete);
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
