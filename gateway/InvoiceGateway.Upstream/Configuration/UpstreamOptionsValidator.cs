using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Checks one source's Auth and Resilience settings against what its auth type needs. Every problem
/// is one sentence naming the configuration key; a credential's value is never part of it.
/// </summary>
public static class UpstreamOptionsValidator
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MinCircuitWindow = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);

    /// <summary>The highest <see cref="UpstreamResilienceOptions.MaxRetries"/> accepted.</summary>
    public const int MaxRetriesLimit = 10;

    /// <summary>Returns every problem of the source's settings, or an empty list when they are valid.</summary>
    /// <param name="sourceName">The configured source name, for the key paths in the messages.</param>
    /// <param name="auth">The source's <c>Auth</c> settings.</param>
    /// <param name="resilience">The source's <c>Resilience</c> settings.</param>
    /// <param name="adapterAuth">What the source's adapter says about auth, or <c>null</c>.</param>
    /// <returns>The problems, e.g. "Gateway:Sources:goscore:Auth:ClientId is required for Auth:Type 'goscore'."</returns>
    public static IReadOnlyList<string> Validate(
        string sourceName, UpstreamAuthOptions auth, UpstreamResilienceOptions resilience, AuthDefaults? adapterAuth)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(resilience);

        var problems = new List<string>();
        var prefix = $"Gateway:Sources:{sourceName}";
        ValidateAuth(prefix, sourceName, auth, adapterAuth, problems);
        ValidateResilience(prefix, resilience, problems);
        return problems;
    }

    /// <summary>
    /// The credential fields (names of <see cref="UpstreamAuthOptions"/> properties, e.g. <c>ClientId</c>)
    /// that the effective auth type needs: what a connection of a connectable source must supply when the
    /// definition leaves them out.
    /// </summary>
    /// <param name="auth">The configured <c>Auth</c> settings.</param>
    /// <param name="adapterAuth">What the source's adapter says about auth, or <c>null</c>.</param>
    /// <returns>The field names, in the order the auth type documents them.</returns>
    public static IReadOnlyList<string> RequiredCredentials(UpstreamAuthOptions auth, AuthDefaults? adapterAuth)
    {
        ArgumentNullException.ThrowIfNull(auth);
        return AuthTypes.Resolve(auth, adapterAuth) switch
        {
            AuthTypes.Basic => [nameof(auth.Username), nameof(auth.Password)],
            AuthTypes.Bearer or AuthTypes.ApiKey => [nameof(auth.Token)],
            AuthTypes.GoScore => TokenPlaceholders.Used(TokenExchange.GoScore),
            AuthTypes.OAuth2 => [nameof(auth.ClientId), nameof(auth.ClientSecret)],
            AuthTypes.Token when adapterAuth?.TokenExchange is { } exchange => TokenPlaceholders.Used(exchange),
            _ => [],
        };
    }

    private static void ValidateAuth(string prefix, string sourceName, UpstreamAuthOptions auth, AuthDefaults? adapter, List<string> problems)
    {
        var type = AuthTypes.Resolve(auth, adapter);
        if (!AuthTypes.All.Contains(type))
        {
            var known = string.Join(", ", AuthTypes.All);
            problems.Add(AuthTypes.Blank(auth.Type) is not null
                ? $"{prefix}:Auth:Type '{type}' is not supported; use one of {known}."
                : $"{prefix}:Auth:Type is not set and the adapter's default '{type}' is not supported; set one of {known}.");
            return;
        }

        foreach (var (name, value) in Credentials(auth))
        {
            if (value is not null && value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                problems.Add($"{prefix}:Auth:{name} must not contain line breaks.");
            }
        }

        switch (type)
        {
            case AuthTypes.Basic:
                Require(prefix, type, nameof(auth.Username), auth.Username, problems);
                Require(prefix, type, nameof(auth.Password), auth.Password, problems);
                if (auth.Username?.Contains(':', StringComparison.Ordinal) == true)
                {
                    problems.Add($"{prefix}:Auth:Username must not contain ':' for Auth:Type 'basic'.");
                }

                break;
            case AuthTypes.Bearer:
                Require(prefix, type, nameof(auth.Token), auth.Token, problems);
                break;
            case AuthTypes.ApiKey:
                Require(prefix, type, nameof(auth.Token), auth.Token, problems);
                if (!IsHeaderName(AuthTypes.ApiKeyHeader(auth, adapter)))
                {
                    problems.Add(AuthTypes.Blank(auth.HeaderName) is not null
                        ? $"{prefix}:Auth:HeaderName is not a valid HTTP header name."
                        : $"The adapter of source '{sourceName}' names an invalid API key header; set {prefix}:Auth:HeaderName.");
                }

                break;
            case AuthTypes.GoScore:
                ValidateExchange(prefix, sourceName, type, auth, TokenExchange.GoScore, problems);
                break;
            case AuthTypes.OAuth2:
                ValidateOAuth2(prefix, sourceName, auth, adapter, problems);
                break;
            case AuthTypes.Token:
                if (adapter?.TokenExchange is { } exchange)
                {
                    ValidateExchange(prefix, sourceName, type, auth, exchange, problems);
                }
                else
                {
                    problems.Add($"{prefix}:Auth:Type 'token' needs a token exchange, but the adapter of source '{sourceName}' describes none.");
                }

                break;
        }
    }

    private static void ValidateOAuth2(string prefix, string sourceName, UpstreamAuthOptions auth, AuthDefaults? adapter, List<string> problems)
    {
        Require(prefix, AuthTypes.OAuth2, nameof(auth.ClientId), auth.ClientId, problems);
        Require(prefix, AuthTypes.OAuth2, nameof(auth.ClientSecret), auth.ClientSecret, problems);
        var tokenUrl = AuthTypes.TokenUrl(auth, adapter);
        if (tokenUrl is null)
        {
            problems.Add($"{prefix}:Auth:TokenUrl is required for Auth:Type 'oauth2' (the adapter gives no default).");
        }
        else if (!IsEndpoint(tokenUrl))
        {
            problems.Add(AuthTypes.Blank(auth.TokenUrl) is not null
                ? $"{prefix}:Auth:TokenUrl must be an absolute http(s) URL or a path relative to BaseUrl."
                : $"The adapter of source '{sourceName}' gives an invalid token URL; set {prefix}:Auth:TokenUrl.");
        }
    }

    private static void ValidateExchange(
        string prefix, string sourceName, string type, UpstreamAuthOptions auth, TokenExchange exchange, List<string> problems)
    {
        foreach (var name in TokenPlaceholders.Used(exchange))
        {
            Require(prefix, type, name, TokenPlaceholders.Value(auth, name), problems);
        }

        var what = $"The token exchange of source '{sourceName}' (from its adapter)";
        if (string.IsNullOrWhiteSpace(exchange.Method) || !IsToken(exchange.Method))
        {
            problems.Add($"{what} has an invalid Method.");
        }

        if (string.IsNullOrWhiteSpace(exchange.Path) || !IsEndpoint(exchange.Path))
        {
            problems.Add($"{what} needs a Path: an absolute http(s) URL or a path relative to BaseUrl.");
        }

        if (string.IsNullOrWhiteSpace(exchange.TokenPath))
        {
            problems.Add($"{what} needs a TokenPath.");
        }

        if (exchange.Headers.Keys.Any(h => !IsHeaderName(h)))
        {
            problems.Add($"{what} has an invalid header name.");
        }

        if (exchange.BodyFormat == TokenBodyFormat.None && exchange.Body.Count > 0)
        {
            problems.Add($"{what} has Body fields but BodyFormat None.");
        }

        if (!Enum.IsDefined(exchange.BodyFormat) || !Enum.IsDefined(exchange.ExpiryUnit))
        {
            problems.Add($"{what} has an unknown BodyFormat or ExpiryUnit.");
        }
    }

    private static void ValidateResilience(string prefix, UpstreamResilienceOptions r, List<string> problems)
    {
        var key = $"{prefix}:Resilience";
        Between(problems, $"{key}:AttemptTimeout", r.AttemptTimeout, MinTimeout, MaxDuration, "10 ms", "24 hours");
        Between(problems, $"{key}:TotalTimeout", r.TotalTimeout, MinTimeout, MaxDuration, "10 ms", "24 hours");
        if (r.TotalTimeout < r.AttemptTimeout && r.TotalTimeout >= MinTimeout)
        {
            problems.Add($"{key}:TotalTimeout ({Show(r.TotalTimeout)}) must not be shorter than {key}:AttemptTimeout ({Show(r.AttemptTimeout)}).");
        }

        if (r.MaxRetries is < 0 or > MaxRetriesLimit)
        {
            problems.Add($"{key}:MaxRetries must be between 0 and {MaxRetriesLimit} (is {r.MaxRetries.ToString(CultureInfo.InvariantCulture)}).");
        }

        Between(problems, $"{key}:RetryBaseDelay", r.RetryBaseDelay, TimeSpan.Zero, MaxDuration, "0", "24 hours");
        Between(problems, $"{key}:MaxRetryAfter", r.MaxRetryAfter, TimeSpan.Zero, MaxDuration, "0", "24 hours");
        if (!(r.CircuitFailureRatio > 0 && r.CircuitFailureRatio <= 1))
        {
            problems.Add($"{key}:CircuitFailureRatio must be greater than 0 and at most 1 (is {r.CircuitFailureRatio.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (r.CircuitMinimumThroughput < 2)
        {
            problems.Add($"{key}:CircuitMinimumThroughput must be at least 2 (is {r.CircuitMinimumThroughput.ToString(CultureInfo.InvariantCulture)}).");
        }

        Between(problems, $"{key}:CircuitSamplingDuration", r.CircuitSamplingDuration, MinCircuitWindow, MaxDuration, "500 ms", "24 hours");
        Between(problems, $"{key}:CircuitBreakDuration", r.CircuitBreakDuration, MinCircuitWindow, MaxDuration, "500 ms", "24 hours");
        if (r.MaxResponseBytes <= 0)
        {
            problems.Add($"{key}:MaxResponseBytes must be greater than 0 (is {r.MaxResponseBytes.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static IEnumerable<(string Name, string? Value)> Credentials(UpstreamAuthOptions auth) =>
    [
        (nameof(auth.Username), auth.Username),
        (nameof(auth.Password), auth.Password),
        (nameof(auth.Token), auth.Token),
        (nameof(auth.ClientId), auth.ClientId),
        (nameof(auth.ClientSecret), auth.ClientSecret),
        (nameof(auth.SecretKey), auth.SecretKey),
        (nameof(auth.Scope), auth.Scope),
    ];

    private static void Require(string prefix, string type, string name, string? value, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{prefix}:Auth:{name} is required for Auth:Type '{type}'.");
        }
    }

    private static void Between(List<string> problems, string key, TimeSpan value, TimeSpan min, TimeSpan max, string minText, string maxText)
    {
        if (value < min || value > max)
        {
            problems.Add($"{key} must be between {minText} and {maxText} (is {Show(value)}).");
        }
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>An absolute http(s) URL, or a relative reference (resolved against BaseUrl).</summary>
    internal static bool IsEndpoint(string value)
    {
        // On Unix "/auth" parses as an absolute file:// URI, so absolute means http(s) explicitly.
        if (Uri.TryCreate(value, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return true;
        }

        return !value.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(value, UriKind.Relative, out _);
    }

    internal static bool IsHeaderName(string name) => name.Length > 0 && IsToken(name);

    // RFC 9110 §5.6.2 token characters.
    private static bool IsToken(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
