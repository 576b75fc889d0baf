using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// One of the six orders of <c>GET /v1/invoices</c>: by due date, issue date or gross, ascending
/// or descending; an invoice without the value comes last in both directions; ties by id.
/// </summary>
internal sealed class InvoiceOrder : IComparer<Invoice>
{
    public const int Count = 6;

    private static readonly InvoiceOrder[] All =
    [
        new("dueDate", 0, i => i.DueDate?.DayNumber, descending: false),
        new("-dueDate", 1, i => i.DueDate?.DayNumber, descending: true),
        new("issueDate", 2, i => i.IssueDate?.DayNumber, descending: false),
        new("-issueDate", 3, i => i.IssueDate?.DayNumber, descending: true),
        new("gross", 4, i => i.Totals.Gross, descending: false),
        new("-gross", 5, i => i.Totals.Gross, descending: true),
    ];

    private readonly Func<Invoice, decimal?> _key;
    private readonly bool _descending;

    private InvoiceOrder(string name, int slot, Func<Invoice, decimal?> key, bool descending)
    {
        Name = name;
        Slot = slot;
        _key = key;
        _descending = descending;
    }

    public static InvoiceOrder Default => All[0];

    public static IEnumerable<string> Names => All.Select(o => o.Name);

    public string Name { get; }

    public int Slot { get; }

    public static InvoiceOrder? Parse(string name) => Array.Find(All, o => o.Name == name);

    public decimal? KeyOf(Invoice invoice) => _key(invoice);

    public int Compare(Invoice? x, Invoice? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Compare(_key(x), x.Id, _key(y), y.Id);
    }

    /// <summary>Compares sort positions given as (key, id), so a cursor can be compared with an invoice.</summary>
    public int Compare(decimal? keyX, string idX, decimal? keyY, string idY)
    {
        var byKey = (keyX, keyY) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            ({ } a, { } b) => _descending ? b.CompareTo(a) : a.CompareTo(b),
        };
        return byKey != 0 ? byKey : string.CompareOrdinal(idX, idY);
    }

    /// <summary>The key as text for a cursor (culture-invariant; dates as day numbers).</summary>
    public static string? FormatKey(decimal? key) => key?.ToString(CultureInfo.InvariantCulture);
}
