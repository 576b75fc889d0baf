using System.Globalization;
using System.Text.Json;

namespace InvoiceGateway.Gateway.Connections;

/// <summary>
/// The body of <c>POST /v1/connections</c> and <c>PATCH /v1/connections/{id}</c>, read by hand so that
/// every bad field is named in one 400: a property that is not one of these is an error too.
/// </summary>
internal sealed class ConnectionInput
{
    private static readonly string[] Properties = ["name", "source", "options", "credentials", "cache", "owner"];

    public string? Name { get; private set; }

    public string? Source { get; private set; }

    /// <summary>Options as given (key → value; a null value removes the option in a PATCH).</summary>
    public Dictionary<string, string?>? Options { get; private set; }

    /// <summary>Credential fields as given.</summary>
    public Dictionary<string, string>? Credentials { get; private set; }

    public bool HasTtl { get; private set; }

    public TimeSpan? Ttl { get; private set; }

    /// <summary>Whether <c>owner</c> was given (in a PATCH, <c>null</c> removes it).</summary>
    public bool HasOwner { get; private set; }

    /// <summary>The owner's party (SPEC §9), validated as <c>Gateway:Sources:&lt;name&gt;:Owner</c> is.</summary>
    public Contracts.Party? Owner { get; private set; }

    /// <summary>The same rule as for tenant ids: <c>[a-z0-9][a-z0-9-]{0,63}</c>.</summary>
    public static bool IsValidName(string name) => Tenancy.TenantContext.IsValidId(name);

    public static async Task<ConnectionInput?> ReadAsync(HttpRequest request, Dictionary<string, string[]> errors)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            Add(errors, "body", "The body must be a JSON object.");
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                Add(errors, "body", "The body must be a JSON object.");
                return null;
            }

            var input = new ConnectionInput();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "name":
                        input.Name = String(property.Value, "name", errors);
                        if (input.Name is not null && !IsValidName(input.Name))
                        {
                            Add(errors, "name", "A connection name is 1-64 characters of a-z, 0-9 and '-', starting with a letter or digit.");
                        }

                        break;
                    case "source":
                        input.Source = String(property.Value, "source", errors);
                        break;
                    case "options":
                        input.Options = Object(property.Value, "options", errors, allowNull: true)?.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
                        break;
                    case "credentials":
                        var credentials = Object(property.Value, "credentials", errors, allowNull: false);
                        input.Credentials = credentials?.ToDictionary(p => p.Key, p => p.Value!, StringComparer.OrdinalIgnoreCase);
                        break;
                    case "cache":
                        input.ReadCache(property.Value, errors);
                        break;
                    case "owner":
                        input.ReadOwner(property.Value, errors);
                        break;
                    default:
                        Add(errors, Shorten(property.Name), $"'{Shorten(property.Name)}' is not a field of a connection (known: {string.Join(", ", Properties)}).");
                        break;
                }
            }

            return input;
        }
    }

    public static void Add(Dictionary<string, string[]> errors, string key, string message) =>
        errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];

    private void ReadOwner(JsonElement value, Dictionary<string, string[]> errors)
    {
        HasOwner = true;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var problems = new List<string>();
        Owner = value.ValueKind == JsonValueKind.Object ? Configuration.OwnerPartyReader.Read(value, problems) : null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add("owner must be an object (name, organizationNumber, organizationScheme, vatNumber, electronicAddress, email, phone, website, address) or null.");
        }

        foreach (var problem in problems)
        {
            Add(errors, "owner", problem);
        }
    }

    private void ReadCache(JsonElement value, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Add(errors, "cache", "cache must be an object such as {\"ttl\": \"00:05:00\"}.");
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Name != "ttl")
            {
                Add(errors, "cache." + Shorten(property.Name), "Only cache.ttl can be set.");
                continue;
            }

            HasTtl = true;
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                Ttl = null;
            }
            else if (property.Value.ValueKind == JsonValueKind.String
                     && TimeSpan.TryParse(property.Value.GetString(), CultureInfo.InvariantCulture, out var ttl)
                     && ttl >= TimeSpan.FromSeconds(1) && ttl <= TimeSpan.FromDays(7))
            {
                Ttl = ttl;
            }
            else
            {
                Add(errors, "cache.ttl", "cache.ttl must be a duration from 00:00:01 to 7.00:00:00, such as \"00:05:00\".");
            }
        }
    }

    private static string? String(JsonElement value, string field, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 256 } text)
        {
            return text;
        }

        Add(errors, field, $"{field} must be a non-empty string.");
        return null;
    }

    private static List<KeyValuePair<string, string?>>? Object(JsonElement value, string field, Dictionary<string, string[]> errors, bool allowNull)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Add(errors, field, $"{field} must be an object of strings.");
            return null;
        }

        var entries = new List<KeyValuePair<string, string?>>();
        foreach (var property in value.EnumerateObject())
        {
            var key = Shorten(property.Name);
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String when property.Value.GetString() is { Length: > 0 and <= 4096 } text && !text.AsSpan().ContainsAny('\r', '\n'):
                    entries.Add(new(property.Name, text));
                    break;
                case JsonValueKind.Number when field == "options":
                    entries.Add(new(property.Name, property.Value.GetRawText()));
                    break;
                case JsonValueKind.Null when allowNull:
                    entries.Add(new(property.Name, null));
                    break;
                default:
                    Add(errors, $"{field}.{key}", $"{field}.{key} must be a non-empty string of at most 4096 characters without line breaks.");
                    break;
            }
        }

        return entries;
    }

    private static string Shorten(string text) => text.Length > 64 ? text[..64] : text;
}
