using InvoiceGateway.Caching;

namespace InvoiceGateway.Caching.Tests.Support;

/// <summary>A stand-in for a cached invoice list; <see cref="Missing"/> makes it a "not found" answer.</summary>
public sealed class Invoices : CachedValue, INotFound
{
    public required string Key { get; init; }

    public int Version { get; init; }

    public bool Missing { get; init; }

    public bool IsNotFound => Missing;

    public override string? FindImplausibility() => Key is null ? "no key" : null;
}

/// <summary>A read delegate that counts its calls and answers <see cref="Invoices"/> with a rising version.</summary>
public sealed class CountingUpstream
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Func<CancellationToken, Task<Invoices>> Answer(string key, bool missing = false) => _ =>
        Task.FromResult(new Invoices { Key = key, Version = Interlocked.Increment(ref _calls), Missing = missing, StoredAt = DateTimeOffset.UtcNow });

    public Func<CancellationToken, Task<Invoices>> Fail(Exception error) => _ =>
    {
        Interlocked.Increment(ref _calls);
        return Task.FromException<Invoices>(error);
    };

    /// <summary>A read that is under way until <paramref name="gate"/> completes.</summary>
    public Func<CancellationToken, Task<Invoices>> Gated(string key, Task gate) => async _ =>
    {
        var version = Interlocked.Increment(ref _calls);
        await gate;
        return new Invoices { Key = key, Version = version, StoredAt = DateTimeOffset.UtcNow };
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
}
