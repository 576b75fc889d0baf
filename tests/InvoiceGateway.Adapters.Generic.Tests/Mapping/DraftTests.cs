using System.Reflection;
using InvoiceGateway.Adapters.Generic.Mapping;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Mapping;

/// <summary>
/// Drafts are reused from one invoice (or allocation) to the next, so clearing one must leave nothing behind: every
/// property a binding can set, at every level, is set here by reflection (a property added later is covered without
/// changing the test), and after <c>Clear</c> the draft reads as a new one.
/// </summary>
public class DraftTests
{
    [Fact]
    public void Clear_LeavesTheInvoiceDraftAsNew() => AssertClearedAsNew(new InvoiceDraft(), d => d.Clear());

    [Fact]
    public void Clear_LeavesTheAllocationDraftAsNew() => AssertClearedAsNew(new AllocationDraft(), d => d.Clear());

    [Fact]
    public void Clear_LeavesTheLineDraftAsNew() => AssertClearedAsNew(new LineDraft(), d => d.Clear());

    private static void AssertClearedAsNew<T>(T draft, Action<T> clear)
        where T : class, new()
    {
        var filled = Fill(draft);
        Assert.True(filled > 3, $"only {filled} properties were set");

        clear(draft);

        Assert.Equal(Describe(new T()), Describe(draft));
    }

    private static int Fill(object draft)
    {
        var count = 0;
        foreach (var property in draft.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanWrite)
            {
                property.SetValue(draft, Sample(property.PropertyType));
                count++;
            }
            else if (property.GetValue(draft) is { } nested && nested.GetType().Namespace == typeof(InvoiceDraft).Namespace)
            {
                count += Fill(nested);
            }
        }

        return count;
    }

    private static object Sample(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => "x",
        var t when t == typeof(int) => 7,
        var t when t == typeof(decimal) => 1.5m,
        var t when t == typeof(DateOnly) => new DateOnly(2024, 5, 1),
        var t when t == typeof(DateTimeOffset) => new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero),
        var t when t.IsEnum => Enum.GetValues(t).Cast<object>().Last(),
        var t when t == typeof(IReadOnlyList<InvoiceLine>) => new[] { new InvoiceLine { Description = "x" } },
        var t when t == typeof(IReadOnlyList<InvoiceAllocation>) => new[] { new InvoiceAllocation(1m, null, null, null, null) },
        var t when t == typeof(List<string?>) => new List<string?> { "EUR" },
        var t => throw new InvalidOperationException($"No sample value for {t}: add one."),
    };

    private static string Describe(object draft) => string.Join("; ", draft.GetType()
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (p.Name, Value: p.GetValue(draft)))
        .Select(p => p.Value switch
        {
            null => $"{p.Name}=null",
            string or ValueType => $"{p.Name}={p.Value}",
            System.Collections.IEnumerable items => $"{p.Name}=[{items.Cast<object>().Count()}]",
            var nested => $"{p.Name}={{{Describe(nested)}}}",
        }));
}
