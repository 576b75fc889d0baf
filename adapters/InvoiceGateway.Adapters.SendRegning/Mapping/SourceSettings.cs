using AutoMapper;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Mapping;

/// <summary>What one mapping call needs besides the payload: the source's settings and a collector of warnings.</summary>
internal sealed class NormalizationState(SourceSettings settings)
{
    public SourceSettings Settings { get; } = settings;

    public UpstreamValues Values { get; } = new();

    public static NormalizationState From(ResolutionContext context) => (NormalizationState)context.State;
}

/// <summary>What every invoice of one source shares.</summary>
/// <param name="Source">The source.</param>
/// <param name="DefaultCurrency">The adapter's currency when neither the payload nor the source names one.</param>
/// <param name="Direction">The source's direction.</param>
internal sealed record SourceSettings(SourceDescriptor Source, string DefaultCurrency, InvoiceDirection Direction);
