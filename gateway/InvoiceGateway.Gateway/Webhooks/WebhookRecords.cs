using InvoiceGateway.Gateway.Storage;

namespace InvoiceGateway.Gateway.Webhooks;

/// <summary>A tenant's webhook endpoint (SPEC section 8).</summary>
internal sealed class WebhookRecord : ITenantOwned
{
    public required string Id { get; set; }

    public string TenantId { get; set; } = string.Empty;

    public required string Url { get; set; }

    /// <summary>The event types sent to it, a JSON array; an empty array means every type.</summary>
    public required string Types { get; set; }

    public string? Description { get; set; }

    /// <summary>The signing secret (<c>whsec_...</c>), protected with Data Protection; shown once, when created.</summary>
    public required string Secret { get; set; }

    public bool Enabled { get; set; }

    /// <summary>Why the gateway disabled it (failing for 5 days in a row); <c>null</c> while enabled.</summary>
    public string? DisabledReason { get; set; }

    /// <summary>When its current run of failed attempts began; <c>null</c> after a success.</summary>
    public DateTimeOffset? FailingSince { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One event for one webhook: the outbox row the dispatcher sends from. It keeps the exact body, so every
/// attempt is the same bytes (and the same signature input) whatever happens to the event afterwards.
/// </summary>
internal sealed class WebhookDeliveryRecord : ITenantOwned
{
    public required string Id { get; set; }

    public string TenantId { get; set; } = string.Empty;

    public required string WebhookId { get; set; }

    /// <summary>The event's id: the <c>webhook-id</c> header of every attempt, so receivers can drop repeats.</summary>
    public required string EventId { get; set; }

    public required string EventType { get; set; }

    public string? InvoiceId { get; set; }

    /// <summary>Deliveries of one webhook with the same key are sent one at a time in <see cref="Sequence"/> order (an invoice's events).</summary>
    public string? OrderingKey { get; set; }

    /// <summary>The event's position in the event log (0 for a test ping).</summary>
    public long Sequence { get; set; }

    /// <summary>The JSON body sent.</summary>
    public required string Payload { get; set; }

    /// <summary>One of <see cref="DeliveryStatus"/>.</summary>
    public required string Status { get; set; }

    public int AttemptCount { get; set; }

    /// <summary>When the next attempt is due; <c>null</c> once succeeded or failed.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Retries go on until 24 h after this: the creation, or the last manual retry.</summary>
    public DateTimeOffset RetryFrom { get; set; }

    /// <summary>A replica that claimed the delivery owns it until then; a crashed replica's claim runs out.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public int? LastStatusCode { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One attempt of a delivery, for the delivery log.</summary>
internal sealed class WebhookAttemptRecord : ITenantOwned
{
    public long Id { get; set; }

    public string TenantId { get; set; } = string.Empty;

    public required string DeliveryId { get; set; }

    public int Number { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The receiver's status code; <c>null</c> when there was no answer (refused address, timeout, connection error).</summary>
    public int? StatusCode { get; set; }

    /// <summary>Why the attempt failed, in words (never a secret).</summary>
    public string? Error { get; set; }

    public int DurationMs { get; set; }

    /// <summary>The retry this attempt scheduled; <c>null</c> when it was the last.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
}

internal static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Pending, Succeeded, Failed];
}

/// <summary>
/// How far the dispatcher has turned the event log into deliveries: the last <c>Sequence</c> fanned out. One row
/// (<see cref="EventsName"/>) for every replica; moving it and storing the deliveries is one transaction.
/// </summary>
internal sealed class WebhookCursorRecord
{
    public const string EventsName = "events";

    public required string Name { get; set; }

    public long Sequence { get; set; }
}
