using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// What a cached list needs of one invoice to filter, search and sort it without its object graph: the invoice
/// itself is held as packed canonical JSON (<see cref="PackedJson"/>) and read back only when a request needs all of
/// it (UBL, <c>include=raw</c>). About 90 bytes in an array, plus the searched strings, instead of the 1.5 KB of
/// objects an <see cref="Invoice"/> with its parties, lines and totals took.
/// </summary>
internal readonly struct InvoiceFacts
{
    private const int NoDay = int.MinValue;

    private readonly int _dueDay;
    private readonly int _issueDay;

    // The due day after which the invoice counts as overdue, or int.MaxValue when it never does (paid, a credit note...).
    private readonly int _overdueAfter;
    private readonly long _changedAtTicks;
    private readonly decimal _gross;
    private readonly bool _hasGross;
    private readonly bool _hasChangedAt;
    private readonly byte _status;
    private readonly byte _kind;
    private readonly byte _direction;

    /// <param name="invoice">The invoice as cached (see <see cref="ServedOverdue.ForCache"/>).</param>
    /// <param name="strings">Shares repeated strings (currencies, party names) between the invoices of one snapshot; null for one invoice alone.</param>
    public InvoiceFacts(Invoice invoice, StringPool? strings)
    {
        Id = invoice.Id;
        Number = invoice.Number;
        IssuerName = strings is null ? invoice.Issuer?.Name : strings.Share(invoice.Issuer?.Name);
        RecipientName = strings is null ? invoice.Recipient?.Name : strings.Share(invoice.Recipient?.Name);
        PaymentReference = invoice.Payment?.Reference;
        Currency = strings is null ? invoice.Currency : strings.Share(invoice.Currency);
        _dueDay = invoice.DueDate?.DayNumber ?? NoDay;
        _issueDay = invoice.IssueDate?.DayNumber ?? NoDay;

        // The invoice's own rule decides: overdue the day after its due date, or never (whatever the day).
        _overdueAfter = invoice.DueDate is { } due && due < DateOnly.MaxValue && invoice.DaysOverdueOn(due.AddDays(1)) is not null ? due.DayNumber : int.MaxValue;
        _hasChangedAt = invoice.ChangedAt.HasValue;
        _changedAtTicks = invoice.ChangedAt?.UtcTicks ?? 0;
        _hasGross = invoice.Totals.Gross.HasValue;
        _gross = invoice.Totals.Gross ?? 0m;
        _status = (byte)invoice.Status;
        _kind = (byte)invoice.Kind;
        _direction = (byte)invoice.Direction;
    }

    public string Id { get; }

    public string? Number { get; }

    public string? IssuerName { get; }

    public string? RecipientName { get; }

    public string? PaymentReference { get; }

    public string? Currency { get; }

    public InvoiceStatus Status => (InvoiceStatus)_status;

    public InvoiceKind Kind => (InvoiceKind)_kind;

    public InvoiceDirection Direction => (InvoiceDirection)_direction;

    public DateOnly? DueDate => _dueDay == NoDay ? null : DateOnly.FromDayNumber(_dueDay);

    public DateOnly? IssueDate => _issueDay == NoDay ? null : DateOnly.FromDayNumber(_issueDay);

    public DateTimeOffset? ChangedAt => _hasChangedAt ? new DateTimeOffset(_changedAtTicks, TimeSpan.Zero) : null;

    public decimal? Gross => _hasGross ? _gross : null;

    /// <summary>Whole days overdue on <paramref name="today"/>, or <c>null</c>: as <see cref="Invoice.DaysOverdueOn"/>.</summary>
    public int? DaysOverdueOn(DateOnly today) => today.DayNumber > _overdueAfter ? today.DayNumber - _overdueAfter : null;

    /// <summary>The key of a sort by due date (day number), issue date (day number) or gross.</summary>
    public decimal? DueDayKey => _dueDay == NoDay ? null : _dueDay;

    public decimal? IssueDayKey => _issueDay == NoDay ? null : _issueDay;
}

/// <summary>One instance of each repeated string value while a snapshot is built (the owner's name is on every invoice).</summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public string? Share(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _strings[value] = value;
        return value;
    }
}
