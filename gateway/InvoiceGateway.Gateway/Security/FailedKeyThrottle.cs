using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using InvoiceGateway.Gateway.Configuration;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// A fixed window of failed API keys per client address (IPv6 by its /64, which one client usually
/// holds whole). Asked before a key is compared, so an address that has used up its failures learns
/// nothing more from its guesses until the window ends, not even that a guess was right.
/// </summary>
internal sealed class FailedKeyThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress?> _failures;

    // Milliseconds (Environment.TickCount64) after which every address has all its permits again whatever failed before:
    // three windows after the last failure (a fixed window's timer replenishes within two; one more for timer lag).
    // Until then every request asks the limiter; after it, none needs to, which was a partition lookup, a lease and a
    // delegate per request for every caller (bench/results/detail-2026-12-02.md).
    private long _allReplenishedAt = long.MinValue;
    private readonly long _quietMs;

    public FailedKeyThrottle(RateLimitSettings settings)
    {
        _quietMs = (long)Math.Ceiling(settings.FailedKeyWindow.TotalMilliseconds * 3);
        _failures = PartitionedRateLimiter.Create<IPAddress?, IPAddress>(address =>
            RateLimitPartition.GetFixedWindowLimiter(Client(address), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.FailedKeyLimit,
                Window = settings.FailedKeyWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>False when the address has no failures left in this window; <paramref name="retryAfter"/> says for how long.</summary>
    public bool MayTry(IPAddress? address, out TimeSpan retryAfter)
    {
        if (Environment.TickCount64 > Volatile.Read(ref _allReplenishedAt))
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        // Zero permits asks whether any are left, without taking one.
        using var lease = _failures.AttemptAcquire(address, 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    public void RecordFailure(IPAddress? address)
    {
        // Before the permit is taken, so that no request can pass the fast path above while this failure counts.
        Volatile.Write(ref _allReplenishedAt, Environment.TickCount64 + _quietMs);
        _failures.AttemptAcquire(address, 1).Dispose();
    }

    public void Dispose() => _failures.Dispose();

    private static IPAddress Client(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
