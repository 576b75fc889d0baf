using System.Text.Json.Serialization;

namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>How much a broken rule matters, as EN 16931 flags it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuleFlag>))]
public enum RuleFlag
{
    /// <summary>The document does not conform: a receiver must reject it.</summary>
    [JsonStringEnumMemberName("fatal")]
    Fatal,

    /// <summary>The document conforms, but something a receiver may need is missing.</summary>
    [JsonStringEnumMemberName("warning")]
    Warning,
}

/// <summary>One business rule an invoice breaks.</summary>
/// <param name="Id">The rule's id in EN 16931 (e.g. <c>BR-CO-15</c>) or Peppol BIS Billing 3.0.</param>
/// <param name="Flag">Fatal or warning.</param>
/// <param name="Message">The rule's text, with the values that break it.</param>
/// <param name="Field">The canonical invoice field the rule is about (e.g. <c>totals.gross</c>, <c>lines[2].unit</c>).</param>
public sealed record RuleResult(string Id, RuleFlag Flag, string Message, string? Field);

/// <summary>The verdict on one invoice: valid when no fatal rule is broken.</summary>
/// <param name="Valid">True when no fatal rule is broken.</param>
/// <param name="Rules">Every rule the invoice breaks, fatal ones first.</param>
public sealed record En16931Report(bool Valid, IReadOnlyList<RuleResult> Rules)
{
    /// <summary>The <c>X-EN16931</c> header value: <c>valid</c>, or <c>invalid; rules=BR-01,BR-CO-15</c>.</summary>
    [JsonIgnore]
    public string HeaderValue => Valid ? "valid" : "invalid; rules=" + string.Join(',', FailedRuleIds);

    /// <summary>The ids of the fatal rules broken, each once, in order.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> FailedRuleIds =>
        Rules.Where(r => r.Flag == RuleFlag.Fatal).Select(r => r.Id).Distinct(StringComparer.Ordinal).ToArray();
}
