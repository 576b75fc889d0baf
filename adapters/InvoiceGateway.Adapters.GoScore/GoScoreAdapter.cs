using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.GoScore;

/// <summary>
/// The <c>goscore</c> adapter: reads the eFaktura invoices of one GoScore user consent
/// (<c>GET invoices/{Options:ConsentId}?page=N&amp;per_page=M</c>) and normalizes them to payable
/// canonical invoices. Options: <c>ConsentId</c> (required) and <c>PageSize</c> (1 to 1000, default 100).
/// </summary>
public sealed class GoScoreAdapter : IInvoiceAdapter
{
    /// <inheritdoc />
    public string Name => "goscore";

    /// <inheritdoc />
    public string DefaultCurrency => "NOK";

    /// <inheritdoc />
    public InvoiceDirection DefaultDirection => InvoiceDirection.Payable;

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(SourceDescriptor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return GoScoreOptions.Read(source).Problems;
    }

    /// <inheritdoc />
    /// <remarks>GoScore trades <c>Client-ID</c> and <c>Secret-Key</c> headers for a bearer token at <c>POST auth</c>.</remarks>
    public AuthDefaults? DescribeAuth(SourceDescriptor source) =>
        new() { Type = "goscore", TokenExchange = TokenExchange.GoScore };

    /// <inheritdoc />
    public IInvoiceSource Create(SourceDescriptor source, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(http);
        var options = GoScoreOptions.Read(source);
        if (options.Problems.Count > 0)
        {
            throw new ArgumentException(
                $"Source '{source.Name}' is not valid: {string.Join(" ", options.Problems)}", nameof(source));
        }

        return new GoScoreSource(source, options, http, DefaultCurrency, source.Direction ?? DefaultDirection);
    }
}
