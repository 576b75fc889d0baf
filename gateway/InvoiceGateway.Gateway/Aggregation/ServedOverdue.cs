using System.Buffers;
using System.Buffers.Text;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// <c>overdue</c> and <c>daysOverdue</c> change with the date, not with the data, so they are never cached:
/// invoices are cached (and serialized once) as not overdue, and when one is served on a day it is overdue,
/// its cached bytes are copied with those two values patched in. Invoices that are not overdue are served
/// from the cache untouched; an overdue one costs one copy, not a serialization.
/// </summary>
internal static class ServedOverdue
{
    /// <summary>The two properties as every cached invoice holds them (the canonical serializer writes them so).</summary>
    private static ReadOnlySpan<byte> NotOverdue => "\"overdue\":false,\"daysOverdue\":null"u8;

    private static ReadOnlySpan<byte> OverduePrefix => "\"overdue\":true,\"daysOverdue\":"u8;

    /// <summary>Today in the gateway's time zone (<c>Gateway:TimeZone</c>) on the given clock.</summary>
    public static DateOnly Today(TimeProvider time, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    /// <summary>The invoice as cached: whatever an adapter or plug-in set, served values are computed, never stored.</summary>
    public static Invoice ForCache(Invoice invoice) =>
        invoice.Raw is null && !invoice.Overdue && invoice.DaysOverdue is null
            ? invoice
            : invoice with { Raw = null, Overdue = false, DaysOverdue = null };

    /// <summary>
    /// Writes <paramref name="cached"/> (an invoice's canonical bytes as cached) with the invoice's overdue days today;
    /// returns the cached bytes themselves when the invoice is not overdue.
    /// </summary>
    /// <param name="daysOverdue">The invoice's days overdue today (<see cref="Invoice.DaysOverdueOn"/>), or <c>null</c>.</param>
    /// <param name="cached">Its cached canonical bytes.</param>
    /// <param name="rented">A pooled array to return to <see cref="ArrayPool{T}.Shared"/> after use, or <c>null</c>.</param>
    /// <returns>The bytes to serve.</returns>
    public static ReadOnlySpan<byte> Patch(int? daysOverdue, byte[] cached, out byte[]? rented)
    {
        rented = null;
        if (daysOverdue is not { } days)
        {
            return cached;
        }

        var at = cached.AsSpan().IndexOf(NotOverdue);
        if (at < 0)
        {
            return cached; // not written by the canonical serializer; nothing to patch
        }

        rented = ArrayPool<byte>.Shared.Rent(cached.Length + 16);
        var target = rented.AsSpan();
        cached.AsSpan(0, at).CopyTo(target);
        var length = at;
        OverduePrefix.CopyTo(target[length..]);
        length += OverduePrefix.Length;
        Utf8Formatter.TryFormat(days, target[length..], out var written);
        length += written;
        var rest = cached.AsSpan(at + NotOverdue.Length);
        rest.CopyTo(target[length..]);
        return target[..(length + rest.Length)];
    }

    /// <summary>The bytes to serve, as a new array (for the detail endpoint, whose ETag is computed from them).</summary>
    public static byte[] PatchToArray(int? daysOverdue, byte[] cached)
    {
        var bytes = Patch(daysOverdue, cached, out var rented);
        if (rented is null)
        {
            return cached;
        }

        var copy = bytes.ToArray();
        ArrayPool<byte>.Shared.Return(rented);
        return copy;
    }
}
