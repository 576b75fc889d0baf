using System.Collections.Concurrent;

namespace InvoiceGateway.Caching;

/// <summary>
/// L1: decoded values in a dictionary, bounded by count. Entries older than their StaleTtl are
/// dropped when read, and swept at most once a minute on writes; when full, the oldest tenth goes.
/// </summary>
internal sealed class MemoryTier(int maxEntries)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, MemoryEntry> _entries = new(StringComparer.Ordinal);
    private int _count; // ConcurrentDictionary.Count takes every lock; this one is kept by hand.
    private int _trimming;
    private long _nextSweepTicks;

    public long Count => Volatile.Read(ref _count);

    /// <summary>The entry for <paramref name="key"/> if it holds a <typeparamref name="T"/> younger than <paramref name="staleTtl"/>.</summary>
    public bool TryGet<T>(string key, TimeSpan staleTtl, DateTimeOffset now, out MemoryEntry entry)
        where T : class
    {
        if (_entries.TryGetValue(key, out entry!) && entry.Value is T)
        {
            if (now - entry.StoredAt < staleTtl && now < entry.ExpiresAt)
            {
                return true;
            }

            Remove(key, entry);
        }

        entry = null!;
        return false;
    }

    public MemoryEntry Set(string key, object value, DateTimeOffset storedAt, TimeSpan staleTtl, DateTimeOffset now)
    {
        var entry = new MemoryEntry(value, storedAt, storedAt + staleTtl);
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (_entries.TryUpdate(key, entry, existing))
                {
                    break;
                }
            }
            else if (_entries.TryAdd(key, entry))
            {
                Interlocked.Increment(ref _count);
                break;
            }
        }

        if (Count > maxEntries || now.UtcTicks >= Volatile.Read(ref _nextSweepTicks))
        {
            Trim(now);
        }

        return entry;
    }

    /// <summary>Removes the entry only if it is still <paramref name="expected"/> (a newer one stays).</summary>
    public void Remove(string key, MemoryEntry expected)
    {
        if (_entries.TryRemove(KeyValuePair.Create(key, expected)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public void RemoveByPrefix(string prefix)
    {
        foreach (var pair in _entries)
        {
            if (pair.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                Remove(pair.Key, pair.Value);
            }
        }
    }

    private void Trim(DateTimeOffset now)
    {
        if (Interlocked.CompareExchange(ref _trimming, 1, 0) != 0)
        {
            return; // another writer is trimming; going a little over the bound meanwhile is fine
        }

        try
        {
            Volatile.Write(ref _nextSweepTicks, (now + SweepInterval).UtcTicks);
            foreach (var pair in _entries)
            {
                if (now >= pair.Value.ExpiresAt)
                {
                    Remove(pair.Key, pair.Value);
                }
            }

            var excess = Count - maxEntries;
            if (excess <= 0)
            {
                return;
            }

            var oldest = _entries.ToArray();
            Array.Sort(oldest, static (a, b) => a.Value.StoredAt.CompareTo(b.Value.StoredAt));
            var drop = Math.Min(oldest.Length, excess + Math.Max(1, maxEntries / 10));
            for (var i = 0; i < drop; i++)
            {
                Remove(oldest[i].Key, oldest[i].Value);
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }
}
