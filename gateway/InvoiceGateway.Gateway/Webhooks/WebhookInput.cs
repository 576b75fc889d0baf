using System.Text.Json;
using InvoiceGateway.Gateway.Connections;

namespace InvoiceGateway.Gateway.Webhooks;

/// <summary>
/// The body of <c>POST /v1/webhooks</c> and <c>PATCH /v1/webhooks/{id}</c>, read by hand so that every bad
/// field is named in one 400; a property that is not one of these is an error too.
/// </summary>
internal sealed class WebhookInput
{
    private static readonly string[] Properties = ["url", "types", "description", "enabled"];

    public string? Url { get; private set; }

    /// <summary>The event types asked for; <c>null</c> when not given, empty for every type.</summary>
    public IReadOnlyList<string>? Types { get; private set; }

    public bool HasDescription { get; private set; }

    public string? Description { get; private set; }

    public bool? Enabled { get; private set; }

    public static async Task<WebhookInput?> ReadAsync(HttpRequest request, Dictionary<string, string[]> errors)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            ConnectionInput.Add(errors, "body", "The body must be a JSON object.");
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                ConnectionInput.Add(errors, "body", "The body must be a JSON object.");
                return null;
            }

            var input = new WebhookInput();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "url":
                        input.Url = value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 2048 } url
                            ? url
                            : Invalid(errors, "url", "url must be an absolute https URL of at most 2048 characters.");
                        break;
                    case "types":
                        input.Types = ReadTypes(value, errors);
                        break;
                    case "description":
                        input.HasDescription = true;
                        input.Description = value.ValueKind switch
                        {
                            JsonValueKind.Null => null,
                            JsonValueKind.String when value.GetString() is { Length: <= 500 } text => text.Length == 0 ? null : text,
                            _ => Invalid(errors, "description", "description must be a string of at most 500 characters."),
                        };
                        break;
                    case "enabled":
                        input.Enabled = value.ValueKind switch
                        {
                            JsonValueKind.True => true,
                            JsonValueKind.False => false,
                            _ => Flag(errors),
                        };
                        break;
                    default:
                        var name = property.Name.Length > 64 ? property.Name[..64] : property.Name;
                        ConnectionInput.Add(errors, name, $"'{name}' is not a field of a webhook (known: {string.Join(", ", Properties)}).");
                        break;
                }
            }

            return input;
        }
    }

    private static List<string>? ReadTypes(JsonElement value, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            Invalid(errors, "types", $"types must be an array of event types ({string.Join(", ", WebhookEventTypes.All)}); an empty array means every type.");
            return null;
        }

        var types = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var type = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (type is null || !WebhookEventTypes.All.Contains(type, StringComparer.Ordinal))
            {
                var shown = type is null ? item.ValueKind.ToString().ToLowerInvariant() : "'" + (type.Length > 64 ? type[..64] : type) + "'";
                ConnectionInput.Add(errors, "types", $"{shown} is not an event type (known: {string.Join(", ", WebhookEventTypes.All)}).");
            }
            else if (!types.Contains(type, StringComparer.Ordinal))
            {
                types.Add(type);
            }
        }

        return types;
    }

    private static string? Invalid(Dictionary<string, string[]> errors, string field, string message)
    {
        ConnectionInput.Add(errors, field, message);
        return null;
    }

    private static bool? Flag(Dictionary<string, string[]> errors)
    {
        ConnectionInput.Add(errors, "enabled", "enabled must be true or false.");
        return null;
    }
}

/// <summary>The event types a webhook can ask for: those of the event log, and the test ping's own.</summary>
internal static class WebhookEventTypes
{
    /// <summary>The test ping's type: sent by <c>POST /v1/webhooks/{id}/test</c> only, never in the event log.</summary>
    public const string Test = "webhook.test";

    public static IReadOnlyList<string> All => Events.EventTypes.All;
}
