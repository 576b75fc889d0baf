using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning;

/// <summary>The source's <c>Options</c> section, read once and checked all at once.</summary>
/// <param name="PageSize">Invoices asked for per page (<c>perPage</c>). The default value is 100.</param>
/// <param name="Problems">Every problem found, each a sentence naming the option.</param>
internal sealed record SendRegningOptions(int PageSize, IReadOnlyList<string> Problems)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static SendRegningOptions Read(SourceDescriptor source)
    {
        var problems = new List<string>();
        var pageSize = DefaultPageSize;
        if (source.Option("PageSize") is { } text)
        {
            if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pageSize)
                || pageSize is < 1 or > MaxPageSize)
            {
                problems.Add($"Options:PageSize must be a whole number from 1 to {MaxPageSize}, not '{text}'.");
                pageSize = DefaultPageSize;
            }
        }

        return new SendRegningOptions(pageSize, problems);
    }
}
