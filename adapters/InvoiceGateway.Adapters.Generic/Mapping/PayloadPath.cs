using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>
/// A compiled path into an upstream payload: <c>counterparty.party.fullname</c>, <c>items[0].id</c>,
/// <c>lineItems[].taxAmount</c> (every element), <c>$</c> or empty for the value itself.
/// Parsed once when the mapping loads; evaluating it does no string work.
/// </summary>
internal sealed class PayloadPath
{
    private readonly Step[] _steps;
    private int _slot = -1;
    private int _planned;

    private PayloadPath(string text, string display, Step[] steps)
    {
        Text = text;
        Display = display;
        _steps = steps;
        Projects = steps.Any(s => s.IsProjection);
    }

    /// <summary>The path as written in the mapping.</summary>
    public string Text { get; }

    /// <summary>The path as named in warnings (line fields are prefixed with the lines' path).</summary>
    public string Display { get; }

    /// <summary>True for <c>$</c>: the value itself.</summary>
    public bool IsRoot => _steps.Length == 0;

    /// <summary>True when the path has a <c>[]</c> step and so yields many values.</summary>
    public bool Projects { get; }

    /// <summary>True when the path has array steps (<c>[n]</c> or <c>[]</c>).</summary>
    public bool HasBrackets => _steps.Any(s => s.Name is null);

    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out PayloadPath? path,
        [NotNullWhen(false)] out string? error,
        string? displayPrefix = null)
    {
        path = null;
        var display = displayPrefix is null ? text : $"{displayPrefix}.{text}";
        if (text.Length == 0 || text == "$")
        {
            path = new PayloadPath(text, displayPrefix ?? "$", []);
            error = null;
            return true;
        }

        var body = text;
        if (body.StartsWith("$.", StringComparison.Ordinal))
        {
            body = body[2..];
        }
        else if (body.StartsWith('$'))
        {
            error = $"'{text}' is not a path: after '$' only '.' may follow";
            return false;
        }

        var steps = new List<Step>();
        foreach (var part in body.Split('.'))
        {
            if (part.Length == 0)
            {
                error = $"'{text}' is not a path: it has an empty step (a dot at the start or end, or two dots in a row)";
                return false;
            }

            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? part : part[..bracket];
            if (name.Length == 0)
            {
                error = $"'{text}' is not a path: the step '{part}' has no property name before '['";
                return false;
            }

            if (name.Contains(']', StringComparison.Ordinal))
            {
                error = $"'{text}' is not a path: ']' without '[' in '{part}'";
                return false;
            }

            if (name.Trim().Length != name.Length)
            {
                error = $"'{text}' is not a path: the name '{name}' starts or ends with white space";
                return false;
            }

            steps.Add(Step.Property(name, first: steps.Count == 0));
            var rest = bracket < 0 ? string.Empty : part[bracket..];
            while (rest.Length > 0)
            {
                if (rest[0] != '[')
                {
                    error = $"'{text}' is not a path: '{rest}' follows ']' in '{part}'; start a new step with '.'";
                    return false;
                }

                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    error = $"'{text}' is not a path: '[' without ']' in '{part}'";
                    return false;
                }

                var inner = rest[1..close];
                if (inner.Length == 0)
                {
                    steps.Add(Step.Projection);
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(Step.Element(index));
                }
                else
                {
                    error = $"'{text}' is not a path: '[{inner}]' must be '[]' (every element) or '[n]' (the element at index n)";
                    return false;
                }

                rest = rest[(close + 1)..];
            }
        }

        path = new PayloadPath(text, display, [.. steps]);
        error = null;
        return true;
    }

    /// <summary>Finds the value at the path; false when it is absent or JSON null. Not for projecting paths.</summary>
    public bool TryGet(JsonElement element, out JsonElement value) => TryGet(element, 0, out value);

    /// <summary>As <see cref="TryGet(JsonElement, out JsonElement)"/>, from the entry's slot when its plan indexed it.</summary>
    public bool TryGet(Entry entry, out JsonElement value)
    {
        if (_slot < 0 || entry.Slots is not { } slots)
        {
            return TryGet(entry.Element, 0, out value);
        }

        var planned = slots[_slot];
        if (planned.ValueKind == JsonValueKind.Undefined)
        {
            value = default;
            return false;
        }

        return TryGet(planned, _planned, out value);
    }

    private bool TryGet(JsonElement element, int from, out JsonElement value)
    {
        var current = element;
        for (var i = from; i < _steps.Length; i++)
        {
            var step = _steps[i];
            if (step.Utf8Name is { } name)
            {
                if (current.ValueKind != JsonValueKind.Object || !TryGetProperty(current, step, name, out current))
                {
                    value = default;
                    return false;
                }
            }
            else
            {
                if (current.ValueKind != JsonValueKind.Array || step.Index >= current.GetArrayLength())
                {
                    value = default;
                    return false;
                }

                current = current[step.Index];
            }
        }

        value = current;
        return current.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
    }

    /// <summary>
    /// Adds every present, non-null value the path reaches (for projecting paths). With <paramref name="includeMissing"/>,
    /// an element of a projected array that lacks the value adds an undefined element, so that callers can tell
    /// "3 of 4 lines have a tax" from "every line has one".
    /// </summary>
    public void Collect(JsonElement element, List<JsonElement> into, bool includeMissing = false) =>
        Collect(element, 0, into, includeMissing, projected: false);

    /// <summary>As <see cref="Collect(JsonElement, List{JsonElement}, bool)"/>, from the entry's slot when its plan indexed it.</summary>
    public void Collect(Entry entry, List<JsonElement> into, bool includeMissing = false)
    {
        if (_slot < 0 || entry.Slots is not { } slots)
        {
            Collect(entry.Element, 0, into, includeMissing, projected: false);
        }
        else if (slots[_slot] is { ValueKind: not JsonValueKind.Undefined } planned)
        {
            // The planned steps are properties, so nothing was projected before them.
            Collect(planned, _planned, into, includeMissing, projected: false);
        }
    }

    /// <summary>The names of the property steps the path starts with (what a <see cref="PathPlan"/> can index).</summary>
    public IEnumerable<byte[]> LeadingNames() => _steps.TakeWhile(s => s.Utf8Name is not null).Select(s => s.Utf8Name!);

    /// <summary>Reads the first <paramref name="steps"/> steps from the plan's slot <paramref name="slot"/> (set while the mapping loads).</summary>
    public void Plan(int slot, int steps) => (_slot, _planned) = (slot, steps);

    private void Collect(JsonElement current, int from, List<JsonElement> into, bool includeMissing, bool projected)
    {
        for (var i = from; i < _steps.Length; i++)
        {
            var step = _steps[i];
            if (step.Utf8Name is { } name)
            {
                if (current.ValueKind != JsonValueKind.Object || !TryGetProperty(current, step, name, out current))
                {
                    Missing(into, includeMissing && projected);
                    return;
                }
            }
            else if (step.IsProjection)
            {
                if (current.ValueKind != JsonValueKind.Array)
                {
                    Missing(into, includeMissing && projected);
                    return;
                }

                foreach (var item in current.EnumerateArray())
                {
                    Collect(item, i + 1, into, includeMissing, projected: true);
                }

                return;
            }
            else
            {
                if (current.ValueKind != JsonValueKind.Array || step.Index >= current.GetArrayLength())
                {
                    Missing(into, includeMissing && projected);
                    return;
                }

                current = current[step.Index];
            }
        }

        if (current.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            into.Add(current);
        }
        else
        {
            Missing(into, includeMissing && projected);
        }
    }

    /// <summary>A property of the entry being normalized comes from its index (see <see cref="EntryProperties"/>); any other is scanned for.</summary>
    private static bool TryGetProperty(JsonElement current, Step step, byte[] name, out JsonElement value) =>
        step.Number >= 0 && EntryProperties.TryGet(current, step.Number, out value) is { } indexed
            ? indexed
            : current.TryGetProperty(name, out value);

    private static void Missing(List<JsonElement> into, bool record)
    {
        if (record)
        {
            into.Add(default);
        }
    }

    public override string ToString() => Display;

    private readonly record struct Step(string? Name, byte[]? Utf8Name, int Index, int Number = -1)
    {
        public static Step Projection => new(null, null, -1);

        public bool IsProjection => Name is null && Index < 0;

        /// <summary>A property step; the first step of a path is numbered for <see cref="EntryProperties"/>.</summary>
        public static Step Property(string name, bool first) =>
            new(name, Encoding.UTF8.GetBytes(name), -1, first ? EntryProperties.Number(name) : -1);

        public static Step Element(int index) => new(null, null, index);
    }
}
