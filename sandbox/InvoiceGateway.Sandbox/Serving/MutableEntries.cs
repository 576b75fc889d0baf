using System.Text.Json;
using System.Text.Json.Nodes;

namespace InvoiceGateway.Sandbox.Serving;

/// <summary>
/// One API's invoices as served, changeable at run time through the control API (<c>_sandbox/data</c>): an invoice's
/// fields patched, one added, one removed. Readers take <see cref="Current"/>, an immutable snapshot; a change builds
/// the next one (the lists are small where tests change them), so a page is never served half changed.
/// </summary>
internal sealed class MutableEntries
{
    private readonly Lock _changing = new();
    private readonly string _idField;
    private volatile Snapshot _current;

    /// <param name="entries">The generated invoices.</param>
    /// <param name="idField">The upstream's id field (a string or a number).</param>
    /// <param name="index">Where each id is, when the generator knows it; else worked out on first use.</param>
    public MutableEntries(EntryList entries, string idField, IReadOnlyDictionary<string, int>? index = null)
    {
        _idField = idField;
        _current = new Snapshot(entries, index is null ? new Lazy<IReadOnlyDictionary<string, int>>(() => Index(entries, idField)) : new(index));
    }

    public Snapshot Current => _current;

    /// <summary>Merges <paramref name="patch"/> into the invoice (RFC 7396: null removes a field); <c>null</c> when there is no such invoice.</summary>
    public JsonObject? Patch(string id, JsonObject patch)
    {
        lock (_changing)
        {
            var current = _current;
            if (!current.IndexById.TryGetValue(id, out var index))
            {
                return null;
            }

            var entry = JsonNode.Parse(current.List.Entry(index).Span)!.AsObject();
            Merge(entry, patch);
            entry[_idField] = JsonNode.Parse(current.List.Entry(index).Span)![_idField]!.DeepClone(); // the id stays
            Replace(current, index, entry);
            return entry;
        }
    }

    /// <summary>Adds an invoice: <paramref name="fields"/> over a copy of the first one; <c>null</c> when its id is missing or taken.</summary>
    public JsonObject? Add(JsonObject fields)
    {
        lock (_changing)
        {
            var current = _current;
            if (IdOf(fields[_idField]) is not { } id || current.IndexById.ContainsKey(id))
            {
                return null;
            }

            var entry = current.List.Count > 0 ? JsonNode.Parse(current.List.Entry(0).Span)!.AsObject() : [];
            Merge(entry, fields);
            Replace(current, current.List.Count, entry);
            return entry;
        }
    }

    public bool Remove(string id)
    {
        lock (_changing)
        {
            var current = _current;
            if (!current.IndexById.TryGetValue(id, out var index))
            {
                return false;
            }

            Replace(current, index, null);
            return true;
        }
    }

    private void Replace(Snapshot current, int index, JsonObject? entry)
    {
        var builder = new EntryList.Builder(current.List.Count + 1, 400);
        for (var i = 0; i < Math.Max(current.List.Count, index + 1); i++)
        {
            if (i == index)
            {
                if (entry is not null)
                {
                    entry.WriteTo(builder.Begin());
                    builder.End();
                }

                continue;
            }

            using var document = JsonDocument.Parse(current.List.Entry(i));
            document.RootElement.WriteTo(builder.Begin());
            builder.End();
        }

        var list = builder.Build();
        var positions = Index(list, _idField);
        _current = new Snapshot(list, new Lazy<IReadOnlyDictionary<string, int>>(positions));
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject inner && target[name] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }

    private static IReadOnlyDictionary<string, int> Index(EntryList list, string idField)
    {
        var index = new Dictionary<string, int>(list.Count, StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            using var document = JsonDocument.Parse(list.Entry(i));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(idField, out var id)
                && IdOf(id) is { } text)
            {
                index.TryAdd(text, i);
            }
        }

        return index;
    }

    private static string? IdOf(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.String => id.GetString(),
        JsonValueKind.Number => id.GetRawText(),
        _ => null,
    };

    private static string? IdOf(JsonNode? id)
    {
        if (id is not JsonValue)
        {
            return null;
        }

        using var document = JsonDocument.Parse(id.ToJsonString());
        return IdOf(document.RootElement);
    }

    /// <summary>The invoices at one moment, and where each id is.</summary>
    public sealed class Snapshot(EntryList list, Lazy<IReadOnlyDictionary<string, int>> index)
    {
        public EntryList List { get; } = list;

        public IReadOnlyDictionary<string, int> IndexById => index.Value;
    }
}
