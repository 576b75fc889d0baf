using System.Text.Json.Serialization;

namespace InvoiceGateway.Adapters.GoScore.Payload;

/// <summary>
/// One entry of GoScore's <c>invoices</c> array, as documented. Scalars are read as text (numbers
/// and booleans included) so that amounts keep their scale and a value of the wrong type becomes an
/// <c>unparsed_value</c> warning instead of a rejected invoice. Documented fields not read here (<c>overdue</c>,
/// <c>org_number</c>) stay in <c>raw</c>; the adapter's README says why.
/// </summary>
internal sealed record GoScoreInvoicePayload
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("creditor_name")]
    public string? CreditorName { get; init; }

    /// <summary>A number in the documented example (918713867); read as text.</summary>
    [JsonPropertyName("creditor_org_number")]
    public string? CreditorOrgNumber { get; init; }

    [JsonPropertyName("efaktura_ref")]
    public string? EfakturaRef { get; init; }

    /// <summary><c>INVOICE</c>, <c>CREDIT_NOTE</c> or <c>REMINDER</c>: the document's category, never its payment state.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>The upstream's processing state (e.g. <c>PROCESSED</c>); kept as the source status.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("account")]
    public string? Account { get; init; }

    [JsonPropertyName("kid")]
    public string? Kid { get; init; }

    [JsonPropertyName("amount")]
    public string? Amount { get; init; }

    [JsonPropertyName("min_amount")]
    public string? MinAmount { get; init; }

    [JsonPropertyName("credit_note_amount")]
    public string? CreditNoteAmount { get; init; }

    [JsonPropertyName("due_date")]
    public string? DueDate { get; init; }

    [JsonPropertyName("paid")]
    public string? Paid { get; init; }
}
