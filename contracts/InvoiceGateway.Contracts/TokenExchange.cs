namespace InvoiceGateway.Contracts;

/// <summary>
/// How to trade a source's client credentials for a bearer token. Values in <see cref="Headers"/>
/// and <see cref="Body"/> may hold the placeholders <c>{ClientId}</c>, <c>{ClientSecret}</c>,
/// <c>{SecretKey}</c>, <c>{Username}</c> and <c>{Password}</c>, filled from the source's <c>Auth</c> settings.
/// </summary>
public sealed record TokenExchange
{
    /// <summary>The HTTP method. The default value is <c>POST</c>.</summary>
    public string Method { get; init; } = "POST";

    /// <summary>The path relative to the source's <c>BaseUrl</c>, or an absolute URL.</summary>
    public required string Path { get; init; }

    /// <summary>How <see cref="Body"/> is sent. The default value is <see cref="TokenBodyFormat.None"/>.</summary>
    public TokenBodyFormat BodyFormat { get; init; } = TokenBodyFormat.None;

    /// <summary>Request headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Body fields (JSON properties or form fields).</summary>
    public IReadOnlyDictionary<string, string> Body { get; init; } = new Dictionary<string, string>();

    /// <summary>Dotted path of the token in the JSON response. The default value is <c>access_token</c>.</summary>
    public string TokenPath { get; init; } = "access_token";

    /// <summary>Dotted path of the expiry in the JSON response, or <c>null</c> when none is given.</summary>
    public string? ExpiryPath { get; init; } = "expires_in";

    /// <summary>What the expiry value means. The default value is <see cref="TokenExpiryUnit.Seconds"/>.</summary>
    public TokenExpiryUnit ExpiryUnit { get; init; } = TokenExpiryUnit.Seconds;

    /// <summary>The .NET date format of an <see cref="TokenExpiryUnit.Absolute"/> expiry (UTC), or <c>null</c> for ISO 8601.</summary>
    public string? ExpiryFormat { get; init; }

    /// <summary>GoScore's exchange: <c>POST auth</c> with <c>Client-ID</c> and <c>Secret-Key</c> headers.</summary>
    public static TokenExchange GoScore { get; } = new()
    {
        Path = "auth",
        Headers = new Dictionary<string, string> { ["Client-ID"] = "{ClientId}", ["Secret-Key"] = "{SecretKey}" },
        TokenPath = "token",
        ExpiryPath = "expire_at",
        ExpiryUnit = TokenExpiryUnit.Absolute,
        ExpiryFormat = "MM-dd-yyyy HH:mm",
    };
}

/// <summary>How a token request's body is encoded.</summary>
public enum TokenBodyFormat
{
    /// <summary>No body.</summary>
    None,

    /// <summary>A JSON object of string properties.</summary>
    Json,

    /// <summary>An <c>application/x-www-form-urlencoded</c> form.</summary>
    Form,
}

/// <summary>What a token response's expiry value means.</summary>
public enum TokenExpiryUnit
{
    /// <summary>A lifetime in seconds.</summary>
    Seconds,

    /// <summary>A lifetime in minutes.</summary>
    Minutes,

    /// <summary>An absolute UTC time.</summary>
    Absolute,
}

/// <summary>An adapter's defaults for a source's authentication; the source's <c>Auth</c> settings win over them.</summary>
public sealed record AuthDefaults
{
    /// <summary>
    /// The auth type used when the source's settings name none: <c>none</c>, <c>basic</c>, <c>bearer</c>,
    /// <c>apikey</c>, <c>goscore</c>, <c>oauth2</c> or <c>token</c>.
    /// </summary>
    public string? Type { get; init; }

    /// <summary>The exchange used by the <c>token</c> auth type.</summary>
    public TokenExchange? TokenExchange { get; init; }

    /// <summary>The header that carries the key for the <c>apikey</c> auth type.</summary>
    public string? HeaderName { get; init; }

    /// <summary>The token endpoint for the <c>oauth2</c> auth type (relative to <c>BaseUrl</c> or absolute).</summary>
    public string? TokenUrl { get; init; }
}
