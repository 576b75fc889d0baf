using System.Text.RegularExpressions;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>The <c>{ClientId}</c>-style placeholders of a <see cref="TokenExchange"/>, filled from the source's Auth settings.</summary>
internal static partial class TokenPlaceholders
{
    /// <summary>Fills every placeholder in one pass, so a value that itself looks like a placeholder is never expanded.</summary>
    public static string Fill(string template, UpstreamAuthOptions auth, Func<string, string>? encode = null) =>
        Pattern().Replace(template, match =>
        {
            var value = Value(auth, match.Groups[1].Value) ?? string.Empty;
            return encode is null ? value : encode(value);
        });

    /// <summary>The placeholder names (the Auth setting each one reads) an exchange uses, in order of appearance.</summary>
    public static IReadOnlyList<string> Used(TokenExchange exchange)
    {
        var templates = new List<string> { exchange.Path };
        templates.AddRange(exchange.Headers.Values);
        if (exchange.BodyFormat != TokenBodyFormat.None)
        {
            templates.AddRange(exchange.Body.Values);
        }

        return templates
            .Where(t => t is not null)
            .SelectMany(t => Pattern().Matches(t).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public static string? Value(UpstreamAuthOptions auth, string name) => name switch
    {
        nameof(UpstreamAuthOptions.ClientId) => auth.ClientId,
        nameof(UpstreamAuthOptions.ClientSecret) => auth.ClientSecret,
        nameof(UpstreamAuthOptions.SecretKey) => auth.SecretKey,
        nameof(UpstreamAuthOptions.Username) => auth.Username,
        nameof(UpstreamAuthOptions.Password) => auth.Password,
        nameof(UpstreamAuthOptions.Scope) => auth.Scope,
        _ => null,
    };

    [GeneratedRegex(@"\{(ClientId|ClientSecret|SecretKey|Username|Password|Scope)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
