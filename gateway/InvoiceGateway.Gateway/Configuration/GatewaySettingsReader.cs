using System.Globalization;
using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Configuration;

/// <summary>
/// Reads the <c>Gateway</c> section by hand rather than with the binder, so that every malformed
/// value becomes one line of the start-up error instead of the first exception winning.
/// </summary>
internal static class GatewaySettingsReader
{
    private const string Root = "Gateway";

    private static readonly HashSet<string> SourceKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Adapter", "BaseUrl", "Currency", "Direction", "Auth", "Options", "Cache", "Timeout", "Resilience", "Limits",
        "Owner",
        "Connectable", "Upstream",
    };

    private static readonly HashSet<string> AuthKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Type", "Username", "Password", "Token", "ClientId", "ClientSecret", "SecretKey", "TokenUrl", "Scope", "HeaderName",
    };

    public static GatewaySettings Read(IConfiguration configuration, List<string> problems)
    {
        var gateway = configuration.GetSection(Root);
        var sources = new List<SourceSettings>();
        foreach (var section in gateway.GetSection("Sources").GetChildren())
        {
            if (ReadSource(section, problems) is { } source)
            {
                sources.Add(source);
            }
        }

        var demoSwitch = ReadBool(gateway, "Demo", problems) ?? true;
        var syncEnabled = ReadBool(gateway.GetSection("Sync"), "Enabled", problems) ?? true;
        if (!syncEnabled)
        {
            sources = sources.Select(s => s with { KeptWarmBySync = false }).ToList();
        }

        var tenants = ReadTenants(gateway.GetSection("Tenants"), sources, problems);
        return new GatewaySettings
        {
            Sources = sources,
            Redis = Text(gateway["Redis"]),
            ApiKeys = ReadApiKeys(gateway.GetSection("ApiKeys"), problems),
            Plugins = Text(gateway["Plugins"]) ?? "plugins",
            CacheMemoryLimitMb = ReadInt(gateway.GetSection("Cache"), "MemoryLimitMb", 16, 1_048_576, problems) ?? 1024,
            Demo = sources.Count == 0 && demoSwitch,
            Tenants = tenants,
            RateLimit = new RateLimitSettings
            {
                PermitLimit = ReadInt(gateway.GetSection("RateLimit"), "PermitLimit", 1, 1_000_000, problems) ?? 600,
                Window = ReadTimeSpan(gateway.GetSection("RateLimit"), "Window", problems) ?? TimeSpan.FromMinutes(1),
                FailedKeyLimit = ReadInt(gateway.GetSection("RateLimit"), "FailedKeyLimit", 1, 1_000_000, problems) ?? 20,
                FailedKeyWindow = ReadTimeSpan(gateway.GetSection("RateLimit"), "FailedKeyWindow", problems) ?? TimeSpan.FromMinutes(1),
            },
            Telemetry = ReadTelemetry(gateway.GetSection("Telemetry"), problems),
            PublicUrl = ReadPublicUrl(gateway, problems),
            TimeZone = ReadTimeZone(gateway, problems),
            Events = new EventSettings { Retention = ReadTimeSpan(gateway.GetSection("Events"), "Retention", problems) ?? TimeSpan.FromDays(7) },
            Webhooks = Webhooks.WebhookSettings.Read(gateway.GetSection("Webhooks"), problems),
            Sync = new SyncSettings
            {
                ReadTimeout = ReadTimeSpan(gateway.GetSection("Sync"), "ReadTimeout", problems) ?? TimeSpan.FromMinutes(10),
                Concurrency = ReadInt(gateway.GetSection("Sync"), "Concurrency", 1, 256, problems) ?? 8,
                Enabled = syncEnabled,
            },
        };
    }

    private static TelemetrySettings ReadTelemetry(IConfigurationSection section, List<string> problems)
    {
        foreach (var child in section.GetChildren())
        {
            if (child.Key is not ("Otlp" or "Prometheus"))
            {
                problems.Add($"{child.Path} is not a known setting (known: Otlp, Prometheus).");
            }
        }

        Uri? otlp = null;
        if (Text(section["Otlp"]) is { } text)
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                otlp = uri;
            }
            else
            {
                problems.Add($"{section.Path}:Otlp must be the absolute http(s) URL of an OTLP collector such as http://collector:4317, not '{text}'.");
            }
        }

        return new TelemetrySettings { Otlp = otlp, Prometheus = ReadBool(section, "Prometheus", problems) ?? false };
    }

    private static TimeZoneInfo ReadTimeZone(IConfigurationSection gateway, List<string> problems)
    {
        if (Text(gateway["TimeZone"]) is not { } id)
        {
            return TimeZoneInfo.Utc;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }

        problems.Add($"{gateway.Path}:TimeZone must be a time zone id such as UTC or Europe/Oslo, not '{id}'.");
        return TimeZoneInfo.Utc;
    }

    private static SourceSettings? ReadSource(IConfigurationSection section, List<string> problems)
    {
        var path = section.Path;
        var name = section.Key;
        if (!IsSourceName(name))
        {
            problems.Add($"{path}: the source name '{name}' must be 1-64 characters of letters, digits, '-' or '_'.");
        }

        foreach (var child in section.GetChildren())
        {
            if (!SourceKeys.Contains(child.Key))
            {
                problems.Add($"{child.Path} is not a known setting (known: {string.Join(", ", SourceKeys)}).");
            }
        }

        var adapter = Text(section["Adapter"]);
        if (adapter is null)
        {
            problems.Add($"{path}:Adapter is required (goscore, sendcloud, sendregning, generic or a plug-in's name).");
        }

        Uri? baseUrl = null;
        var baseUrlText = Text(section["BaseUrl"]);
        if (baseUrlText is null)
        {
            problems.Add($"{path}:BaseUrl is required.");
        }
        else if (!Uri.TryCreate(baseUrlText, UriKind.Absolute, out baseUrl)
                 || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)
                 || !string.IsNullOrEmpty(baseUrl.UserInfo) || !string.IsNullOrEmpty(baseUrl.Query))
        {
            problems.Add($"{path}:BaseUrl must be an absolute http or https URL without credentials or query, not '{baseUrlText}'.");
            baseUrl = null;
        }

        var currency = Text(section["Currency"]);
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetter)))
        {
            problems.Add($"{path}:Currency must be an ISO 4217 code of three letters, not '{currency}'.");
        }

        InvoiceDirection? direction = null;
        if (Text(section["Direction"]) is { } directionText)
        {
            if (Enum.TryParse<InvoiceDirection>(directionText, ignoreCase: true, out var parsed) && !int.TryParse(directionText, out _))
            {
                direction = parsed;
            }
            else
            {
                problems.Add($"{path}:Direction must be 'payable' or 'receivable', not '{directionText}'.");
            }
        }

        var auth = ReadAuth(section.GetSection("Auth"), problems);
        var cache = section.GetSection("Cache");
        var ttl = ReadTimeSpan(cache, "Ttl", problems) ?? TimeSpan.FromMinutes(1);
        var staleTtl = ReadTimeSpan(cache, "StaleTtl", problems) ?? TimeSpan.FromDays(1);
        if (staleTtl < ttl)
        {
            problems.Add($"{cache.Path}:StaleTtl ({staleTtl}) must not be shorter than Ttl ({ttl}).");
            staleTtl = ttl;
        }

        var timeout = ReadTimeSpan(section, "Timeout", problems) ?? TimeSpan.FromSeconds(10);
        var limits = section.GetSection("Limits");
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in section.GetSection("Options").GetChildren())
        {
            options[option.Key] = option.Value;
        }

        var settings = new SourceSettings
        {
            Name = name,
            Adapter = adapter ?? string.Empty,
            BaseUrl = baseUrl ?? new Uri("http://invalid.invalid/"),
            Currency = currency?.ToUpperInvariant(),
            Direction = direction,
            Auth = auth,
            Options = options,
            Cache = new CachePolicy(ttl, staleTtl),
            Timeout = timeout,
            Resilience = ReadResilience(section.GetSection("Resilience"), problems),
            Owner = OwnerPartyReader.Read(section.GetSection("Owner"), problems),
            Limits = new UpstreamLimits(
                MaxDepth: ReadInt(limits, "MaxDepth", 4, 1_000, problems) ?? UpstreamLimits.Default.MaxDepth,
                MaxInvoices: ReadInt(limits, "MaxInvoices", 1, 10_000_000, problems) ?? UpstreamLimits.Default.MaxInvoices,
                MaxPages: ReadInt(limits, "MaxPages", 1, 1_000_000, problems) ?? UpstreamLimits.Default.MaxPages),
        };
        return settings with
        {
            Connectable = ReadBool(section, "Connectable", problems) ?? false,
            RequestsPerSecond = ReadDouble(section.GetSection("Upstream"), "RequestsPerSecond", problems) is { } rate
                ? rate > 0 ? rate : Invalid(problems, $"{path}:Upstream:RequestsPerSecond must be greater than 0.")
                : null,
        };
    }

    private static double? Invalid(List<string> problems, string problem)
    {
        problems.Add(problem);
        return null;
    }

    private static TenantSettings ReadTenants(IConfigurationSection section, List<SourceSettings> sources, List<string> problems)
    {
        var shared = section.GetSection("SharedSources").GetChildren().Select(s => Text(s.Value)).OfType<string>().ToArray();
        foreach (var name in shared)
        {
            if (!sources.Any(s => s.Name == name && !s.Connectable))
            {
                problems.Add($"{section.Path}:SharedSources names '{name}', which is not a configured (non-connectable) source.");
            }
        }

        return new TenantSettings
        {
            MaxConnections = ReadInt(section, "MaxConnections", 0, 100_000, problems) ?? 50,
            SharedSources = shared,
        };
    }

    private static UpstreamAuthOptions ReadAuth(IConfigurationSection auth, List<string> problems)
    {
        foreach (var child in auth.GetChildren())
        {
            if (!AuthKeys.Contains(child.Key))
            {
                problems.Add($"{child.Path} is not a known setting (known: {string.Join(", ", AuthKeys)}).");
            }
        }

        return new UpstreamAuthOptions
        {
            Type = Text(auth["Type"])?.ToLowerInvariant(),
            Username = Text(auth["Username"]),
            Password = Text(auth["Password"]),
            Token = Text(auth["Token"]),
            ClientId = Text(auth["ClientId"]),
            ClientSecret = Text(auth["ClientSecret"]),
            SecretKey = Text(auth["SecretKey"]),
            TokenUrl = Text(auth["TokenUrl"]),
            Scope = Text(auth["Scope"]),
            HeaderName = Text(auth["HeaderName"]),
        };
    }

    private static UpstreamResilienceOptions ReadResilience(IConfigurationSection section, List<string> problems)
    {
        var defaults = new UpstreamResilienceOptions();
        return defaults with
        {
            AttemptTimeout = ReadTimeSpan(section, "AttemptTimeout", problems) ?? defaults.AttemptTimeout,
            TotalTimeout = ReadTimeSpan(section, "TotalTimeout", problems) ?? defaults.TotalTimeout,
            MaxRetries = ReadInt(section, "MaxRetries", 0, 10, problems) ?? defaults.MaxRetries,
            RetryBaseDelay = ReadTimeSpan(section, "RetryBaseDelay", problems) ?? defaults.RetryBaseDelay,
            MaxRetryAfter = ReadTimeSpan(section, "MaxRetryAfter", problems) ?? defaults.MaxRetryAfter,
            CircuitFailureRatio = ReadDouble(section, "CircuitFailureRatio", problems) ?? defaults.CircuitFailureRatio,
            CircuitMinimumThroughput = ReadInt(section, "CircuitMinimumThroughput", 2, 100_000, problems) ?? defaults.CircuitMinimumThroughput,
            CircuitSamplingDuration = ReadTimeSpan(section, "CircuitSamplingDuration", problems) ?? defaults.CircuitSamplingDuration,
            CircuitBreakDuration = ReadTimeSpan(section, "CircuitBreakDuration", problems) ?? defaults.CircuitBreakDuration,
            MaxResponseBytes = ReadLong(section, "MaxResponseBytes", 1024, long.MaxValue, problems) ?? defaults.MaxResponseBytes,
        };
    }

    private static List<ApiKeySettings> ReadApiKeys(IConfigurationSection section, List<string> problems)
    {
        var keys = new List<ApiKeySettings>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in section.GetChildren())
        {
            var name = Text(entry["Name"]) ?? entry.Key;
            var key = Text(entry["Key"]);
            if (key is null)
            {
                problems.Add($"{entry.Path}:Key is required.");
                continue;
            }

            if (!ApiKeyMatcher.IsWellFormed(key, out var reason))
            {
                problems.Add($"{entry.Path}:Key {reason}");
                continue;
            }

            if (!names.Add(name))
            {
                problems.Add($"{entry.Path}:Name '{name}' is used by another key.");
            }

            var sources = entry.GetSection("Sources").GetChildren().Select(s => Text(s.Value)).OfType<string>().ToArray();
            keys.Add(new ApiKeySettings
            {
                Name = name,
                Key = key,
                Sources = sources.Length == 0 ? ["*"] : sources,
                Role = ReadRole(entry, problems),
            });
        }

        return keys;
    }

    private static string ReadRole(IConfigurationSection entry, List<string> problems)
    {
        var admin = ReadBool(entry, "Admin", problems) ?? false;
        var role = Text(entry["Role"])?.ToLowerInvariant();
        if (role is not null && !GatewayRoles.All.Contains(role))
        {
            problems.Add($"{entry.Path}:Role must be one of {string.Join(", ", GatewayRoles.All)}, not '{entry["Role"]}'.");
            return GatewayRoles.Reader;
        }

        if (admin && role is not null && role != GatewayRoles.Admin)
        {
            problems.Add($"{entry.Path}: Admin is true but Role is '{role}'; Admin: true means Role admin.");
        }

        return admin ? GatewayRoles.Admin : role ?? GatewayRoles.Reader;
    }

    private static Uri? ReadPublicUrl(IConfigurationSection gateway, List<string> problems)
    {
        if (Text(gateway["PublicUrl"]) is not { } text)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(url.UserInfo) && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment))
        {
            return url;
        }

        problems.Add($"{gateway.Path}:PublicUrl must be an absolute http or https URL without credentials, query or fragment, not '{text}'.");
        return null;
    }

    internal static bool IsSourceName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static TimeSpan? ReadTimeSpan(IConfigurationSection section, string key, List<string> problems)
    {
        if (Text(section[key]) is not { } text)
        {
            return null;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        problems.Add($"{section.Path}:{key} must be a positive duration such as 00:00:10, not '{text}'.");
        return null;
    }

    internal static int? ReadInt(IConfigurationSection section, string key, int min, int max, List<string> problems)
    {
        if (Text(section[key]) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"{section.Path}:{key} must be a whole number from {min} to {max}, not '{text}'.");
        return null;
    }

    private static long? ReadLong(IConfigurationSection section, string key, long min, long max, List<string> problems)
    {
        if (Text(section[key]) is not { } text)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"{section.Path}:{key} must be a whole number from {min} to {max}, not '{text}'.");
        return null;
    }

    private static double? ReadDouble(IConfigurationSection section, string key, List<string> problems)
    {
        if (Text(section[key]) is not { } text)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        problems.Add($"{section.Path}:{key} must be a number, not '{text}'.");
        return null;
    }

    internal static bool? ReadBool(IConfigurationSection section, string key, List<string> problems)
    {
        if (Text(section[key]) is not { } text)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{section.Path}:{key} must be true or false, not '{text}'.");
        return null;
    }
}

/// <summary>Thrown at start-up when the configuration is invalid; its message lists every problem.</summary>
internal sealed class GatewayConfigurationException(IReadOnlyList<string> problems)
    : Exception(Format(problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    private static string Format(IReadOnlyList<string> problems) =>
        $"InvoiceGateway cannot start: the configuration has {problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}:"
        + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p));
}
