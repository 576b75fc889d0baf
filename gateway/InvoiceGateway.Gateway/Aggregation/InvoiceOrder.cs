using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// One of the six orders of <c>GET /v1/invoices</c>: by due date, issue date or gross, ascending
/// or descending; an invoice without the value comes last in both directions; ties by id.
/// </summary>
internal sealed class InvoiceOrder
{
    public const int Count = 6;

    private static readonly InvoiceOrder[] All =
    [
        new("dueDate", 0, (in InvoiceFacts i) => i.DueDayKey, descending: false),
        new("-dueDate", 1, (in InvoiceFacts i) => i.DueDayKey, descending: true),
        new("issueDate", 2, (in InvoiceFacts i) => i.IssueDayKey, descending: false),
        new("-issueDate", 3, (in InvoiceFacts i) => i.IssueDayKey, descending: true),
        new("gross", 4, (in InvoiceFacts i) => i.Gross, descending: false),
        new("-gross", 5, (in InvoiceFacts i) => i.Gross, descending: true),
    ];

    private readonly KeyReader _key;
    private readonly bool _descending;

    private InvoiceOrder(string name, int slot, KeyReader key, bool descending)
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

    private delegate decimal? KeyReader(in InvoiceFacts invoice);

    public decimal? KeyOf(in InvoiceFacts invoice) => _key(invoice);

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
