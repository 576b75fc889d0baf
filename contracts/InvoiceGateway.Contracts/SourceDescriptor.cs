namespace InvoiceGateway.Contracts;

/// <summary>One configured source, as an adapter sees it. Credentials are not part of it: the gateway applies them.</summary>
public sealed record SourceDescriptor
{
    /// <summary>The configured source name; the prefix of its canonical ids.</summary>
    public required string Name { get; init; }

    /// <summary>The API root as the vendor documents it.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The configured currency, or <c>null</c> to use the payload's or the adapter's default.</summary>
    public string? Currency { get; init; }

    /// <summary>The configured direction, or <c>null</c> to use the adapter's default.</summary>
    public InvoiceDirection? Direction { get; init; }

    /// <summary>The adapter-specific options (<c>Options</c> section), keys case-insensitive.</summary>
    public IReadOnlyDictionary<string, string?> Options { get; init; } =
        new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The folder relative paths in <see cref="Options"/> are resolved against.</summary>
    public string ContentRoot { get; init; } = AppContext.BaseDirectory;

    /// <summary>The clock for status rules (overdue) and token expiry.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Bounds on what the upstream may send.</summary>
    public UpstreamLimits Limits { get; init; } = UpstreamLimits.Default;

    /// <summary>Reads an option, or <c>null</c> when absent or blank.</summary>
    /// <param name="key">The option name.</param>
    /// <returns>The value, or <c>null</c>.</returns>
    public string? Option(string key) =>
        Options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}

/// <summary>Bounds on what an upstream may send, enforced by adapters while parsing.</summary>
/// <param name="MaxDepth">Deepest JSON nesting accepted. The default value is 64.</param>
/// <param name="MaxInvoices">Most invoices accepted from one source's list. The default value is 200,000.</param>
/// <param name="MaxPages">Most pages followed in one list. The default value is 10,000.</param>
public sealed record UpstreamLimits(int MaxDepth = 64, int MaxInvoices = 200_000, int MaxPages = 10_000)
{
    /// <summary>The default limits.</summary>
    public static UpstreamLimits Default { get; } = new();
}
