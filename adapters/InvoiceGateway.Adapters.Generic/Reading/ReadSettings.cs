namespace InvoiceGateway.Adapters.Generic.Reading;

/// <summary>How a source reads: the page size asked for and how many requests run at once.</summary>
internal sealed record ReadSettings(int PageSize, int PageConcurrency = ReadSettings.DefaultPageConcurrency, int DetailConcurrency = ReadSettings.DefaultDetailConcurrency)
{
    /// <summary>Pages of a page+total list fetched at once.</summary>
    public const int DefaultPageConcurrency = 4;

    /// <summary>Detail requests completing summaries at once.</summary>
    public const int DefaultDetailConcurrency = 8;
}
