using InvoiceGateway.Gateway.Configuration;

namespace InvoiceGateway.Gateway.Webhooks;

/// <summary><c>Gateway:Webhooks</c> (SPEC section 8).</summary>
internal sealed record WebhookSettings
{
    /// <summary>
    /// Allows <c>http</c> URLs and loopback, private and link-local addresses, for development and tests.
    /// The default value is false: https and public addresses only (OWASP API7, server-side request forgery).
    /// </summary>
    public bool AllowInsecure { get; init; }

    /// <summary>Webhooks one tenant may register. The default value is 20.</summary>
    public int MaxPerTenant { get; init; } = 20;

    public static WebhookSettings Read(IConfigurationSection section, List<string> problems)
    {
        foreach (var child in section.GetChildren())
        {
            if (child.Key is not ("AllowInsecure" or "MaxPerTenant"))
            {
                problems.Add($"{child.Path} is not a known setting (known: AllowInsecure, MaxPerTenant).");
            }
        }

        return new WebhookSettings
        {
            AllowInsecure = GatewaySettingsReader.ReadBool(section, "AllowInsecure", problems) ?? false,
            MaxPerTenant = GatewaySettingsReader.ReadInt(section, "MaxPerTenant", 0, 10_000, problems) ?? 20,
        };
    }
}
