using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using InvoiceGateway.Gateway.Configuration;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// Finds the configured key a request presents. Keys are held as SHA-256 digests and every
/// configured key is compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, so
/// neither the key nor which entry matched leaks through timing. A value that matched is remembered
/// (at most one per configured key, so the memory is bounded by the configuration, and a wrong guess is
/// never added): a known key's next request costs a lookup, not a SHA-256 (the hash was a few percent of a
/// cached request, bench/results/hotpath-profile.md).
/// </summary>
internal sealed class ApiKeyMatcher
{
    private const string HashPrefix = "sha256:";
    private readonly (byte[] Digest, ApiKeySettings Key)[] _keys;
    private readonly ConcurrentDictionary<string, ApiKeySettings> _matched = new(FixedTimeComparer.Instance);

    public ApiKeyMatcher(IEnumerable<ApiKeySettings> keys)
    {
        _keys = keys.Select(k => (Digest(k.Key), k)).ToArray();
    }

    /// <summary>True when at least one key is configured (otherwise reads are anonymous).</summary>
    public bool Enabled => _keys.Length > 0;

    public ApiKeySettings? Match(string presented)
    {
        if (_matched.TryGetValue(presented, out var known))
        {
            return known;
        }

        var found = MatchDigest(presented);
        if (found is not null && _matched.Count < _keys.Length)
        {
            _matched.TryAdd(presented, found);
        }

        return found;
    }

    private ApiKeySettings? MatchDigest(string presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        ApiKeySettings? found = null;
        foreach (var (expected, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(expected, digest))
            {
                found ??= key;
            }
        }

        return found;
    }

    public static bool IsWellFormed(string key, out string reason)
    {
        if (key.StartsWith(HashPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var hex = key[HashPrefix.Length..];
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            {
                reason = "must be 'sha256:' followed by 64 hexadecimal digits.";
                return false;
            }
        }
        else if (key.Length < 16)
        {
            reason = "must be at least 16 characters long (or 'sha256:<hex>' of the key).";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private static byte[] Digest(string configured) =>
        configured.StartsWith(HashPrefix, StringComparison.OrdinalIgnoreCase)
            ? Convert.FromHexString(configured[HashPrefix.Length..])
            : SHA256.HashData(Encoding.UTF8.GetBytes(configured));

    /// <summary>
    /// Keys by the process's randomized string hash (a guess tells nothing about a key whose hash it does not share),
    /// equal only when every character is, compared in fixed time.
    /// </summary>
    private sealed class FixedTimeComparer : IEqualityComparer<string>
    {
        public static FixedTimeComparer Instance { get; } = new();

        public bool Equals(string? x, string? y) =>
            x is not null && y is not null
            && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(x.AsSpan()), MemoryMarshal.AsBytes(y.AsSpan()));

        public int GetHashCode(string obj) => obj.GetHashCode(StringComparison.Ordinal);
    }
}
