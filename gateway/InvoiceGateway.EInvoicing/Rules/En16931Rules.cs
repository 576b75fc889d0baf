using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>The EN 16931 rules the gateway checks on a canonical invoice, in the order they are reported.</summary>
internal static class En16931Rules
{
    public static IReadOnlyList<En16931Rule> All { get; } =
    [
        .. MandatoryTerms.All,
        new BrCo04(), new BrCo09(), new BrCo10(), new BrCo13(), new BrCo14(), new BrCo15(), new BrCo16(), new BrCo17(),
        new BrCo18(), new BrCo26(), new BrS01(), new BrS02(), new BrS09(), new BrCl04(), new BrCl14(), new BrCl23(),
        .. DecimalsRule.All,
        .. PeppolRules.All,
    ];

    public static En16931Report Check(EInvoiceDocument document)
    {
        var results = All.SelectMany(rule => rule.Check(document))
            .OrderBy(r => r.Flag)
            .ToArray();
        return new En16931Report(results.All(r => r.Flag != RuleFlag.Fatal), results);
    }
}
