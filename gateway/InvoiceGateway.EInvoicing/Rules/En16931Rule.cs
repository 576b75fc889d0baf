using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>One EN 16931 business rule, checked on the document as it will be written.</summary>
internal abstract class En16931Rule
{
    /// <summary>The rule's id, e.g. <c>BR-CO-15</c>.</summary>
    public abstract string Id { get; }

    /// <summary>The rule's flag. The default value is fatal.</summary>
    public virtual RuleFlag Flag => RuleFlag.Fatal;

    /// <summary>Each way the document breaks the rule; nothing when it holds or does not apply.</summary>
    public abstract IEnumerable<RuleResult> Check(EInvoiceDocument document);

    protected RuleResult Broken(string message, string? field) => new(Id, Flag, message, field);

    /// <summary>Amounts compared as the official rules compare them: rounded to cents.</summary>
    protected static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

    protected static string Show(decimal? amount) =>
        amount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent";
}

/// <summary>A mandatory business term of the invoice: broken when the term is absent.</summary>
internal sealed class MandatoryTerm(string id, string field, string message, Func<EInvoiceDocument, bool> present, RuleFlag flag = RuleFlag.Fatal)
    : En16931Rule
{
    public override string Id => id;

    public override RuleFlag Flag => flag;

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (!present(document))
        {
            yield return Broken(message, field);
        }
    }
}

/// <summary>A mandatory business term of every invoice line: one result per line that lacks it.</summary>
internal sealed class MandatoryLineTerm(string id, string field, string message, Func<DocumentLine, bool> present) : En16931Rule
{
    public override string Id => id;

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document) =>
        document.Lines.Where(line => !present(line))
            .Select(line => Broken($"{message} (line {line.Id})", $"{line.Field}.{field}"));
}
