using System.Text.RegularExpressions;

namespace InvoiceGateway.Gateway.Tenancy;

/// <summary>
/// The tenant a request acts for, resolved once from the authenticated caller (a tenant key's own
/// tenant, or an app key's <c>X-Tenant-Id</c>) and read by everything that touches tenant-owned data.
/// Outside a request (start-up, background work) it is the default tenant: the owner of the configured sources.
/// </summary>
internal sealed partial class TenantContext
{
    /// <summary>The tenant of the configured sources and of callers that name no tenant.</summary>
    public const string DefaultId = "default";

    public string Id { get; private set; } = DefaultId;

    public bool IsDefault => Id == DefaultId;

    /// <summary>Whether <paramref name="id"/> is a tenant id an app may choose: <c>[a-z0-9][a-z0-9-]{0,63}</c>.</summary>
    public static bool IsValidId(string? id) => id is not null && TenantIdPattern().IsMatch(id);

    public void Set(string id)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException("Not a tenant id.", nameof(id));
        }

        Id = id;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}
