using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.GoScore;

/// <summary>The source's <c>Options</c> section, read once and checked all at once.</summary>
/// <param name="ConsentId">The user consent whose invoices are read.</param>
/// <param name="PageSize">Invoices asked for per page. The default value is 100.</param>
/// <param name="Problems">Every problem found, each a sentence naming the option.</param>
internal sealed record GoScoreOptions(string ConsentId, int PageSize, IReadOnlyList<string> Problems)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static GoScoreOptions Read(SourceDescriptor source)
    {
        var problems = new List<string>();
        var consentId = source.Option("ConsentId")?.Trim();
        if (consentId is null)
        {
            problems.Add("Options:ConsentId is required: the id of the GoScore user consent whose invoices are read.");
        }

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

        return new GoScoreOptions(consentId ?? string.Empty, pageSize, problems);
    }
}
