using System.Text.RegularExpressions;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Connections;

/// <summary>
/// The fields a connection of a connectable definition supplies, derived from the definition rather than
/// listed per source: the credential fields its auth type needs that the definition leaves out, and the
/// options its adapter reports as required ("Options:ConsentId is required ...") that the definition leaves out.
/// </summary>
internal static partial class ConnectionFields
{
    public static IReadOnlyList<string> MissingOptions(IEnumerable<string> adapterProblems) =>
        adapterProblems.Select(p => MissingOption().Match(p)).Where(m => m.Success).Select(m => m.Groups[1].Value)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    public static bool IsMissingOption(string problem, string option) =>
        MissingOption().Match(problem) is { Success: true } match && string.Equals(match.Groups[1].Value, option, StringComparison.OrdinalIgnoreCase);

    /// <summary>The option a problem of the adapter names (<c>Options:X ...</c>), if any.</summary>
    public static string? OptionOf(string problem) => NamedOption().Match(problem) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>A credential field's value by its name; <c>null</c> when blank.</summary>
    public static string? Credential(UpstreamAuthOptions auth, string field) => AuthTypesBlank(field switch
    {
        nameof(UpstreamAuthOptions.Username) => auth.Username,
        nameof(UpstreamAuthOptions.Password) => auth.Password,
        nameof(UpstreamAuthOptions.Token) => auth.Token,
        nameof(UpstreamAuthOptions.ClientId) => auth.ClientId,
        nameof(UpstreamAuthOptions.ClientSecret) => auth.ClientSecret,
        nameof(UpstreamAuthOptions.SecretKey) => auth.SecretKey,
        nameof(UpstreamAuthOptions.Scope) => auth.Scope,
        _ => null,
    });

    /// <summary>The definition's auth with the connection's credential fields set (names as in <see cref="UpstreamAuthOptions"/>).</summary>
    public static UpstreamAuthOptions WithCredentials(UpstreamAuthOptions auth, IReadOnlyDictionary<string, string> credentials)
    {
        foreach (var (field, value) in credentials)
        {
            auth = field switch
            {
                nameof(UpstreamAuthOptions.Username) => auth with { Username = value },
                nameof(UpstreamAuthOptions.Password) => auth with { Password = value },
                nameof(UpstreamAuthOptions.Token) => auth with { Token = value },
                nameof(UpstreamAuthOptions.ClientId) => auth with { ClientId = value },
                nameof(UpstreamAuthOptions.ClientSecret) => auth with { ClientSecret = value },
                nameof(UpstreamAuthOptions.SecretKey) => auth with { SecretKey = value },
                nameof(UpstreamAuthOptions.Scope) => auth with { Scope = value },
                _ => auth,
            };
        }

        return auth;
    }

    private static string? AuthTypesBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    [GeneratedRegex(@"^Options:([A-Za-z0-9_]+) is required", RegexOptions.CultureInvariant)]
    private static partial Regex MissingOption();

    [GeneratedRegex(@"^Options:([A-Za-z0-9_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex NamedOption();
}
