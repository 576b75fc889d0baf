using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SamplePlugin;

/// <summary>
/// The <c>sample-csv</c> adapter: a made-up API that serves <c>GET invoices.csv</c> with one invoice per line,
/// <c>id;number;dueDate;gross;currency;status</c>. It exists to show how a plug-in adds an adapter kind: a
/// public class with a parameterless constructor implementing <see cref="IInvoiceAdapter"/>, in an
/// assembly that references only the contracts.
/// </summary>
public sealed class SampleCsvAdapter : IInvoiceAdapter
{
    /// <summary>The option naming the CSV file, relative to the source's BaseUrl. The default value is <c>invoices.csv</c>.</summary>
    public const string FileOption = "File";

    internal const string DefaultFile = "invoices.csv";

    /// <inheritdoc />
    public string Name => "sample-csv";

    /// <summary>The default value is <c>EUR</c>.</summary>
    public string DefaultCurrency => "EUR";

    /// <summary>The default value is payable.</summary>
    public InvoiceDirection DefaultDirection => InvoiceDirection.Payable;

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(SourceDescriptor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var problems = new List<string>();
        if (source.Option(FileOption) is { } file
            && (file.StartsWith('/') || file.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(file, UriKind.Relative, out _)))
        {
            problems.Add($"Options:{FileOption} '{file}' must be a path relative to the source's BaseUrl, without a leading '/'.");
        }

        return problems;
    }

    /// <inheritdoc />
    public IInvoiceSource Create(SourceDescriptor source, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(http);
        return new SampleCsvSource(source, http, source.Option(FileOption) ?? DefaultFile, DefaultCurrency, DefaultDirection);
    }
}
