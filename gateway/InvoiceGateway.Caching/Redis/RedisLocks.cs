using StackExchange.Redis;

namespace InvoiceGateway.Caching;

/// <summary>A lock taken with SET NX PX and a random token; released only if the token is still ours.</summary>
internal sealed class RedisLock(RedisStore store, RedisKey key, RedisValue token) : IAsyncDisposable
{
    private int _released;

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? new ValueTask(store.ReleaseLockAsync(key, token)) : ValueTask.CompletedTask;
}

/// <summary>The lock granted when Redis is unavailable: the caller goes ahead on its own.</summary>
internal sealed class NoLock : IAsyncDisposable
{
    public static readonly NoLock Instance = new();

    private NoLock()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
