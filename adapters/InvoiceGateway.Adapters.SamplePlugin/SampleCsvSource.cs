using System.Buffers;
using System.Globalization;
using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SamplePlugin;

/// <summary>Reads one sample-csv source. A line that cannot be read is left out with a notice; a bad value is a warning.</summary>
internal sealed class SampleCsvSource(
    SourceDescriptor source,
    HttpClient http,
    string file,
    string defaultCurrency,
    InvoiceDirection defaultDirection) : IInvoiceSource
{
    private const int Columns = 6;

    public async Task<SourceListing> ListAsync(CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(cancellationToken);
        var invoices = new List<Invoice>();
        var notices = new List<SourceNotice>();
        var lineNumber = 0;
        foreach (var rawLine in body.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)
                || (lineNumber == 1 && line.StartsWith("id;", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (invoices.Count >= source.Limits.MaxInvoices)
            {
                throw new UpstreamException(UpstreamErrorCodes.LimitExceeded,
                    $"Source '{source.Name}' sent more than {source.Limits.MaxInvoices} invoices.");
            }

            var columns = line.Split(';');
            if (columns.Length != Columns || string.IsNullOrWhiteSpace(columns[0]))
            {
                var reason = columns.Length != Columns
                    ? $"it has {columns.Length} columns; {Columns} (id;number;dueDate;gross;currency;status) were expected"
                    : "it has no id";
                notices.Add(new SourceNotice(SourceNotice.InvoiceRejected,
                    $"Line {lineNumber} of source '{source.Name}' was left out: {reason}."));
                continue;
            }

            invoices.Add(Normalize(columns, line));
        }

        return new SourceListing(invoices, notices);
    }

    public async Task<Invoice?> GetAsync(string sourceId, CancellationToken cancellationToken)
    {
        // The API has no detail endpoint: an invoice is found in the list.
        var listing = await ListAsync(cancellationToken);
        return listing.Invoices.FirstOrDefault(i => string.Equals(i.SourceId, sourceId, StringComparison.Ordinal));
    }

    private async Task<string> ReadBodyAsync(CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(new Uri(file, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new UpstreamException(UpstreamErrorCodes.Unreachable, $"Source '{source.Name}' could not be reached.", null, ex);
        }

        using (response)
        {
            UpstreamException.ThrowIfFailed(source.Name, response);
            if (response.Content.Headers.ContentType is { MediaType: { } mediaType } && IsJsonOrHtml(mediaType))
            {
                throw new UpstreamException(UpstreamErrorCodes.Payload,
                    $"Source '{source.Name}' sent {mediaType} where CSV text was expected.");
            }

            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
    }

    private Invoice Normalize(string[] columns, string line)
    {
        var warnings = new List<InvoiceWarning>();
        var id = columns[0].Trim();
        var dueDate = ReadDate(columns[2], warnings);
        var gross = ReadDecimal(columns[3], warnings);
        var currency = Text(columns[4]) is { Length: 3 } code && code.All(char.IsAsciiLetter)
            ? code
            : Text(source.Currency) ?? defaultCurrency;
        var rawStatus = Text(columns[5]);
        var status = rawStatus?.ToUpperInvariant() switch
        {
            "DRAFT" => InvoiceStatus.Draft,
            "OPEN" => InvoiceStatus.Open,
            "PAID" => InvoiceStatus.Paid,
            "CANCELLED" => InvoiceStatus.Cancelled,
            _ => Unknown(rawStatus, warnings),
        };
        return new Invoice
        {
            Id = Invoice.MakeId(source.Name, id),
            Source = source.Name,
            SourceId = id,
            Number = Text(columns[1]),
            Direction = source.Direction ?? defaultDirection,
            Status = status,
            SourceStatus = rawStatus,
            DueDate = dueDate,
            Currency = currency.ToUpperInvariant(),
            Totals = new InvoiceTotals(Gross: gross, Due: status switch
            {
                InvoiceStatus.Paid => 0m,
                InvoiceStatus.Open => gross,
                _ => null,
            }),
            Warnings = warnings,
            Raw = RawLine(line),
        };
    }

    private static InvoiceStatus Unknown(string? value, List<InvoiceWarning> warnings)
    {
        warnings.Add(new InvoiceWarning(WarningCodes.UnknownStatus, $"The status value '{value}' is not a known status."));
        return InvoiceStatus.Unknown;
    }

    private static DateOnly? ReadDate(string text, List<InvoiceWarning> warnings)
    {
        if (Text(text) is not { } value)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        warnings.Add(new InvoiceWarning(WarningCodes.UnparsedValue, $"The dueDate value '{value}' is not a date; it was left out."));
        return null;
    }

    private static decimal? ReadDecimal(string text, List<InvoiceWarning> warnings)
    {
        if (Text(text) is not { } value)
        {
            return null;
        }

        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
        {
            return amount;
        }

        warnings.Add(new InvoiceWarning(WarningCodes.UnparsedValue, $"The gross value '{value}' is not a number; it was left out."));
        return null;
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsJsonOrHtml(string mediaType) =>
        mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) || mediaType.Contains("html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The upstream payload of a CSV invoice is its line, kept as a JSON string.</summary>
    private static RawJson RawLine(string line)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(line);
        }

        return RawJson.Parse(buffer.WrittenMemory);
    }
}
