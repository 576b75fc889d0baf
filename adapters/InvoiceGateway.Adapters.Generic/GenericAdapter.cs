using System.Collections.Concurrent;
using System.Globalization;
using InvoiceGateway.Adapters.Generic.Mapping;
using InvoiceGateway.Adapters.Generic.Reading;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic;

/// <summary>
/// The <c>generic</c> adapter: reads any JSON invoice API described by a mapping file. A source names its
/// mapping in <c>Options:Mapping</c>: a built-in name (<c>ibana</c>, <c>dollr</c>) or a file path resolved
/// against <see cref="SourceDescriptor.ContentRoot"/>; <c>Options:PageSize</c> overrides the mapping's page size.
/// </summary>
public sealed class GenericAdapter : IInvoiceAdapter
{
    /// <summary>The option that names the mapping.</summary>
    public const string MappingOption = "Mapping";

    /// <summary>The option that sets the page size asked for (1 to 10,000); the default is the mapping's <c>paging.pageSize</c>.</summary>
    public const string PageSizeOption = "PageSize";

    /// <summary>The option that sets how many pages of a page+total list are fetched at once (1 to 32). The default value is 4.</summary>
    public const string PageConcurrencyOption = "PageConcurrency";

    /// <summary>The option that sets how many detail requests completing list summaries run at once (1 to 64). The default value is 8.</summary>
    public const string DetailConcurrencyOption = "DetailConcurrency";

    internal const InvoiceDirection FallbackDirection = InvoiceDirection.Payable;

    private static readonly (string Name, int Max)[] NumberOptions =
    [
        (PageSizeOption, Paging.MaxPageSize),
        (PageConcurrencyOption, 32),
        (DetailConcurrencyOption, 64),
    ];

    // Compiled mappings by location: each is loaded once, however many sources use it.
    private readonly ConcurrentDictionary<string, CompiledMapping> _mappings = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Name => "generic";

    /// <summary>
    /// None: a mapped API names its currency in the payload, or the source's <c>Currency</c> setting does, or the
    /// mapping's <c>defaults.currency</c> (for an API that is single-currency by its docs); otherwise the invoice's
    /// currency is null with warning <c>currency_missing</c>, never invented.
    /// </summary>
    public string? DefaultCurrency => null;

    /// <summary>The default value is payable; a mapping's <c>defaults.direction</c> takes its place for its sources.</summary>
    public InvoiceDirection DefaultDirection => FallbackDirection;

    /// <inheritdoc />
    public InvoiceDirection DefaultDirectionFor(SourceDescriptor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Option(MappingOption) is { } mapping && Load(source, mapping).Mapping?.DefaultDirection is { } direction
            ? direction
            : FallbackDirection;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(SourceDescriptor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var problems = new List<string>();
        foreach (var (name, max) in NumberOptions)
        {
            if (source.Option(name) is { } text && ParseNumber(text, max) is null)
            {
                problems.Add($"Options:{name} '{text}' is not a whole number from 1 to {max}.");
            }
        }

        if (source.Option(MappingOption) is not { } mapping)
        {
            problems.Add($"Options:{MappingOption} is missing: name a built-in mapping ({string.Join(", ", MappingFile.BuiltInNames)}) or a mapping file.");
            return problems;
        }

        var (_, mappingProblems) = Load(source, mapping);
        problems.AddRange(mappingProblems);
        return problems;
    }

    /// <inheritdoc />
    public AuthDefaults? DescribeAuth(SourceDescriptor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Option(MappingOption) is { } mapping ? Load(source, mapping).Mapping?.Auth : null;
    }

    /// <inheritdoc />
    public IInvoiceSource Create(SourceDescriptor source, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(http);
        var option = source.Option(MappingOption)
                     ?? throw new InvalidOperationException($"Source '{source.Name}' has no Options:{MappingOption}.");
        var (mapping, problems) = Load(source, option);
        if (mapping is null)
        {
            throw new InvalidOperationException(
                $"Source '{source.Name}' has an invalid mapping:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }

        var read = new ReadSettings(
            Number(source, PageSizeOption) ?? mapping.List.Paging.PageSize,
            Number(source, PageConcurrencyOption) ?? ReadSettings.DefaultPageConcurrency,
            Number(source, DetailConcurrencyOption) ?? ReadSettings.DefaultDetailConcurrency);
        return new GenericSource(mapping, source, http, read);
    }

    private (CompiledMapping? Mapping, IReadOnlyList<string> Problems) Load(SourceDescriptor source, string option)
    {
        var key = MappingFile.Locate(option, source.ContentRoot);
        if (_mappings.TryGetValue(key, out var cached))
        {
            return (cached, []);
        }

        // Only valid mappings are kept: a broken file is read again (and reported again) until it is fixed.
        var (mapping, problems) = MappingFile.Load(option, source.ContentRoot);
        return mapping is null ? (null, problems) : (_mappings.GetOrAdd(key, mapping), []);
    }

    private static int? Number(SourceDescriptor source, string name)
    {
        if (source.Option(name) is not { } text)
        {
            return null;
        }

        var max = NumberOptions.First(o => o.Name == name).Max;
        return ParseNumber(text, max) ?? throw new InvalidOperationException($"Source '{source.Name}' has an invalid Options:{name}.");
    }

    private static int? ParseNumber(string text, int max) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max
            ? value
            : null;
}
