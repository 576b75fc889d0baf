using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>Everything <see cref="UpstreamClientFactory"/> needs to build one source's client.</summary>
public sealed record UpstreamSource
{
    /// <summary>The configured source name; used in errors, logs and metrics.</summary>
    public required string Name { get; init; }

    /// <summary>The API root as the vendor documents it; the client's base address (with a trailing <c>/</c>).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The source's <c>Auth</c> settings.</summary>
    public UpstreamAuthOptions Auth { get; init; } = new();

    /// <summary>The source's <c>Resilience</c> settings.</summary>
    public UpstreamResilienceOptions Resilience { get; init; } = new();

    /// <summary>What the source's adapter says about its auth (<see cref="IInvoiceAdapter.DescribeAuth"/>), or <c>null</c>.</summary>
    public AuthDefaults? AdapterAuth { get; init; }
}
