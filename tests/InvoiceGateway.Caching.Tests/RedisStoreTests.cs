using System.Collections.Concurrent;
using System.Text;
using InvoiceGateway.Caching.Tests.Support;
using InvoiceGateway.Testing;

namespace InvoiceGateway.Caching.Tests;

/// <summary>The Redis tier against a healthy real redis-server.</summary>
public sealed class RedisStoreTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly string _keyPrefix = Replica.NewKeyPrefix();
    private RedisServer _redis = null!;
    private RedisStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(Ct);
        _store = Connect();
    }

    public async ValueTask DisposeAsync()
    {
        _store.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task GetAsync_AfterSetAsync_ReturnsTheBytes()
    {
        await _store.SetAsync("a", [1, 2, 3], TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(new byte[] { 1, 2, 3 }, await _store.GetAsync("a", Ct));
        Assert.True(_store.IsAvailable);
    }

    [Fact]
    public async Task GetAsync_WhenKeyIsAbsent_ReturnsNull()
    {
        Assert.Null(await _store.GetAsync("absent", Ct));
    }

    [Fact]
    public async Task SetAsync_WhenExpiryPasses_TheKeyIsGone()
    {
        await _store.SetAsync("short", [1], TimeSpan.FromMilliseconds(100), Ct);

        Assert.True(await Eventually.TrueAsync(async () => await _store.GetAsync("short", Ct) is null, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task SetAsync_WithAnotherKeyPrefix_DoesNotSeeTheOtherStoresKeys()
    {
        using var other = Connect(Replica.NewKeyPrefix());

        await _store.SetAsync("same", [1], TimeSpan.FromMinutes(1), Ct);
        await other.SetAsync("same", [2], TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(new byte[] { 1 }, await _store.GetAsync("same", Ct));
        Assert.Equal(new byte[] { 2 }, await other.GetAsync("same", Ct));
    }

    [Fact]
    public async Task TryLockAsync_WhenHeldElsewhere_ReturnsNullUntilReleased()
    {
        using var other = Connect();

        var held = await _store.TryLockAsync("lock:x", TimeSpan.FromMinutes(1), Ct);
        var refused = await other.TryLockAsync("lock:x", TimeSpan.FromMinutes(1), Ct);
        await held!.DisposeAsync();
        var granted = await other.TryLockAsync("lock:x", TimeSpan.FromMinutes(1), Ct);

        Assert.NotNull(held);
        Assert.Null(refused);
        Assert.NotNull(granted);
    }

    [Fact]
    public async Task TryLockAsync_WhenOurLockExpiredAndWasTakenByAnother_ReleasingLeavesTheirLock()
    {
        using var other = Connect();
        var expired = await _store.TryLockAsync("lock:y", TimeSpan.FromMilliseconds(100), Ct);
        IAsyncDisposable? theirs = null;
        Assert.True(await Eventually.TrueAsync(async () => (theirs = await other.TryLockAsync("lock:y", TimeSpan.FromMinutes(1), Ct)) is not null, TimeSpan.FromSeconds(10)));

        await expired!.DisposeAsync();

        Assert.Null(await _store.TryLockAsync("lock:y", TimeSpan.FromMinutes(1), Ct));
        await theirs!.DisposeAsync();
    }

    [Fact]
    public async Task DeleteByPrefixAsync_DeletesOnlyKeysStartingWithThePrefixLiterally()
    {
        // More keys than one SCAN page, and glob characters that must not act as wildcards.
        for (var i = 0; i < 2500; i++)
        {
            await _store.SetAsync($"source:a:invoice:{i}", [1], TimeSpan.FromMinutes(1), Ct);
        }

        string[] kept = ["source:ab:list", "source:b:list", "source:a*:list", "other:source:a:list"];
        foreach (var key in kept.Append("source:a:list").Append("source:a[1]:x"))
        {
            await _store.SetAsync(key, [1], TimeSpan.FromMinutes(1), Ct);
        }

        await _store.DeleteByPrefixAsync("source:a:", Ct);
        await _store.DeleteByPrefixAsync("source:a[1]", Ct);

        Assert.Null(await _store.GetAsync("source:a:list", Ct));
        Assert.Null(await _store.GetAsync("source:a:invoice:0", Ct));
        Assert.Null(await _store.GetAsync("source:a:invoice:2499", Ct));
        Assert.Null(await _store.GetAsync("source:a[1]:x", Ct));
        foreach (var key in kept)
        {
            Assert.NotNull(await _store.GetAsync(key, Ct));
        }
    }

    [Fact]
    public async Task PublishInvalidationAsync_ReachesOtherStoresButNotThePublisher()
    {
        using var other = Connect();
        var atOther = new ConcurrentQueue<string>();
        var atPublisher = new ConcurrentQueue<string>();
        other.InvalidationReceived += atOther.Enqueue;
        _store.InvalidationReceived += atPublisher.Enqueue;

        await _store.PublishInvalidationAsync("source:goscore:", Ct);
        await other.PublishInvalidationAsync("from-other", Ct);

        Assert.True(await Eventually.TrueAsync(() => atOther.Contains("source:goscore:") && atPublisher.Contains("from-other"), TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("source:goscore:", atPublisher);
        Assert.DoesNotContain("from-other", atOther);
    }

    [Fact]
    public async Task PingAsync_WhenRedisAnswers_ReturnsTrue()
    {
        Assert.True(await _store.PingAsync(Ct));
    }

    [Fact]
    public void Connect_WithAMalformedConfiguration_ThrowsArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => RedisStore.Connect("localhost,nonsense=1", new RedisStoreOptions(), TimeProvider.System, _logs.CreateLogger<RedisStore>()));
    }

    [Fact]
    public async Task GetAsync_WhenValueIsLarge_RoundTrips()
    {
        var large = Encoding.UTF8.GetBytes(new string('x', 1_000_000));

        await _store.SetAsync("large", large, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(large, await _store.GetAsync("large", Ct));
    }

    private RedisStore Connect(string? keyPrefix = null) =>
        RedisStore.Connect(
            _redis.Configuration,
            new RedisStoreOptions { KeyPrefix = keyPrefix ?? _keyPrefix, OperationTimeout = TimeSpan.FromSeconds(2) },
            TimeProvider.System,
            _logs.CreateLogger<RedisStore>());
}
