using System.Collections.Frozen;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>A mapping file loaded, validated and compiled: everything a source needs, with no parsing left to do.</summary>
internal sealed class CompiledMapping
{
    /// <summary>The file as the problems name it (the option's value, or <c>ibana.json</c> for a built-in).</summary>
    public required string Label { get; init; }

    public string? Name { get; init; }

    public string? DefaultCurrency { get; init; }

    public InvoiceDirection? DefaultDirection { get; init; }

    public required AuthDefaults Auth { get; init; }

    public required ListRequest List { get; init; }

    public DetailRequest? Detail { get; init; }

    public required InvoiceNormalizer Normalizer { get; init; }
}

/// <summary>Compiled <c>list</c>.</summary>
internal sealed record ListRequest(
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    PayloadPath Items,
    bool Summaries,
    IReadOnlyList<PayloadPath> SummaryLacks,
    Paging Paging);

/// <summary>Compiled <c>detail</c>.</summary>
internal sealed record DetailRequest(string PathTemplate, PayloadPath Envelope, FrozenSet<int> NotFound);

internal enum PagingKind
{
    None,
    Page,
    LinkHeader,
    NextUrl,
    Cursor,
}

internal enum PageStop
{
    Total,
    ShortPage,
    EmptyPage,
}

/// <summary>Compiled <c>list.paging</c>.</summary>
internal sealed record Paging
{
    public const int DefaultPageSize = 100;

    public const int MaxPageSize = 10_000;

    public static Paging None { get; } = new();

    public PagingKind Kind { get; init; }

    public string? PageParam { get; init; }

    public int StartPage { get; init; } = 1;

    public string? SizeParam { get; init; }

    public int PageSize { get; init; } = DefaultPageSize;

    public PageStop Stop { get; init; }

    public PayloadPath? TotalPath { get; init; }

    public bool TotalCountsPages { get; init; }

    public PayloadPath? NextPath { get; init; }

    public PayloadPath? CursorPath { get; init; }

    public string? CursorParam { get; init; }

    public PayloadPath? HasMorePath { get; init; }
}
