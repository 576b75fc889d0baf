namespace InvoiceGateway.Sandbox;

/// <summary>
/// What the sandbox generates. The same options always produce the same data, byte for byte.
/// Bound from the configuration section <c>Sandbox</c> when the sandbox runs as a program.
/// </summary>
public sealed class SandboxOptions
{
    /// <summary>
    /// How many invoices each API serves in addition to its documented seed examples.
    /// The default value is 25.
    /// </summary>
    public int InvoicesPerSource { get; set; } = 25;

    /// <summary>
    /// How many invoices each further GoScore consent (<c>c1</c>, <c>c2</c>, ...: one per user of an app)
    /// has, besides consent <c>1</c> of <see cref="InvoicesPerSource"/>. The default value is 5.
    /// </summary>
    public int InvoicesPerConsent { get; set; } = 5;

    /// <summary>The seed of the data generator. The default value is 20261122.</summary>
    public int Seed { get; set; } = 20261122;

    /// <summary>
    /// The day generated dates are spread around: due dates fall between 120 days before and 120 days
    /// after it, so some invoices are overdue and some are not. The default value is 2026-11-22.
    /// </summary>
    public DateOnly Today { get; set; } = new(2026, 11, 22);
}
