using InvoiceGateway.Caching;

namespace InvoiceGateway.Caching.Tests.Support;

/// <summary>A stand-in for a cached invoice list.</summary>
public sealed record Invoices(string Key, int Version);

/// <summary>A fetch delegate that counts its calls and answers <see cref="Invoices"/> with a rising version.</summary>
public sealed class CountingUpstream
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public static ICacheCodec<Invoices> Codec { get; } = new JsonCacheCodec<Invoices>();

    public Func<CancellationToken, Task<Invoices>> Answer(string key, TimeSpan? delay = null) => async ct =>
    {
        var version = Interlocked.Increment(ref _calls);
        if (delay is { } wait)
        {
            await Task.Delay(wait, ct);
        }

        return new Invoices(key, version);
    };

    public Func<CancellationToken, Task<Invoices>> Fail(Exception error) => _ =>
    {
        Interlocked.Increment(ref _calls);
        return Task.FromException<Invoices>(error);
    };

    public Func<CancellationToken, Task<Invoices>> Gated(string key, Task gate) => async _ =>
    {
        var version = Interlocked.Increment(ref _calls);
        await gate;
        return new Invoices(key, version);
    };
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> passed; returns the last answer.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan within) => TrueAsync(() => Task.FromResult(condition()), within);
}

/// <summary>Counts how often values are encoded and decoded.</summary>
public sealed class CountingCodec : ICacheCodec<Invoices>
{
    private int _encoded;
    private int _decoded;

    public int Encoded => Volatile.Read(ref _encoded);

    public int Decoded => Volatile.Read(ref _decoded);

    public byte[] Encode(Invoices value)
    {
        Interlocked.Increment(ref _encoded);
        return CountingUpstream.Codec.Encode(value);
    }

    public Invoices Decode(ReadOnlySpan<byte> bytes)
    {
        Interlocked.Increment(ref _decoded);
        return CountingUpstream.Codec.Decode(bytes);
    }
}
