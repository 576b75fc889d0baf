using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>
/// The top-level properties of the entry being normalized on this thread, found by one walk over the object. A mapping
/// asks for about fifty paths per invoice, several of them alternatives that are absent, and each
/// <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/> scans the object's properties: that scan was
/// the generic adapter's largest cost (bench/results/normalization-profile.md). Only names some path starts with are
/// kept; an object with an escaped or very long property name is not indexed, and every lookup then scans as before.
/// The normalizer opens it only for an entry its <see cref="PathPlan"/> could not index (a repeated name on the way).
/// </summary>
internal sealed class EntryProperties
{
    private static readonly Lock Gate = new();

    // Replaced, never changed: a reader holds a table that stays whole.
    private static volatile Utf8NameTable s_names = new([]);
    private static volatile int s_count;

    [ThreadStatic]
    private static EntryProperties? t_current;

    private JsonElement _entry;
    private JsonElement[] _values = [];
    private int[] _stamps = [];
    private int _stamp;
    private int _count;
    private bool _active;

    /// <summary>The number of a property name a path starts with; names are numbered once, when mappings are loaded.</summary>
    /// <param name="name">The property name.</param>
    /// <returns>Its number.</returns>
    public static int Number(string name)
    {
        lock (Gate)
        {
            if (s_names.Find(Encoding.UTF8.GetBytes(name)) is var known and >= 0)
            {
                return known;
            }

            var number = s_count;
            s_names = new Utf8NameTable([.. s_names.Names, Encoding.UTF8.GetBytes(name)]);
            // Published after the table that holds it: a reader that sees the count finds every name below it.
            s_count = number + 1;
            return number;
        }
    }

    /// <summary>Indexes <paramref name="entry"/> for the lookups of this thread until the scope is disposed.</summary>
    /// <param name="entry">The entry, an object.</param>
    /// <returns>The scope; disposing it forgets the entry.</returns>
    public static Scope Open(JsonElement entry)
    {
        var index = t_current ??= new EntryProperties();
        return !index._active && index.Walk(entry) ? new Scope(index) : default;
    }

    /// <summary>Looks a numbered name up in the entry being normalized.</summary>
    /// <param name="element">The object the path is read from.</param>
    /// <param name="number">The name's number.</param>
    /// <param name="value">The property's value.</param>
    /// <returns>Whether it is there; <c>null</c> when <paramref name="element"/> is not the indexed entry (then scan).</returns>
    public static bool? TryGet(JsonElement element, int number, out JsonElement value)
    {
        value = default;
        var index = t_current;
        if (index is not { _active: true } || number >= index._count || !SameValue(index._entry, element))
        {
            return null;
        }

        if (index._stamps[number] != index._stamp)
        {
            return false;
        }

        value = index._values[number];
        return true;
    }

    private bool Walk(JsonElement entry)
    {
        var count = s_count;
        var names = s_names;
        if (_values.Length < count)
        {
            _values = new JsonElement[count];
            _stamps = new int[count];
        }

        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_stamps);
            _stamp = 1;
        }

        foreach (var property in entry.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(property);
            if (name.Contains((byte)'\\'))
            {
                // Escaped names compare unescaped; leave this entry to the scan.
                _values.AsSpan(0, count).Clear();
                return false;
            }

            if (names.Find(name) is var number and >= 0 && number < count)
            {
                // Forwards and overwriting: the last of repeated names wins, as TryGetProperty answers.
                _values[number] = property.Value;
                _stamps[number] = _stamp;
            }
        }

        _entry = entry;
        _count = count;
        _active = true;
        return true;
    }

    /// <summary>
    /// The same value of the same document: the same raw bytes at the same address. Only public API is used; reading
    /// <see cref="JsonElement"/>'s private document and row fields would be cheaper, but would break silently with any
    /// System.Text.Json release that lays them out differently.
    /// </summary>
    private static bool SameValue(JsonElement a, JsonElement b)
    {
        var leftRaw = JsonMarshal.GetRawUtf8Value(a);
        var rightRaw = JsonMarshal.GetRawUtf8Value(b);
        return leftRaw.Length == rightRaw.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(leftRaw), ref MemoryMarshal.GetReference(rightRaw));
    }

    /// <summary>Ends the indexing of one entry.</summary>
    internal readonly struct Scope(EntryProperties? index) : IDisposable
    {
        public void Dispose()
        {
            if (index is not null)
            {
                index._active = false;
                index._entry = default;
                index._values.AsSpan(0, index._count).Clear();
            }
        }
    }
}
