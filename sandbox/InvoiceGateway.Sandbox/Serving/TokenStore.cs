using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace InvoiceGateway.Sandbox.Serving;

/// <summary>Bearer tokens an API issued, each valid for a fixed lifetime. Safe under concurrent issuing and checking.</summary>
internal sealed class TokenStore(TimeProvider time, TimeSpan lifetime)
{
    private const int PurgeAbove = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> tokens = new(StringComparer.Ordinal);

    public TimeSpan Lifetime => lifetime;

    /// <summary>Issues a new token; <paramref name="format"/> may shape it (e.g. as a JWT) from a random value and the expiry.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(Func<string, DateTimeOffset, string>? format = null)
    {
        var now = time.GetUtcNow();
        var expiresAt = now + lifetime;
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var token = format is null ? random : format(random, expiresAt);
        if (tokens.Count > PurgeAbove)
        {
            foreach (var pair in tokens)
            {
                if (pair.Value <= now)
                {
                    tokens.TryRemove(pair);
                }
            }
        }

        tokens[token] = expiresAt;
        return (token, expiresAt);
    }

    public bool IsValid(string token) => tokens.TryGetValue(token, out var expiresAt) && time.GetUtcNow() < expiresAt;
}
