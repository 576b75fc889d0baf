using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Tenancy;

namespace InvoiceGateway.Gateway.Events;

/// <summary><c>GET /v1/events</c>: the caller's tenant's events in order, from a cursor, with an optional long poll (SPEC section 8).</summary>
internal static class EventsApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
    public const int MaxWaitSeconds = 30;

    private static readonly string[] Known = ["after", "types", "source", "limit", "wait"];

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/events").WithTags("Events");
        group.MapGet("/", ListEvents)
            .WithName("ListEvents")
            .WithSummary("The tenant's events after a cursor, in order: {data, next}. wait=N (up to 30 s) holds an empty answer until an event arrives.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status410Gone);
        return group;
    }

    internal static async Task<IResult> ListEvents(
        HttpContext http, GatewayContext gateway, EventLog log, TenantContext tenant, GatewaySettings settings, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = http.Request.Query;
        foreach (var key in query.Keys.Where(k => !Known.Contains(k)))
        {
            InvoiceQuery.Add(errors, key, $"'{InvoiceQuery.Clip(key)}' is not a parameter of this endpoint (known: {string.Join(", ", Known)}).");
        }

        var now = time.GetUtcNow();
        var cursor = EventCursor.Start;
        if (InvoiceQuery.Single(query, "after", errors) is { } after && !EventCursor.TryParse(after, out cursor))
        {
            InvoiceQuery.Add(errors, "after", "after must be a cursor the gateway gave as 'next'.");
        }

        var types = new List<string>();
        foreach (var type in (InvoiceQuery.Single(query, "types", errors) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (EventTypes.IsKnown(type))
            {
                types.Add(type);
            }
            else
            {
                InvoiceQuery.Add(errors, "types", $"'{InvoiceQuery.Clip(type)}' is not an event type (known: {string.Join(", ", EventTypes.All)}).");
            }
        }

        var limit = Number(query, "limit", 1, MaxLimit, errors) ?? DefaultLimit;
        var wait = TimeSpan.FromSeconds(Number(query, "wait", 0, MaxWaitSeconds, errors) ?? 0);

        // Events of the sources the caller may read: a key scoped to some configured sources sees only theirs.
        var readable = await gateway.ReadableAsync(http).ConfigureAwait(false);
        IReadOnlyCollection<string>? sources = http.User.ReadsEverySource() ? null : readable.Select(s => s.Name).ToArray();
        if (InvoiceQuery.Single(query, "source", errors) is { } source)
        {
            if (readable.Any(s => s.Name == source))
            {
                sources = [source];
            }
            else
            {
                InvoiceQuery.Add(errors, "source", $"'{InvoiceQuery.Clip(source)}' is not a source you can read.");
            }
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        if (cursor.IssuedAt < now - settings.Events.Retention)
        {
            return Problems.Status(StatusCodes.Status410Gone, "The cursor has expired.",
                $"Events are kept for {settings.Events.Retention}; this cursor is older, so events after it may be gone. Start again without 'after'.",
                new Dictionary<string, object?> { ["code"] = "events_expired" });
        }

        var deadline = now + wait;
        while (true)
        {
            var next = log.NextAppend(tenant.Id);
            var page = await log.ReadAsync(tenant.Id, cursor.Sequence, types, sources, limit, http.RequestAborted).ConfigureAwait(false);
            var remaining = deadline - time.GetUtcNow();
            if (page.Count > 0 || remaining <= TimeSpan.Zero)
            {
                var last = page.Count > 0 ? page[^1].Sequence : cursor.Sequence;
                return new EventPageResult(page, new EventCursor(last, time.GetUtcNow()).ToString());
            }

            try
            {
                await next.WaitAsync(remaining, time, http.RequestAborted).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nothing arrived in time: one last read answers (an empty page with the same position).
                deadline = time.GetUtcNow();
            }
        }
    }

    private static int? Number(IQueryCollection query, string name, int min, int max, Dictionary<string, string[]> errors)
    {
        if (InvoiceQuery.Single(query, name, errors) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        InvoiceQuery.Add(errors, name, $"{name} must be a whole number from {min} to {max}, not '{InvoiceQuery.Clip(text)}'.");
        return null;
    }

    /// <summary>Writes <c>{"data": [...events], "next": "..."}</c> with each event's data as stored (no re-serializing).</summary>
    private sealed class EventPageResult(IReadOnlyList<StoredEvent> events, string next) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            await using var writer = new Utf8JsonWriter(httpContext.Response.Body);
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            foreach (var stored in events)
            {
                stored.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteString("next", next);
            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// A position in a tenant's events: the last sequence seen and when the cursor was given out. A cursor older than
/// the retention may point before events already deleted, so it is refused (410) rather than silently skipping them.
/// Opaque to clients: base64url of <c>{sequence}.{unix seconds}</c>.
/// </summary>
internal readonly record struct EventCursor(long Sequence, DateTimeOffset IssuedAt)
{
    /// <summary>No <c>after</c>: the oldest event kept; never expired.</summary>
    public static EventCursor Start => new(0, DateTimeOffset.MaxValue);

    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            Sequence.ToString(CultureInfo.InvariantCulture) + "." + IssuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));

    public static bool TryParse(string text, out EventCursor cursor)
    {
        cursor = Start;
        if (text.Length > 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[64];
        if (Base64Url.DecodeFromChars(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        var plain = Encoding.ASCII.GetString(bytes[..written]);
        var dot = plain.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(plain.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || !long.TryParse(plain.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        cursor = new EventCursor(sequence, DateTimeOffset.FromUnixTimeSeconds(seconds));
        return true;
    }
}
