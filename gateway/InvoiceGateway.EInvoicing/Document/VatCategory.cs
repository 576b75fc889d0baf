namespace InvoiceGateway.EInvoicing.Document;

/// <summary>A VAT category (BT-118/BT-151, UNCL5305) with its rate (BT-119/BT-152).</summary>
internal sealed record VatCategory(string Code, decimal? Rate)
{
    /// <summary>Standard rated.</summary>
    public const string StandardRated = "S";

    /// <summary>
    /// The category a line's rate tells: a rate above zero is standard rated at that rate. A rate of zero (or none) does
    /// not tell whether the line is zero rated, exempt, reverse charged or outside the scope of VAT, so it stays unknown
    /// and is reported rather than guessed (SPEC §9).
    /// </summary>
    public static VatCategory? FromRate(decimal? rate) => rate > 0 ? new VatCategory(StandardRated, rate) : null;
}

/// <summary>One VAT breakdown row [BG-23]: the lines of one category and rate.</summary>
/// <param name="Category">VAT category code and rate [BT-118, BT-119].</param>
/// <param name="TaxableAmount">VAT category taxable amount [BT-116]: the sum of the lines' net amounts.</param>
/// <param name="TaxAmount">VAT category tax amount [BT-117]: the sum of the lines' tax where the source gave every line's
/// tax, otherwise the taxable amount times the rate, rounded to two decimals.</param>
internal sealed record VatBreakdown(VatCategory Category, decimal TaxableAmount, decimal TaxAmount);
