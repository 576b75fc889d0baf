using System.Text;

namespace InvoiceGateway.Upstream;

/// <summary>
/// How the gateway authenticates to one source, bound from <c>Gateway:Sources:&lt;name&gt;:Auth</c>.
/// Which fields are needed depends on <see cref="Type"/>; <see cref="UpstreamOptionsValidator"/> says which.
/// <see cref="ToString"/> never prints a credential, only whether it is set.
/// </summary>
public sealed record UpstreamAuthOptions
{
    /// <summary>
    /// The auth type: <c>none</c>, <c>basic</c>, <c>bearer</c>, <c>apikey</c>, <c>goscore</c>, <c>oauth2</c>
    /// or <c>token</c> (case-insensitive). When <c>null</c> or blank, the adapter's
    /// <see cref="InvoiceGateway.Contracts.AuthDefaults.Type"/> applies, else <c>none</c>.
    /// The default value is <c>null</c>.
    /// </summary>
    public string? Type { get; init; }

    /// <summary>The user name of <c>basic</c> auth, or the <c>{Username}</c> placeholder of a token exchange.</summary>
    public string? Username { get; init; }

    /// <summary>The password of <c>basic</c> auth, or the <c>{Password}</c> placeholder of a token exchange.</summary>
    public string? Password { get; init; }

    /// <summary>The static token of <c>bearer</c> auth, or the key of <c>apikey</c> auth.</summary>
    public string? Token { get; init; }

    /// <summary>The client id of <c>goscore</c>, <c>oauth2</c> and <c>token</c> auth (<c>{ClientId}</c>).</summary>
    public string? ClientId { get; init; }

    /// <summary>The client secret of <c>oauth2</c> and <c>token</c> auth (<c>{ClientSecret}</c>).</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The secret key of <c>goscore</c> auth (<c>{SecretKey}</c>).</summary>
    public string? SecretKey { get; init; }

    /// <summary>
    /// The token endpoint of <c>oauth2</c> auth: an absolute URL or a path relative to the source's
    /// <c>BaseUrl</c>. When <c>null</c>, the adapter's <see cref="InvoiceGateway.Contracts.AuthDefaults.TokenUrl"/> applies.
    /// </summary>
    public string? TokenUrl { get; init; }

    /// <summary>The <c>scope</c> sent with an <c>oauth2</c> token request (<c>{Scope}</c>); none when <c>null</c>.</summary>
    public string? Scope { get; init; }

    /// <summary>
    /// The header of <c>apikey</c> auth. When <c>null</c>, the adapter's
    /// <see cref="InvoiceGateway.Contracts.AuthDefaults.HeaderName"/> applies, else <c>X-Api-Key</c>.
    /// </summary>
    public string? HeaderName { get; init; }

    // Replaces the compiler's member printer so that logging the options never prints a secret.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Type = ").Append(Type ?? "(adapter default)");
        Describe(builder, nameof(Username), Username);
        Describe(builder, nameof(Password), Password);
        Describe(builder, nameof(Token), Token);
        Describe(builder, nameof(ClientId), ClientId);
        Describe(builder, nameof(ClientSecret), ClientSecret);
        Describe(builder, nameof(SecretKey), SecretKey);
        Describe(builder, nameof(TokenUrl), TokenUrl);
        Describe(builder, nameof(Scope), Scope);
        Describe(builder, nameof(HeaderName), HeaderName);
        return true;
    }

    private static void Describe(StringBuilder builder, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            builder.Append(", ").Append(name).Append(" = (set)");
        }
    }
}
