namespace InvoiceGateway.Contracts;

/// <summary>
/// A kind of adapter: <c>goscore</c>, <c>sendcloud</c>, <c>generic</c> or a plug-in's. A source's
/// <c>Adapter</c> setting refers to <see cref="Name"/>. Implementations must be thread-safe and
/// stateless across sources: per-source state lives in the <see cref="IInvoiceSource"/> they create.
/// </summary>
public interface IInvoiceAdapter
{
    /// <summary>The name configuration refers to, e.g. <c>goscore</c>. Case-insensitive.</summary>
    string Name { get; }

    /// <summary>
    /// The currency used when neither the payload nor the source's settings name one, for an API that is
    /// single-currency by its documentation; <c>null</c> when there is none (the invoice's currency is then
    /// unknown and warned about, never invented).
    /// </summary>
    string? DefaultCurrency { get; }

    /// <summary>The direction used when the source's settings name none.</summary>
    InvoiceDirection DefaultDirection { get; }

    /// <summary>
    /// The direction of a source whose settings name none; by default <see cref="DefaultDirection"/>
    /// (a generic adapter's mapping may say otherwise per source).
    /// </summary>
    /// <param name="source">The source's settings.</param>
    /// <returns>The direction.</returns>
    InvoiceDirection DefaultDirectionFor(SourceDescriptor source) => DefaultDirection;

    /// <summary>
    /// Checks a source's settings (its <see cref="SourceDescriptor.Options"/> above all) and returns
    /// every problem found, each a sentence naming the option; empty when the source is valid.
    /// </summary>
    /// <param name="source">The source's settings.</param>
    /// <returns>The problems; empty when there are none.</returns>
    IReadOnlyList<string> Validate(SourceDescriptor source);

    /// <summary>
    /// What this adapter knows about the source's authentication (e.g. a generic mapping's token
    /// exchange), or <c>null</c>. The source's own <c>Auth</c> settings take precedence; this fills
    /// what they leave out.
    /// </summary>
    /// <param name="source">The source's settings.</param>
    /// <returns>The adapter's auth defaults, or <c>null</c>.</returns>
    AuthDefaults? DescribeAuth(SourceDescriptor source) => null;

    /// <summary>Creates the reader of one configured source.</summary>
    /// <param name="source">The source's validated settings.</param>
    /// <param name="http">
    /// A client whose <see cref="HttpClient.BaseAddress"/> is the source's <c>BaseUrl</c> ending in
    /// <c>/</c> (so request paths are relative and have no leading <c>/</c>), with authentication,
    /// resilience and response-size limits already applied by the gateway.
    /// </param>
    /// <returns>The source's reader.</returns>
    IInvoiceSource Create(SourceDescriptor source, HttpClient http);
}

/// <summary>Reads one configured source's invoices and normalizes them to canonical invoices.</summary>
public interface IInvoiceSource
{
    /// <summary>
    /// Reads every invoice of the source, following the upstream's paging to the end.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the caller gives up (e.g. the source's timeout).</param>
    /// <returns>The invoices and what the adapter noticed while reading them.</returns>
    /// <exception cref="UpstreamException">The upstream failed or sent something unusable.</exception>
    Task<SourceListing> ListAsync(CancellationToken cancellationToken);

    /// <summary>Reads one invoice in full detail, or <c>null</c> when the upstream has no such invoice.</summary>
    /// <param name="sourceId">The upstream's identifier (the part of the canonical id after the colon).</param>
    /// <param name="cancellationToken">Cancelled when the caller gives up.</param>
    /// <returns>The invoice, or <c>null</c> when not found.</returns>
    /// <exception cref="UpstreamException">The upstream failed or sent something unusable.</exception>
    Task<Invoice?> GetAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Gets whether the upstream has no detail endpoint, so that <see cref="GetAsync"/> reads the whole list to
    /// find one invoice. The gateway then answers details from its cached list instead of calling
    /// <see cref="GetAsync"/>: an unknown id costs no upstream request. The default value is <c>false</c>.
    /// </summary>
    bool ReadsDetailsFromList => false;
}

/// <summary>The result of reading a source's whole list.</summary>
/// <param name="Invoices">The normalized invoices.</param>
/// <param name="Notices">
/// What the adapter noticed but did not fail on: data still being collected upstream, entries
/// that could not be normalized and were left out (one notice each, with the reason), and so on.
/// </param>
public sealed record SourceListing(IReadOnlyList<Invoice> Invoices, IReadOnlyList<SourceNotice> Notices)
{
    /// <summary>Creates a listing with no notices.</summary>
    /// <param name="invoices">The invoices.</param>
    public SourceListing(IReadOnlyList<Invoice> invoices)
        : this(invoices, [])
    {
    }

    /// <summary>The number of upstream entries that were left out: not normalizable, or a repeated id.</summary>
    public int Rejected => Notices.Count(n => SourceNotice.IsRejection(n.Code));

    /// <summary>
    /// This listing with each source id kept once (the first occurrence); every repeat is left out and
    /// reported with a <see cref="SourceNotice.DuplicateId"/> notice, so it counts in <see cref="Rejected"/>.
    /// </summary>
    /// <returns>The listing itself when no id repeats.</returns>
    public SourceListing WithoutDuplicates()
    {
        var seen = new HashSet<string>(Invoices.Count, StringComparer.Ordinal);
        List<Invoice>? kept = null;
        List<SourceNotice>? notices = null;
        for (var i = 0; i < Invoices.Count; i++)
        {
            var invoice = Invoices[i];
            if (seen.Add(invoice.SourceId))
            {
                kept?.Add(invoice);
                continue;
            }

            kept ??= [.. Invoices.Take(i)];
            notices ??= [.. Notices];
            notices.Add(new SourceNotice(
                SourceNotice.DuplicateId,
                $"Invoice id '{invoice.SourceId}' was sent more than once; the first one is served."));
        }

        return kept is null ? this : new SourceListing(kept, notices!);
    }
}

/// <summary>Something an adapter noticed about a source while reading it.</summary>
/// <param name="Code">Machine-readable code, e.g. <see cref="InvoiceRejected"/>.</param>
/// <param name="Message">What happened, for people; never contains a credential.</param>
public sealed record SourceNotice(string Code, string Message)
{
    /// <summary>An upstream entry could not be normalized and was left out.</summary>
    public const string InvoiceRejected = "invoice_rejected";

    /// <summary>An upstream entry repeated an id already read from the same source and was left out.</summary>
    public const string DuplicateId = "duplicate_id";

    /// <summary>The upstream says its data is still being collected; what there is was served.</summary>
    public const string Incomplete = "upstream_incomplete";

    /// <summary>Whether a notice with this code means an upstream entry was left out (counted as rejected).</summary>
    /// <param name="code">The notice code.</param>
    /// <returns><c>true</c> for <see cref="InvoiceRejected"/> and <see cref="DuplicateId"/>.</returns>
    public static bool IsRejection(string code) => code is InvoiceRejected or DuplicateId;
}
