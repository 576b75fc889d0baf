using Microsoft.AspNetCore.Authentication;

namespace InvoiceGateway.Gateway.Security;

/// <summary>Constants of the API key authentication scheme.</summary>
internal static class ApiKeyDefaults
{
    public const string AuthenticationScheme = "ApiKey";

    public const string HeaderName = "X-Api-Key";
}

/// <summary>Options of <see cref="ApiKeyAuthenticationHandler"/>.</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The request header that carries the key. The default value is <c>X-Api-Key</c>.</summary>
    public string HeaderName { get; set; } = ApiKeyDefaults.HeaderName;

    /// <summary>Longer values are refused without hashing them. The default value is 512.</summary>
    public int MaxKeyLength { get; set; } = 512;
}
