using InvoiceGateway.Contracts;
using InvoiceGateway.EInvoicing.Document;
using InvoiceGateway.EInvoicing.Rules;

namespace InvoiceGateway.EInvoicing.Tests.Rules;

internal static class RuleAssert
{
    public static EInvoiceDocument DocumentOf(Invoice invoice) => EInvoiceDocument.From(invoice);

    /// <summary>The rule alone finds the document breaks it, naming itself and the field.</summary>
    public static RuleResult Breaks(En16931Rule rule, EInvoiceDocument document, string field)
    {
        var result = Assert.Single(rule.Check(document));
        Assert.Equal(rule.Id, result.Id);
        Assert.Equal(RuleFlag.Fatal, result.Flag);
        Assert.Equal(field, result.Field);
        return result;
    }

    public static void Holds(En16931Rule rule, EInvoiceDocument document) => Assert.Empty(rule.Check(document));

    /// <summary>The whole check of the canonical invoice finds it invalid and names the rule.</summary>
    public static void InvoiceBreaks(Invoice invoice, string ruleId)
    {
        var report = UblExport.Check(invoice);
        Assert.False(report.Valid);
        Assert.Contains(ruleId, report.FailedRuleIds);
        Assert.Contains(ruleId, report.HeaderValue, StringComparison.Ordinal);
    }
}
