using System.Text.Json;
using System.Text.Json.Nodes;

namespace InvoiceGateway.Sandbox.Serving;

/// <summary>Whether a data endpoint answers a list or one invoice.</summary>
internal enum EndpointKind
{
    List,
    Detail,
}

/// <summary>The list wrapper and one real entry, from which oversized bodies are made.</summary>
internal sealed record ListShape(ReadOnlyMemory<byte> Prefix, ReadOnlyMemory<byte> Entry, ReadOnlyMemory<byte> Suffix);

/// <summary>One simulated upstream API: its credentials check, error shapes and endpoints.</summary>
internal abstract class UpstreamApi(int index)
{
    private static readonly byte[] BrokenFallback = "{\"invoices\":[{\"id\":"u8.ToArray();

    public int Index { get; } = index;

    public string Name => SandboxApis.Names[Index];

    /// <summary>The fields <see cref="SandboxFault.MalformedEntry"/> breaks: the amount, the (due) date and the id.</summary>
    protected abstract (string Amount, string Date, string Id) BrokenFields { get; }

    public abstract bool IsAuthorized(HttpRequest request);

    public abstract Reply Unauthorized(HttpRequest request);

    public abstract ListShape Shape(HttpContext context, SandboxRoute route);

    public abstract void Map(IEndpointRouteBuilder group, SandboxRoute route, SandboxRuntime runtime);

    /// <summary>
    /// The invoices the control API may change at run time, of the list named <paramref name="list"/> (an API that
    /// serves several, e.g. GoScore's consents; <c>null</c>: the main one); <c>null</c> when the API does not model changes.
    /// </summary>
    public virtual MutableEntries? Data(string? list) => null;

    /// <summary>A 200 whose body cannot be parsed: by default the first half of the normal answer.</summary>
    public virtual Reply Malformed(HttpContext context, Reply normal, EndpointKind kind)
    {
        var bytes = normal.ToArray();
        return Reply.Json(StatusCodes.Status200OK, bytes.Length >= 2 ? bytes.AsMemory(0, bytes.Length / 2) : BrokenFallback);
    }

    /// <summary>
    /// The entry with its amount and id turned into objects and its date into <c>not-a-date</c>; still valid JSON,
    /// but an invoice no adapter can identify.
    /// </summary>
    public byte[] Break(ReadOnlyMemory<byte> entry, string? wrapper = null)
    {
        var root = JsonNode.Parse(entry.Span)!.AsObject();
        var invoice = wrapper is null ? root : root[wrapper]!.AsObject();
        invoice[BrokenFields.Amount] = new JsonObject { ["value"] = "twelve", ["currency"] = null };
        invoice[BrokenFields.Date] = "not-a-date";
        invoice[BrokenFields.Id] = new JsonObject { ["broken"] = true };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(entry.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            root.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The segments of a list page: <paramref name="prefix"/>, entries <paramref name="start"/> to
    /// <paramref name="end"/> of <paramref name="list"/> (the middle one broken when asked), <paramref name="suffix"/>.
    /// </summary>
    protected ReadOnlyMemory<byte>[] Page(
        ReadOnlyMemory<byte> prefix, EntryList list, int start, int end, ReadOnlyMemory<byte> suffix, bool breakOne)
    {
        if (!breakOne || end <= start)
        {
            return [prefix, list.Range(start, end), suffix];
        }

        var broken = start + ((end - start) / 2);
        return
        [
            prefix,
            list.Range(start, broken),
            broken > start ? Comma : ReadOnlyMemory<byte>.Empty,
            Break(list.Entry(broken)),
            broken + 1 < end ? Comma : ReadOnlyMemory<byte>.Empty,
            list.Range(broken + 1, end),
            suffix,
        ];
    }

    /// <summary>Maps a data endpoint (GET and HEAD) through the fault pipeline.</summary>
    protected void MapData(
        IEndpointRouteBuilder group, string pattern, EndpointKind kind, SandboxRoute route, SandboxRuntime runtime,
        Func<HttpContext, bool, Reply> answer) =>
        group.MapMethods(pattern, ["GET", "HEAD"], context => runtime.Pipeline.RunAsync(context, this, route, kind, answer))
            .WithName($"sandbox-{Name}-{pattern}");

    /// <summary>Maps a token endpoint: counted, never faulted.</summary>
    protected void MapToken(
        IEndpointRouteBuilder group, string pattern, SandboxRuntime runtime, Func<HttpContext, Task<Reply>> answer) =>
        group.MapPost(pattern, async context =>
        {
            runtime.Requests.RecordToken(Index);
            try
            {
                var reply = await answer(context);
                await reply.WriteAsync(context);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away.
            }
        }).WithName($"sandbox-{Name}-{pattern}");

    protected static readonly ReadOnlyMemory<byte> Comma = ","u8.ToArray();

    protected static KeyValuePair<string, string> Header(string name, string value) => new(name, value);

    /// <summary>A positive integer query value, the default when absent; <c>null</c> when invalid or out of range.</summary>
    protected static int? QueryInt(HttpRequest request, string name, int defaultValue, int max)
    {
        var values = request.Query[name];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return defaultValue;
        }

        return int.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= 1 && value <= max
            ? value
            : null;
    }

    /// <summary>The first and end (exclusive) index of a 1-based page, clamped to the list.</summary>
    protected static (int Start, int End) Slice(int count, int page, int perPage)
    {
        var start = (long)(page - 1) * perPage;
        if (start >= count)
        {
            return (count, count);
        }

        return ((int)start, (int)Math.Min(count, start + perPage));
    }
}
