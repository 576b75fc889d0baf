using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning;

/// <summary>
/// The <c>sendregning</c> adapter: reads the invoices a SendRegning account has sent
/// (<c>GET invoices/?page=N&amp;perPage=M</c>, following the <c>Link</c> header's <c>rel="next"</c>;
/// <c>GET invoices/{number}</c>) as receivable canonical invoices.
/// Option: <c>PageSize</c> (1 to 1000, default 100).
/// </summary>
public sealed class SendRegningAdapter : IInvoiceAdapter
{
    /// <inheritdoc />
    public string Name => "sendregning";

    /// <inheritdoc />
    public string DefaultCurrency => "NOK";

    /// <inheritdoc />
    public InvoiceDirection DefaultDirection => InvoiceDirection.Receivable;

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(SourceDescriptor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SendRegningOptions.Read(source).Problems;
    }

    /// <inheritdoc />
    /// <remarks>SendRegning takes HTTP basic auth.</remarks>
    public AuthDefaults? DescribeAuth(SourceDescriptor source) => new() { Type = "basic" };

    /// <inheritdoc />
    public IInvoiceSource Create(SourceDescriptor source, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(http);
        var options = SendRegningOptions.Read(source);
        if (options.Problems.Count > 0)
        {
            throw new ArgumentException(
                $"Source '{source.Name}' is not valid: {string.Join(" ", options.Problems)}", nameof(source));
        }

        return new SendRegningSource(source, options, http, DefaultCurrency, source.Direction ?? DefaultDirection);
    }
}
