using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Mapping;

/// <summary>What every invoice of one source shares.</summary>
/// <param name="Source">The source.</param>
/// <param name="DefaultCurrency">The adapter's currency when neither the payload nor the source names one.</param>
/// <param name="Direction">The source's direction.</param>
internal sealed record SourceSettings(SourceDescriptor Source, string DefaultCurrency, InvoiceDirection Direction);
