using System.Security.Claims;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// The claim types of a gateway caller, in one place so that every part of the gateway (and every later
/// claim, such as a tenant) reads the principal the same way.
/// </summary>
internal static class GatewayClaims
{
    /// <summary>The configured name of the API key (never the key itself), for logs and rate limiting.</summary>
    public const string KeyName = "invoicegateway:key";

    /// <summary>The caller's role, one of <see cref="GatewayRoles"/>.</summary>
    public const string Role = ClaimTypes.Role;

    /// <summary>One claim per source the caller may read; <see cref="AllSources"/> means every source.</summary>
    public const string Source = "invoicegateway:source";

    public const string AllSources = "*";

    /// <summary>The tenant a tenant key belongs to (SPEC section 7); absent on configured keys.</summary>
    public const string Tenant = "invoicegateway:tenant";
}

/// <summary>The roles an API key can have (<c>Gateway:ApiKeys[].Role</c>).</summary>
internal static class GatewayRoles
{
    /// <summary>Reads invoices and sources. The default.</summary>
    public const string Reader = "reader";

    /// <summary>Everything a reader may, plus refresh and the raw passthrough.</summary>
    public const string Admin = "admin";

    /// <summary>An application acting for its users (SPEC sections 7-10).</summary>
    public const string App = "app";

    public static readonly IReadOnlyList<string> All = [Reader, Admin, App];
}

/// <summary>The named authorization policies of the gateway.</summary>
internal static class GatewayPolicies
{
    /// <summary>An admin key: refresh and the raw passthrough.</summary>
    public const string Admin = "admin";

    /// <summary>An application key.</summary>
    public const string App = "app";

    /// <summary>Refresh and the raw passthrough: an admin key, or an app key for its tenants' sources.</summary>
    public const string Operate = "operate";

    /// <summary>Managing a tenant's connections: an admin or app key, or the tenant's own key.</summary>
    public const string Connect = "connect";

    /// <summary>The bearer of a connect link's token (<c>X-Connect-Token</c>): its own scheme, and nothing else accepts it.</summary>
    public const string ConnectLink = "connect-link";

    /// <summary>Resource-based: the caller may read the source whose name is the resource.</summary>
    public const string ReadSource = "read-source";
}

/// <summary>What a gateway principal may do, read from its claims.</summary>
internal static class GatewayPrincipal
{
    public static string? KeyName(this ClaimsPrincipal user) => user.FindFirst(GatewayClaims.KeyName)?.Value;

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(GatewayRoles.Admin);

    /// <summary>The tenant of a tenant key; <c>null</c> for a configured key.</summary>
    public static string? TenantOfKey(this ClaimsPrincipal user) => user.FindFirst(GatewayClaims.Tenant)?.Value;

    /// <summary>Whether the caller's scope is every source (<c>*</c>), not a list of names.</summary>
    public static bool ReadsEverySource(this ClaimsPrincipal user) =>
        user.FindAll(GatewayClaims.Source).Any(c => c.Value == GatewayClaims.AllSources);

    public static bool CanRead(this ClaimsPrincipal user, string source)
    {
        foreach (var claim in user.FindAll(GatewayClaims.Source))
        {
            if (claim.Value == GatewayClaims.AllSources || string.Equals(claim.Value, source, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
