using System.Security.Cryptography;
using System.Text;
using InvoiceGateway.Gateway.Configuration;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// Finds the configured key a request presents. Keys are held as SHA-256 digests and every
/// configured key is compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, so
/// neither the key nor which entry matched leaks through timing.
/// </summary>
internal sealed class ApiKeyMatcher
{
    private const string HashPrefix = "sha256:";
    private readonly (byte[] Digest, ApiKeySettings Key)[] _keys;

    public ApiKeyMatcher(IEnumerable<ApiKeySettings> keys)
    {
        _keys = keys.Select(k => (Digest(k.Key), k)).ToArray();
    }

    /// <summary>True when at least one key is configured (otherwise reads are anonymous).</summary>
    public bool Enabled => _keys.Length > 0;

    public ApiKeySettings? Match(string presented)
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
}
