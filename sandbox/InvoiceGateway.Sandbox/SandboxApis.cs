namespace InvoiceGateway.Sandbox;

/// <summary>The simulated APIs: their names and where each one's vendor-documented API root lies on the sandbox.</summary>
public static class SandboxApis
{
    /// <summary>GoScore eFaktura (seed 000).</summary>
    public const string GoScore = "goscore";

    /// <summary>Sendcloud invoices (seed 003).</summary>
    public const string Sendcloud = "sendcloud";

    /// <summary>SendRegning invoicing (seed 002).</summary>
    public const string SendRegning = "sendregning";

    /// <summary>ibana accounts-payable inbox (seed 001).</summary>
    public const string Ibana = "ibana";

    /// <summary>Dollr payment-link invoices (seed 004).</summary>
    public const string Dollr = "dollr";

    private static readonly string[] RelativeRoots =
        ["goscore/api/1.0", "sendcloud/api/v2", "sendregning", "ibana", "dollr"];

    /// <summary>The five API names, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } = [GoScore, Sendcloud, SendRegning, Ibana, Dollr];

    /// <summary>
    /// The API root relative to the sandbox's root (or the prefix it is mapped under), without leading or
    /// trailing slash, e.g. <c>goscore/api/1.0</c>. Paths of SPEC §2 are relative to it.
    /// </summary>
    /// <param name="api">One of <see cref="Names"/> (case-insensitive).</param>
    /// <exception cref="ArgumentException">The api is not one of <see cref="Names"/>.</exception>
    public static string RelativeBaseUrl(string api) => RelativeRoots[IndexOf(api)];

    /// <summary>The Sendcloud OAuth2 token URL relative to the sandbox's root: <c>sendcloud/oauth2/token/</c>.</summary>
    public const string SendcloudRelativeTokenUrl = "sendcloud/oauth2/token/";

    internal const int Count = 5;

    internal static int IndexOf(string api)
    {
        ArgumentNullException.ThrowIfNull(api);
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(Names[i], api, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new ArgumentException($"Unknown sandbox api '{api}'; expected one of {string.Join(", ", Names)}.", nameof(api));
    }

    internal static bool TryIndexOf(string? api, out int index)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(Names[i], api, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                return true;
            }
        }

        index = -1;
        return false;
    }
}
