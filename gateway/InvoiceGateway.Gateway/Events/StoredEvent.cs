using System.Text.Json;
using InvoiceGateway.Gateway.Storage;

namespace InvoiceGateway.Gateway.Events;

/// <summary>
/// One event of a tenant (SPEC section 8), as the database keeps it. <see cref="Sequence"/> is the order of the
/// feed and of webhook deliveries: appends are serialized (see <see cref="EventLog.AppendAsync"/>), so a reader
/// that has seen sequence N never later finds a committed event below N.
/// </summary>
internal sealed class StoredEvent : ITenantOwned
{
    /// <summary>Assigned by the database when appended; increases with every append, across tenants.</summary>
    public long Sequence { get; set; }

    /// <summary><c>evt_</c> and 32 hex digits; the <c>webhook-id</c> of its deliveries.</summary>
    public required string Id { get; set; }

    public string TenantId { get; set; } = string.Empty;

    /// <summary>One of <see cref="EventTypes.All"/>.</summary>
    public required string Type { get; set; }

    /// <summary>The source (connection name) the event is about.</summary>
    public string? Source { get; set; }

    /// <summary>The canonical invoice id (<c>{source}:{sourceId}</c>) for <c>invoice.*</c> events.</summary>
    public string? InvoiceId { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The event's <c>data</c>, a JSON document.</summary>
    public required string Data { get; set; }

    /// <summary>
    /// The event as the feed answers it and a webhook delivers it:
    /// <c>{"id", "type", "source", "invoiceId", "occurredAt", "data"}</c>.
    /// </summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("type", Type);
        writer.WriteString("source", Source);
        writer.WriteString("invoiceId", InvoiceId);
        writer.WriteString("occurredAt", OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        writer.WritePropertyName("data");
        writer.WriteRawValue(Data, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>The event's JSON (see <see cref="WriteTo"/>) as UTF-8 bytes, e.g. a webhook delivery's body.</summary>
    public byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.ToArray();
    }
}

/// <summary>The types of event the gateway produces (SPEC section 8).</summary>
internal static class EventTypes
{
    public const string InvoiceCreated = "invoice.created";
    public const string InvoiceUpdated = "invoice.updated";
    public const string InvoiceDeleted = "invoice.deleted";
    public const string InvoiceOverdue = "invoice.overdue";
    public const string ConnectionSynced = "connection.synced";
    public const string ConnectionFailed = "connection.failed";
    public const string ConnectionRecovered = "connection.recovered";

    public static IReadOnlyList<string> All { get; } =
    [
        InvoiceCreated, InvoiceUpdated, InvoiceDeleted, InvoiceOverdue, ConnectionSynced, ConnectionFailed, ConnectionRecovered,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}

/// <summary>An event to append: what happened, to what, and its <c>data</c> (a JSON document).</summary>
internal sealed record NewEvent(string Type, string? Source, string? InvoiceId, string Data);
