using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ZiggyCreatures.Caching.Fusion.Internals.Distributed;
using ZiggyCreatures.Caching.Fusion.Serialization;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace InvoiceGateway.Caching;

/// <summary>
/// FusionCache's System.Text.Json serializer for Redis, which also refuses what this version would not have
/// written: an entry without a value, a value whose <see cref="CachedValue.FindImplausibility"/> finds a
/// problem, or a time in the future. Whatever Redis holds, such a copy throws here, which FusionCache treats
/// as a miss: the upstream is read and the copy overwritten. Logged here once per copy (FusionCache may read a
/// key twice on a miss: before and after taking the lock).
/// </summary>
internal sealed partial class PlausibleJsonSerializer(TimeProvider time, ILogger<PlausibleJsonSerializer> logger) : IFusionCacheSerializer
{
    private const int MaxRemembered = 1024;

    private readonly ConcurrentDictionary<long, byte> _reported = new();

    /// <summary>How far ahead of this replica's clock another replica's clock may be.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FusionCacheSystemTextJsonSerializer _json = new();

    public byte[] Serialize<T>(T? obj) => _json.Serialize(obj);

    public T? Deserialize<T>(byte[] data)
    {
        try
        {
            var value = _json.Deserialize<T>(data);
            if (Check<T>.Problem(value, time.GetUtcNow()) is { } problem)
            {
                throw new JsonException($"The cached copy is not plausible: {problem}.");
            }

            return value;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            ReportOnce(data, ex);
            throw;
        }
    }

    public ValueTask<byte[]> SerializeAsync<T>(T? obj, CancellationToken token = default) => new(Serialize(obj));

    public ValueTask<T?> DeserializeAsync<T>(byte[] data, CancellationToken token = default) => new(Deserialize<T>(data));

    private void ReportOnce(byte[] data, Exception error)
    {
        var id = BitConverter.ToInt64(SHA256.HashData(data), 0);
        if (_reported.Count >= MaxRemembered)
        {
            _reported.Clear();
        }

        if (_reported.TryAdd(id, 0))
        {
            LogUnusable(logger, error.Message);
        }
    }

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "A copy in Redis is not usable ({Problem}); it is a miss: the upstream is read and the copy overwritten")]
    private static partial void LogUnusable(ILogger logger, string problem);

    internal static string? CheckValue(CachedValue? value, long entryTimestamp, DateTimeOffset now)
    {
        if (value is null)
        {
            return "no value";
        }

        if (entryTimestamp > (now + ClockSkew).UtcTicks || value.StoredAt > now + ClockSkew)
        {
            return "stored in the future";
        }

        return value.StoredAt < Earliest ? "no time it was read" : value.FindImplausibility();
    }

    private static string? CheckEntry<TValue>(object? entry, DateTimeOffset now)
        where TValue : CachedValue =>
        entry is FusionCacheDistributedEntry<TValue> e ? CheckValue(e.Value, e.Timestamp, now) : "no entry";

    /// <summary>The check for one type FusionCache deserializes: entries of cached values; nothing for its own (tags).</summary>
    private static class Check<T>
    {
        public static readonly Func<object?, DateTimeOffset, string?> Problem = Build();

        private static Func<object?, DateTimeOffset, string?> Build()
        {
            var type = typeof(T);
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(FusionCacheDistributedEntry<>)
                && type.GetGenericArguments()[0] is { } valueType && typeof(CachedValue).IsAssignableFrom(valueType))
            {
                return typeof(PlausibleJsonSerializer)
                    .GetMethod(nameof(CheckEntry), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(valueType)
                    .CreateDelegate<Func<object?, DateTimeOffset, string?>>();
            }

            return static (_, _) => null;
        }
    }
}
