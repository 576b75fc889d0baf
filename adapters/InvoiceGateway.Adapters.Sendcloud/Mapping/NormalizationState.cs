using AutoMapper;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Sendcloud.Mapping;

/// <summary>What one mapping call needs besides the payload: the source's settings and a collector of warnings.</summary>
internal sealed class NormalizationState(SourceSettings settings)
{
    public SourceSettings Settings { get; } = settings;

    public UpstreamValues Values { get; } = new();

    /// <summary>The invoice's <c>date</c>, once read (createdAt and issueDate both come from it; read twice it would warn twice).</summary>
    public UpstreamMoment? Date { get; set; }

    public static NormalizationState From(ResolutionContext context) => (NormalizationState)context.State;
}

/// <summary>What every invoice of one source shares.</summary>
/// <param name="Source">The source.</param>
/// <param name="Currency">The source's currency (Sendcloud payloads name none).</param>
/// <param name="Direction">The source's direction.</param>
/// <param name="Issuer">The issuer, from <c>Options:IssuerName</c>; the same instance on every invoice.</param>
internal sealed record SourceSettings(SourceDescriptor Source, string Currency, InvoiceDirection Direction, Party Issuer);
