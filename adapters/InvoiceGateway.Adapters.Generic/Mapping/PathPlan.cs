using System.Runtime.InteropServices;
using System.Text.Json;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>
/// An upstream object being normalized (an invoice entry, a line, an allocation) and, when its mapping's plan indexed
/// it, the values that the mapping's paths reach (<see cref="PathPlan"/>), by slot. Without slots every path is looked
/// up in the element as before.
/// </summary>
internal readonly struct Entry(JsonElement element, JsonElement[]? slots)
{
    public JsonElement Element => element;

    /// <summary>The values at the plan's nodes (default where absent), or null when the object was not indexed.</summary>
    public JsonElement[]? Slots => slots;

    public static implicit operator Entry(JsonElement element) => new(element, null);
}

/// <summary>
/// The property paths of one scope of a mapping (the invoice's fields, or those relative to one line or one
/// allocation) compiled into a tree of property names, so that an object is walked once, its nested objects with it,
/// and every path then reads its value from a slot: a mapping asks for about fifty paths per invoice, several of them
/// absent alternatives and many nested (<c>recipient.bankAccount.iban</c>), and each lookup in a
/// <see cref="JsonElement"/> scans the object's properties (bench/results/normalization-generic-2026-12-02.md).
/// Only the leading property steps of a path are planned (<c>lineItems</c> of <c>lineItems[].taxAmount</c>); the rest
/// is read from the planned value. An object with a repeated or escaped property name along the tree is not indexed
/// (<see cref="TryIndex"/> says so), and is then read by the lookups as before, which answer those the JSON way.
/// </summary>
internal sealed class PathPlan
{
    // Node 0 is the object itself; every other node is a property name under its parent, and its slot is its number.
    private readonly List<(byte[] Name, int Parent)> _nodes = [([], -1)];
    private ChildTable[] _children = [];
    private JsonElement[]? _spare;

    /// <summary>The number of slots an index of this plan has.</summary>
    public int Size => _nodes.Count;

    /// <summary>Plans the leading property steps of <paramref name="path"/> (called while the mapping loads).</summary>
    public void Register(PayloadPath path)
    {
        var node = 0;
        var depth = 0;
        foreach (var name in path.LeadingNames())
        {
            var child = -1;
            for (var i = 1; i < _nodes.Count; i++)
            {
                if (_nodes[i].Parent == node && _nodes[i].Name.AsSpan().SequenceEqual(name))
                {
                    child = i;
                    break;
                }
            }

            if (child < 0)
            {
                _nodes.Add((name, node));
                child = _nodes.Count - 1;
            }

            node = child;
            depth++;
        }

        if (depth == 0)
        {
            return;
        }

        path.Plan(node, depth);
        _children = [.. Enumerable.Range(0, _nodes.Count).Select(parent => new ChildTable(
            [.. Enumerable.Range(0, _nodes.Count).Where(i => _nodes[i].Parent == parent).Select(i => (_nodes[i].Name, i))]))];
    }

    /// <summary>
    /// Walks <paramref name="element"/> (and the nested objects the plan names) once and fills a rented array of slots;
    /// null when it is not an object or has a repeated or escaped name the plan could meet. Give the array back with
    /// <see cref="Return"/>.
    /// </summary>
    public JsonElement[]? TryIndex(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || _children.Length == 0)
        {
            return null;
        }

        var slots = Interlocked.Exchange(ref _spare, null) ?? new JsonElement[_nodes.Count];
        if (Walk(element, 0, slots))
        {
            return slots;
        }

        Return(slots);
        return null;
    }

    /// <summary>Clears and keeps an array of slots for the next object.</summary>
    public void Return(JsonElement[] slots)
    {
        Array.Clear(slots);
        Volatile.Write(ref _spare, slots);
    }

    private bool Walk(JsonElement element, int node, JsonElement[] slots)
    {
        var children = _children[node];
        foreach (var property in element.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(property);
            var child = children.Find(name);
            if (child < 0)
            {
                // An escaped name may unescape to a planned one: leave this object to the lookups.
                if (name.Contains((byte)'\\'))
                {
                    return false;
                }

                continue;
            }

            if (slots[child].ValueKind != JsonValueKind.Undefined)
            {
                // A repeated name: the lookups answer with the last one, and a nested object's slots would mix both.
                return false;
            }

            var value = property.Value;
            slots[child] = value;
            if (_children[child].Count > 0 && value.ValueKind == JsonValueKind.Object && !Walk(value, child, slots))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The child names of a node with their node numbers.</summary>
    private sealed class ChildTable((byte[] Name, int Node)[] children)
    {
        private readonly Utf8NameTable _names = new([.. children.Select(c => c.Name)]);
        private readonly int[] _nodes = [.. children.Select(c => c.Node)];

        public int Count => _nodes.Length;

        public int Find(ReadOnlySpan<byte> name) => _nodes.Length > 0 && _names.Find(name) is var index and >= 0 ? _nodes[index] : -1;
    }
}
