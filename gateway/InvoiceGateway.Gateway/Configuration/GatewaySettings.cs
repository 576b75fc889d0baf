using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Configuration;

/// <summary>The validated <c>Gateway</c> configuration section (SPEC §5).</summary>
internal sealed record GatewaySettings
{
    public IReadOnlyList<SourceSettings> Sources { get; init; } = [];

    /// <summary>StackExchange.Redis configuration string; <c>null</c> means L1 (memory) only.</summary>
    public string? Redis { get; init; }

    public IReadOnlyList<ApiKeySettings> ApiKeys { get; init; } = [];

    /// <summary>Folder of plug-in adapter assemblies, relative to the content root.</summary>
    public string Plugins { get; init; } = "plugins";

    /// <summary>True when no source is configured and demo mode was not switched off.</summary>
    public bool Demo { get; init; }

    public RateLimitSettings RateLimit { get; init; } = new();

    /// <summary>
    /// The URL clients reach the gateway at (<c>Gateway:PublicUrl</c>), written into the OpenAPI document
    /// and links; <c>null</c> writes none. Never taken from a request's <c>Host</c> header.
    /// </summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>How much memory the cache may hold per replica, in MB (<c>Gateway:Cache:MemoryLimitMb</c>). The default value is 1024.</summary>
    public long CacheMemoryLimitMb { get; init; } = 1024;

    /// <summary>The default page size of <c>GET /v1/invoices</c>.</summary>
    public int DefaultLimit { get; init; } = 50;

    /// <summary><c>Gateway:TimeZone</c>: the zone whose calendar day decides whether an invoice is overdue (default UTC).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    public TelemetrySettings Telemetry { get; init; } = new();

    public TenantSettings Tenants { get; init; } = new();

    public EventSettings Events { get; init; } = new();

    public Webhooks.WebhookSettings Webhooks { get; init; } = new();

    public SyncSettings Sync { get; init; } = new();
}

/// <summary><c>Gateway:Sync</c>: the background reads that keep every source warm (SPEC section 8).</summary>
internal sealed record SyncSettings
{
    /// <summary>
    /// How long one background read of a whole source may take (a request never waits for it, so it may be longer than
    /// the source's <c>Timeout</c>, which bounds what a request waits). The default value is 10 minutes.
    /// </summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many sources one replica reads at the same time. The default value is 8.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>
    /// <c>false</c> switches the background reads off (for tests that count upstream calls, or a passthrough-only
    /// deployment): a list is then read when a request finds no copy, and refreshed by the cache when a request finds
    /// it past its Ttl; changes are still compared (and become events) at those reads. The default value is true.
    /// </summary>
    public bool Enabled { get; init; } = true;
}

/// <summary><c>Gateway:Events</c>: the change feed (SPEC section 8).</summary>
internal sealed record EventSettings
{
    /// <summary>How long events are kept; a cursor older than this is answered 410 <c>events_expired</c>. The default value is 7 days.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);
}

/// <summary><c>Gateway:Tenants</c>: limits and sharing of tenants (SPEC section 7).</summary>
internal sealed record TenantSettings
{
    /// <summary>Connections one tenant may have. The default value is 50.</summary>
    public int MaxConnections { get; init; } = 50;

    /// <summary>
    /// Configured sources (of the default tenant) that every tenant may read besides its own connections.
    /// The default value is none: a tenant sees only what it connected.
    /// </summary>
    public IReadOnlyList<string> SharedSources { get; init; } = [];
}

/// <summary>Where traces, metrics and logs go (OpenTelemetry); both off by default.</summary>
internal sealed record TelemetrySettings
{
    /// <summary>The OTLP (gRPC) collector that receives traces, metrics and logs; <c>null</c> exports nothing.</summary>
    public Uri? Otlp { get; init; }

    /// <summary>Whether <c>/metrics</c> answers Prometheus scrapes. The default value is false.</summary>
    public bool Prometheus { get; init; }
}

/// <summary>One configured source.</summary>
internal sealed record SourceSettings
{
    public required string Name { get; init; }

    public required string Adapter { get; init; }

    public required Uri BaseUrl { get; init; }

    public string? Currency { get; init; }

    public InvoiceDirection? Direction { get; init; }

    public UpstreamAuthOptions Auth { get; init; } = new();

    public IReadOnlyDictionary<string, string?> Options { get; init; } =
        new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Fresh for <c>Ttl</c>; served as stale when the upstream fails until <c>StaleTtl</c>.</summary>
    public CachePolicy Cache { get; init; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));

    /// <summary>Whether the background sync keeps this source's list warm (<c>Gateway:Sync:Enabled</c>, for every source).</summary>
    public bool KeptWarmBySync { get; init; } = true;

    /// <summary>How long one list or detail read of this source may take in all. The default value is 10 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public UpstreamResilienceOptions Resilience { get; init; } = new();

    public UpstreamLimits Limits { get; init; } = UpstreamLimits.Default;

    /// <summary>The gateway owner's party: completes the owner's side of this source's invoices in the UBL export (SPEC §9).</summary>
    public Party? Owner { get; init; }

    /// <summary>
    /// Tenants may create connections of this definition (SPEC section 7): it gives the adapter, BaseUrl,
    /// defaults and app-level credentials, a connection the rest. A connectable definition is not itself a source.
    /// </summary>
    public bool Connectable { get; init; }

    /// <summary><c>Upstream:RequestsPerSecond</c>: the calls of all of this definition's connections together; <c>null</c> means no limit.</summary>
    public double? RequestsPerSecond { get; init; }
}

/// <summary>An API key and what it may read.</summary>
internal sealed record ApiKeySettings
{
    public required string Name { get; init; }

    /// <summary>The key itself, or <c>sha256:&lt;hex&gt;</c> of it; compared in constant time.</summary>
    public required string Key { get; init; }

    /// <summary>Source names the key may read; <c>*</c> means all.</summary>
    public IReadOnlyList<string> Sources { get; init; } = ["*"];

    /// <summary>One of <see cref="Security.GatewayRoles"/>; <c>Admin: true</c> in configuration means <c>admin</c>. The default value is <c>reader</c>.</summary>
    public string Role { get; init; } = Security.GatewayRoles.Reader;
}

/// <summary>Requests per key per window (ASP.NET Core fixed-window rate limiting).</summary>
internal sealed record RateLimitSettings
{
    /// <summary>The default value is 600.</summary>
    public int PermitLimit { get; init; } = 600;

    /// <summary>The default value is 1 minute.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Invalid API keys one client address may send per <see cref="FailedKeyWindow"/>. The default value is 20.</summary>
    public int FailedKeyLimit { get; init; } = 20;

    /// <summary>The default value is 1 minute.</summary>
    public TimeSpan FailedKeyWindow { get; init; } = TimeSpan.FromMinutes(1);
}
