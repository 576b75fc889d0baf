using System.Text.Json;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Upstream;
using Microsoft.AspNetCore.DataProtection;

namespace InvoiceGateway.Gateway.Connections;

/// <summary>
/// Turns a connection (its definition, options and credentials) into a <see cref="SourceRuntime"/>, and
/// keeps its credentials encrypted at rest with Data Protection (the key ring is in the database, so every
/// replica can read what another wrote).
/// </summary>
internal sealed class ConnectionRuntimes(IDataProtectionProvider protection, TimeProvider time)
{
    private readonly IDataProtector _credentials = protection.CreateProtector("InvoiceGateway.Connections.Credentials.v1");

    public string Protect(IReadOnlyDictionary<string, string> credentials) =>
        _credentials.Protect(JsonSerializer.Serialize(credentials));

    public Dictionary<string, string> Unprotect(string protectedCredentials) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(_credentials.Unprotect(protectedCredentials))
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    public static string SerializeOptions(IReadOnlyDictionary<string, string> options) => JsonSerializer.Serialize(options);

    public static Dictionary<string, string> DeserializeOptions(string options) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(options) ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The runtime of a stored connection.</summary>
    public SourceRuntime Build(ConnectionDefinition definition, ConnectionRecord record) =>
        Build(definition, record.TenantId, record.Id, record.Name, DeserializeOptions(record.Options), Unprotect(record.Credentials), record.CacheTtl, DeserializeOwner(record.Owner));

    public static string? SerializeOwner(Party? owner) => owner is null ? null : JsonSerializer.Serialize(owner);

    /// <summary>The stored owner; an unreadable value is no owner (the export then says what it lacks), never a failure.</summary>
    public static Party? DeserializeOwner(string? owner)
    {
        try
        {
            return owner is null ? null : JsonSerializer.Deserialize<Party>(owner);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public SourceRuntime Build(
        ConnectionDefinition definition,
        string tenant,
        string id,
        string name,
        IReadOnlyDictionary<string, string> options,
        IReadOnlyDictionary<string, string> credentials,
        TimeSpan? ttl,
        Party? owner)
    {
        var plan = definition.Plan;
        var merged = new Dictionary<string, string?>(plan.Settings.Options, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in options)
        {
            merged[key] = value;
        }

        var settings = plan.Settings with
        {
            Name = name,
            Options = merged,
            Auth = ConnectionFields.WithCredentials(plan.Settings.Auth, credentials),
            Cache = ttl is { } fresh
                ? new Caching.CachePolicy(fresh, fresh > plan.Settings.Cache.StaleTtl ? fresh : plan.Settings.Cache.StaleTtl)
                : plan.Settings.Cache,
            Connectable = false,

            // The connection's own party: the definition's Owner (if any) is the app's, not the tenant's.
            Owner = owner,
        };
        var connectionPlan = plan with { Settings = settings };
        var descriptor = connectionPlan.Describe(time);
        var client = definition.Clients.Create(new UpstreamSource
        {
            Name = name,
            BaseUrl = settings.BaseUrl,
            Auth = settings.Auth,
            Resilience = settings.Resilience,
            AdapterAuth = plan.AdapterAuth,
        });
        return new SourceRuntime(settings, plan.Adapter, descriptor, client, id, tenant);
    }
}
