using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// Normalizes the entries of an upstream array one by one, so that one malformed entry is reported
/// (as a <see cref="SourceNotice.InvoiceRejected"/> notice) while the others are served.
/// </summary>
public sealed class InvoiceEntries
{
    private readonly List<Invoice> _invoices = [];
    private readonly List<SourceNotice> _notices = [];
    private readonly string _source;
    private readonly UpstreamLimits _limits;

    /// <summary>Starts an empty collection for a source.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="limits">The source's limits.</param>
    public InvoiceEntries(string source, UpstreamLimits limits)
    {
        _source = source;
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
    }

    /// <summary>The invoices normalized so far.</summary>
    public IReadOnlyList<Invoice> Invoices => _invoices;

    /// <summary>Adds a notice.</summary>
    /// <param name="notice">The notice.</param>
    public void Notice(SourceNotice notice) => _notices.Add(notice);

    /// <summary>Normalizes every entry of an array; a failing entry becomes a notice naming its index and id.</summary>
    /// <param name="array">The upstream array.</param>
    /// <param name="normalize">Turns one entry into an invoice; throws when it cannot.</param>
    /// <returns>How many entries the array had.</returns>
    public int AddAll(JsonElement array, Func<JsonElement, Invoice> normalize)
    {
        ArgumentNullException.ThrowIfNull(normalize);
        var index = 0;
        foreach (var entry in array.EnumerateArray())
        {
            EnsureRoom();
            try
            {
                _invoices.Add(normalize(entry));
            }
            catch (Exception ex) when (IsEntryFailure(ex))
            {
                Reject(index, entry, ex);
            }

            index++;
        }

        return index;
    }

    /// <summary>
    /// Throws <see cref="UpstreamErrorCodes.LimitExceeded"/> when <see cref="UpstreamLimits.MaxInvoices"/> invoices were
    /// added: what <see cref="AddAll"/> checks before each entry, for an adapter that reads its entries itself.
    /// </summary>
    public void EnsureRoom()
    {
        if (_invoices.Count >= _limits.MaxInvoices)
        {
            throw new UpstreamException(UpstreamErrorCodes.LimitExceeded,
                $"Source '{_source}' sent more than {_limits.MaxInvoices} invoices.");
        }
    }

    /// <summary>Adds an invoice normalized from an entry (after <see cref="EnsureRoom"/>).</summary>
    /// <param name="invoice">The invoice.</param>
    public void Add(Invoice invoice) => _invoices.Add(invoice);

    /// <summary>Whether normalizing an entry failed for the entry's sake (it is left out with a notice) rather than the source's.</summary>
    /// <param name="ex">What normalizing it threw.</param>
    /// <returns>Whether it rejects only that entry.</returns>
    public static bool IsEntryFailure(Exception ex) =>
        ex is JsonException or FormatException or InvalidOperationException or OverflowException or ArgumentException
            or UpstreamException or KeyNotFoundException or NotSupportedException;

    /// <summary>The notice for an entry that could not be normalized (<see cref="IsEntryFailure"/>), naming its index and id.</summary>
    /// <param name="index">The entry's index in the upstream array.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="ex">Why it failed.</param>
    public void Reject(int index, JsonElement entry, Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        _notices.Add(new SourceNotice(SourceNotice.InvoiceRejected,
            $"Entry {index} (id {DescribeId(entry)}) of source '{_source}' was left out: {Reason(ex)}"));
    }

    /// <summary>The listing of everything added.</summary>
    /// <returns>The listing.</returns>
    public SourceListing ToListing() => new(_invoices.ToArray(), _notices.ToArray());

    private static string DescribeId(JsonElement entry)
    {
        if (entry.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in (ReadOnlySpan<string>)["id", "number", "invoiceNumber", "invoice_number"])
            {
                if (entry.TryGetProperty(name, out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    var text = id.ToString();
                    return $"'{(text.Length > 64 ? text[..64] : text)}'";
                }
            }
        }

        return "unknown";
    }

    private static string Reason(Exception ex)
    {
        var message = ex.Message;
        return message.Length > 300 ? message[..300] : message;
    }
}
