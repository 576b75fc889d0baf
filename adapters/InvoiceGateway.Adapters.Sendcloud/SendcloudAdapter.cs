using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Sendcloud;

/// <summary>
/// The <c>sendcloud</c> adapter: reads the invoices Sendcloud issues to the account
/// (<c>GET user/invoices</c>, <c>GET user/invoices/{id}</c>) as payable canonical invoices.
/// Option: <c>IssuerName</c>, the issuer's name on every invoice (default <c>Sendcloud</c>).
/// </summary>
public sealed class SendcloudAdapter : IInvoiceAdapter
{
    /// <summary>Sendcloud's OAuth2 token endpoint, used when a source's <c>Auth:Type</c> is <c>oauth2</c> without a <c>TokenUrl</c>.</summary>
    private const string OAuthTokenUrl = "https://account.sendcloud.com/oauth2/token/";

    /// <inheritdoc />
    public string Name => "sendcloud";

    /// <inheritdoc />
    public string DefaultCurrency => "EUR";

    /// <inheritdoc />
    public InvoiceDirection DefaultDirection => InvoiceDirection.Payable;

    /// <inheritdoc />
    /// <remarks><c>IssuerName</c> is free text; a blank value means the default.</remarks>
    public IReadOnlyList<string> Validate(SourceDescriptor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return [];
    }

    /// <inheritdoc />
    /// <remarks>Sendcloud takes HTTP basic auth (public key and secret) or OAuth2 client credentials.</remarks>
    public AuthDefaults? DescribeAuth(SourceDescriptor source) => new() { Type = "basic", TokenUrl = OAuthTokenUrl };

    /// <inheritdoc />
    public IInvoiceSource Create(SourceDescriptor source, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(http);
        var issuerName = source.Option("IssuerName")?.Trim() ?? "Sendcloud";
        return new SendcloudSource(source, http, issuerName, DefaultCurrency, source.Direction ?? DefaultDirection);
    }
}
