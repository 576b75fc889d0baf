using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>The auth types and how a source's settings and its adapter's defaults combine into one.</summary>
internal static class AuthTypes
{
    public const string None = "none";
    public const string Basic = "basic";
    public const string Bearer = "bearer";
    public const string ApiKey = "apikey";
    public const string GoScore = "goscore";
    public const string OAuth2 = "oauth2";
    public const string Token = "token";

    public const string DefaultApiKeyHeader = "X-Api-Key";

    public static IReadOnlyList<string> All { get; } = [None, Basic, Bearer, ApiKey, GoScore, OAuth2, Token];

    /// <summary>The effective type in lower case, or the configured text as is when it names no known type.</summary>
    public static string Resolve(UpstreamAuthOptions auth, AuthDefaults? adapter)
    {
        var type = Blank(auth.Type) ?? Blank(adapter?.Type);
        if (type is null)
        {
            return None;
        }

        return All.FirstOrDefault(t => t.Equals(type, StringComparison.OrdinalIgnoreCase)) ?? type;
    }

    public static string ApiKeyHeader(UpstreamAuthOptions auth, AuthDefaults? adapter) =>
        Blank(auth.HeaderName) ?? Blank(adapter?.HeaderName) ?? DefaultApiKeyHeader;

    public static string? TokenUrl(UpstreamAuthOptions auth, AuthDefaults? adapter) =>
        Blank(auth.TokenUrl) ?? Blank(adapter?.TokenUrl);

    /// <summary>The exchange behind a token-based type (goscore, oauth2, token), or <c>null</c>.</summary>
    public static TokenExchange? Exchange(string type, UpstreamAuthOptions auth, AuthDefaults? adapter) => type switch
    {
        GoScore => TokenExchange.GoScore,
        Token => adapter?.TokenExchange,
        OAuth2 => TokenUrl(auth, adapter) is { } url ? ClientCredentials(url, Blank(auth.Scope) is not null) : null,
        _ => null,
    };

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // OAuth 2.0 client credentials grant (RFC 6749 §4.4) with the credentials in the form (client_secret_post).
    private static TokenExchange ClientCredentials(string tokenUrl, bool withScope)
    {
        var body = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "{ClientId}",
            ["client_secret"] = "{ClientSecret}",
        };
        if (withScope)
        {
            body["scope"] = "{Scope}";
        }

        return new TokenExchange
        {
            Method = "POST",
            Path = tokenUrl,
            BodyFormat = TokenBodyFormat.Form,
            Body = body,
            TokenPath = "access_token",
            ExpiryPath = "expires_in",
            ExpiryUnit = TokenExpiryUnit.Seconds,
        };
    }
}
