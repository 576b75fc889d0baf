using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Connections;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Webhooks;

/// <summary>
/// <c>/v1/webhooks</c>: a tenant's webhook endpoints, their delivery log, manual retry and a test ping.
/// Every query goes through <see cref="GatewayDb"/>, whose filter holds it to the request's tenant: another
/// tenant's webhook or delivery is not found, exactly like one that never existed. The signing secret is
/// in the answer to the creation only.
/// </summary>
internal static class WebhooksApi
{
    private const int DefaultDeliveryLimit = 50;
    private const int MaxDeliveryLimit = 200;

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/webhooks").WithTags("Webhooks");
        group.MapPost("/", Create).WithName("CreateWebhook")
            .WithSummary("Registers a webhook endpoint (https, public address) for the caller's tenant; the answer holds its signing secret, shown this once.")
            .Produces<CreatedWebhookDocument>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", List).WithName("ListWebhooks").WithSummary("The caller's tenant's webhooks (never their secrets).")
            .Produces<WebhookDocument[]>();
        group.MapGet("/{id}", Get).WithName("GetWebhook").WithSummary("One webhook.")
            .Produces<WebhookDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", Update).WithName("UpdateWebhook")
            .WithSummary("Changes a webhook's url, types or description, or enables it again (enabled: true).")
            .Produces<WebhookDocument>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", Delete).WithName("DeleteWebhook").WithSummary("Deletes a webhook and its deliveries; nothing more is sent to it.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/deliveries", Deliveries).WithName("ListWebhookDeliveries")
            .WithSummary("The webhook's delivery log, newest first: each delivery's status, attempts (time, status code, error) and next attempt; a full page links the next in its Link header (before=<the last delivery's id>).")
            .Produces<DeliveryDocument[]>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/deliveries/{deliveryId}/retry", Retry).WithName("RetryWebhookDelivery")
            .WithSummary("Sends a delivery again now, whatever its status; if that fails it is retried for another 24 h.")
            .Produces<DeliveryDocument>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/test", Test).WithName("TestWebhook")
            .WithSummary("Sends a signed webhook.test event to the webhook now, as a delivery of its own.")
            .Produces<DeliveryDocument>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    internal static async Task<IResult> Create(HttpContext http, [AsParameters] WebhookServices services)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var input = await WebhookInput.ReadAsync(http.Request, errors).ConfigureAwait(false);
        if (input is null)
        {
            return Problems.BadRequest(errors);
        }

        if (input.Url is null && !errors.ContainsKey("url"))
        {
            ConnectionInput.Add(errors, "url", "url is required: the absolute https URL events are POSTed to.");
        }

        if (input.Enabled is not null && !errors.ContainsKey("enabled"))
        {
            ConnectionInput.Add(errors, "enabled", "A new webhook is enabled; enabled can only be changed with PATCH.");
        }

        var url = input.Url is { } text && !errors.ContainsKey("url") ? await CheckUrlAsync(text, services, errors, http.RequestAborted).ConfigureAwait(false) : null;
        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        if (await services.Db.Webhooks.CountAsync(http.RequestAborted).ConfigureAwait(false) >= services.Settings.Webhooks.MaxPerTenant)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Too many webhooks.",
                $"A tenant may have {services.Settings.Webhooks.MaxPerTenant} webhooks (Gateway:Webhooks:MaxPerTenant); delete one first.");
        }

        var secret = WebhookSecrets.Create();
        var now = services.Time.GetUtcNow();
        var record = new WebhookRecord
        {
            Id = NewId("whk_"),
            Url = url!.OriginalString,
            Types = JsonSerializer.Serialize(input.Types ?? []),
            Description = input.Description,
            Secret = services.Secrets.Protect(secret),
            Enabled = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        services.Db.Webhooks.Add(record);
        if (await DatabaseWrites.SaveAsync(services.Db, http.RequestAborted).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        return TypedResults.Created($"/v1/webhooks/{record.Id}", CreatedWebhookDocument.Of(record, secret));
    }

    internal static async Task<IResult> List([AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var records = await services.Db.Webhooks.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(records.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(WebhookDocument.Of).ToArray());
    }

    internal static async Task<IResult> Get(string id, [AsParameters] WebhookServices services, CancellationToken cancellationToken) =>
        await services.Db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken).ConfigureAwait(false) is { } record
            ? TypedResults.Ok(WebhookDocument.Of(record))
            : NotFound(id);

    internal static async Task<IResult> Update(string id, HttpContext http, [AsParameters] WebhookServices services)
    {
        var record = await services.Db.Webhooks.FirstOrDefaultAsync(w => w.Id == id, http.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            return NotFound(id);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var input = await WebhookInput.ReadAsync(http.Request, errors).ConfigureAwait(false);
        if (input is null)
        {
            return Problems.BadRequest(errors);
        }

        var url = input.Url is { } text && !errors.ContainsKey("url") ? await CheckUrlAsync(text, services, errors, http.RequestAborted).ConfigureAwait(false) : null;
        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        if (url is not null)
        {
            record.Url = url.OriginalString;
        }

        if (input.Types is not null)
        {
            record.Types = JsonSerializer.Serialize(input.Types);
        }

        if (input.HasDescription)
        {
            record.Description = input.Description;
        }

        if (input.Enabled is { } enabled)
        {
            record.Enabled = enabled;
            record.DisabledReason = null;
            record.FailingSince = null;
        }

        record.UpdatedAt = services.Time.GetUtcNow();
        if (await DatabaseWrites.SaveAsync(services.Db, http.RequestAborted).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        services.Dispatcher.Wake();
        return TypedResults.Ok(WebhookDocument.Of(record));
    }

    internal static async Task<IResult> Delete(string id, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var record = await services.Db.Webhooks.FirstOrDefaultAsync(w => w.Id == id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return NotFound(id);
        }

        services.Db.Webhooks.Remove(record);
        return await DatabaseWrites.SaveAsync(services.Db, cancellationToken).ConfigureAwait(false) ?? TypedResults.NoContent();
    }

    internal static async Task<IResult> Deliveries(string id, HttpContext http, [AsParameters] WebhookServices services)
    {
        if (!await services.Db.Webhooks.AnyAsync(w => w.Id == id, http.RequestAborted).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (limit, status, before) = ReadDeliveryQuery(http.Request.Query, errors);
        var query = services.Db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == id);
        if (before is not null)
        {
            // The cursor is the last delivery of the previous page: this page is what comes after it, newest first.
            var after = await query.Where(d => d.Id == before).Select(d => new { d.CreatedAt, d.Id })
                .FirstOrDefaultAsync(http.RequestAborted).ConfigureAwait(false);
            if (after is null)
            {
                ConnectionInput.Add(errors, "before", $"before must be the id of one of this webhook's deliveries; '{Short(before)}' is not (a finished delivery is removed after the events' retention).");
            }
            else
            {
                query = query.Where(d => d.CreatedAt < after.CreatedAt || (d.CreatedAt == after.CreatedAt && string.Compare(d.Id, after.Id) < 0));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        if (status is not null)
        {
            query = query.Where(d => d.Status == status);
        }

        var deliveries = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(limit)
            .ToListAsync(http.RequestAborted).ConfigureAwait(false);
        if (deliveries.Count == limit)
        {
            // A full page may have more after it: the next page's address, as RFC 8288 says (the body stays an array).
            var next = QueryString.Create([
                new("limit", limit.ToString(CultureInfo.InvariantCulture)),
                .. status is null ? Array.Empty<KeyValuePair<string, string?>>() : [new("status", status)],
                new("before", deliveries[^1].Id),
            ]);
            http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}{next}>; rel=\"next\"";
        }

        var ids = deliveries.Select(d => d.Id).ToArray();
        var attempts = (await services.Db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId))
                .ToListAsync(http.RequestAborted).ConfigureAwait(false))
            .ToLookup(a => a.DeliveryId, StringComparer.Ordinal);
        return TypedResults.Ok(deliveries.Select(d => DeliveryDocument.Of(d, attempts[d.Id])).ToArray());
    }

    internal static async Task<IResult> Retry(string id, string deliveryId, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var webhook = await services.Db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken).ConfigureAwait(false);
        var delivery = webhook is null
            ? null
            : await services.Db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.WebhookId == id, cancellationToken).ConfigureAwait(false);
        if (delivery is null)
        {
            return webhook is null ? NotFound(id) : Problems.NotFound($"There is no delivery '{Short(deliveryId)}' of webhook '{Short(id)}'.");
        }

        if (!webhook!.Enabled)
        {
            return Disabled(id);
        }

        var now = services.Time.GetUtcNow();
        delivery.Status = DeliveryStatus.Pending;
        delivery.NextAttemptAt = now;
        delivery.RetryFrom = now;
        delivery.CompletedAt = null;
        if (await DatabaseWrites.SaveAsync(services.Db, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        services.Dispatcher.Wake();
        var attempts = await services.Db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == delivery.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted($"/v1/webhooks/{id}/deliveries", DeliveryDocument.Of(delivery, attempts));
    }

    internal static async Task<IResult> Test(string id, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var webhook = await services.Db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken).ConfigureAwait(false);
        if (webhook is null)
        {
            return NotFound(id);
        }

        if (!webhook.Enabled)
        {
            return Disabled(id);
        }

        var now = services.Time.GetUtcNow();
        var eventId = NewId("evt_");
        var payload = new JsonObject
        {
            ["id"] = eventId,
            ["type"] = WebhookEventTypes.Test,
            ["source"] = null,
            ["invoiceId"] = null,
            ["occurredAt"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["data"] = new JsonObject { ["webhookId"] = id },
        };
        var delivery = new WebhookDeliveryRecord
        {
            Id = NewId("dlv_"),
            WebhookId = id,
            EventId = eventId,
            EventType = WebhookEventTypes.Test,
            Payload = payload.ToJsonString(),
            Status = DeliveryStatus.Pending,
            NextAttemptAt = now,
            RetryFrom = now,
            CreatedAt = now,
        };
        services.Db.WebhookDeliveries.Add(delivery);
        if (await DatabaseWrites.SaveAsync(services.Db, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        services.Dispatcher.Wake();
        return TypedResults.Accepted($"/v1/webhooks/{id}/deliveries", DeliveryDocument.Of(delivery, []));
    }

    internal static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>The one answer for a webhook that is missing or another tenant's.</summary>
    private static IResult NotFound(string id) => Problems.NotFound($"There is no webhook '{Short(id)}'.");

    private static IResult Disabled(string id) =>
        Problems.Status(StatusCodes.Status409Conflict, "The webhook is disabled.",
            $"Webhook '{Short(id)}' is disabled; enable it with PATCH {{\"enabled\": true}} first.");

    private static async Task<Uri?> CheckUrlAsync(string text, WebhookServices services, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var insecure = services.Settings.Webhooks.AllowInsecure;
        if (WebhookAddresses.CheckShape(text, insecure, out var url) is { } shape)
        {
            ConnectionInput.Add(errors, "url", shape);
            return null;
        }

        if (await WebhookAddresses.CheckAsync(url!, insecure, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            ConnectionInput.Add(errors, "url", refusal);
            return null;
        }

        return url;
    }

    private static (int Limit, string? Status, string? Before) ReadDeliveryQuery(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var limit = DefaultDeliveryLimit;
        string? status = null;
        string? before = null;
        foreach (var (key, values) in query)
        {
            switch (key)
            {
                case "limit" when values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxDeliveryLimit:
                    limit = n;
                    break;
                case "limit":
                    ConnectionInput.Add(errors, "limit", $"limit must be a whole number from 1 to {MaxDeliveryLimit}.");
                    break;
                case "status" when values.Count == 1 && DeliveryStatus.All.Contains(values[0], StringComparer.Ordinal):
                    status = values[0];
                    break;
                case "status":
                    ConnectionInput.Add(errors, "status", $"status must be one of {string.Join(", ", DeliveryStatus.All)}.");
                    break;
                case "before" when values.Count == 1 && !string.IsNullOrEmpty(values[0]):
                    before = values[0];
                    break;
                case "before":
                    ConnectionInput.Add(errors, "before", "before is one delivery id: the last of the previous page.");
                    break;
                default:
                    ConnectionInput.Add(errors, Short(key), "Not a parameter of this endpoint (known: limit, status, before).");
                    break;
            }
        }

        return (limit, status, before);
    }

    private static string Short(string text) => text.Length > 64 ? text[..64] : text;
}

/// <summary>The services of the webhook endpoints, bundled for <c>[AsParameters]</c>.</summary>
internal sealed record WebhookServices(
    GatewayDb Db,
    WebhookSecrets Secrets,
    WebhookDispatcher Dispatcher,
    GatewaySettings Settings,
    TimeProvider Time);

/// <summary>A webhook as the API shows it: never its secret.</summary>
internal sealed record WebhookDocument(
    string Id,
    string Url,
    IReadOnlyList<string> Types,
    string? Description,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset? FailingSince,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static WebhookDocument Of(WebhookRecord record) => new(
        record.Id, record.Url, TypesOf(record), record.Description, record.Enabled, record.DisabledReason,
        record.FailingSince, record.CreatedAt, record.UpdatedAt);

    internal static string[] TypesOf(WebhookRecord record) => JsonSerializer.Deserialize<string[]>(record.Types) ?? [];
}

/// <summary>The answer to a creation: the document and, this once, the signing secret.</summary>
internal sealed record CreatedWebhookDocument(
    string Id,
    string Secret,
    string Url,
    IReadOnlyList<string> Types,
    string? Description,
    bool Enabled,
    DateTimeOffset CreatedAt)
{
    public static CreatedWebhookDocument Of(WebhookRecord record, string secret) => new(
        record.Id, secret, record.Url, WebhookDocument.TypesOf(record), record.Description, record.Enabled, record.CreatedAt);
}

/// <summary>A delivery in the log: where it stands and every attempt so far.</summary>
internal sealed record DeliveryDocument(
    string Id,
    string EventId,
    string Type,
    string? InvoiceId,
    string Status,
    int AttemptCount,
    DateTimeOffset? NextAttemptAt,
    int? LastStatusCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyList<AttemptDocument> Attempts)
{
    public static DeliveryDocument Of(WebhookDeliveryRecord record, IEnumerable<WebhookAttemptRecord> attempts) => new(
        record.Id, record.EventId, record.EventType, record.InvoiceId, record.Status, record.AttemptCount, record.NextAttemptAt,
        record.LastStatusCode, record.CreatedAt, record.CompletedAt,
        attempts.OrderBy(a => a.Number).Select(a => new AttemptDocument(a.Number, a.At, a.StatusCode, a.Error, a.DurationMs, a.NextAttemptAt)).ToArray());
}

/// <summary>One attempt: when, the receiver's status code (none: no answer), why it failed, and the retry it scheduled.</summary>
internal sealed record AttemptDocument(int Number, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs, DateTimeOffset? NextAttemptAt);
