using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Infrastructure;

/// <summary>Gateway configuration for the five sandbox APIs, as a user would write it in appsettings.json.</summary>
public static class SandboxConfig
{
    public static readonly string[] SourceNames = ["goscore", "sendcloud", "sendregning", "ibana", "dollr"];

    /// <summary>Every credential the sandbox accepts: none may ever appear in a gateway response or log.</summary>
    public static readonly string[] Secrets =
    [
        SandboxCredentials.GoScoreSecretKey, SandboxCredentials.SendcloudSecretKey, SandboxCredentials.SendRegningPassword,
        SandboxCredentials.IbanaToken, SandboxCredentials.DollrClientSecret,
    ];

    /// <summary>
    /// Turns the background sync off, for tests of what a request itself does (miss, hit, single flight, the spans of a
    /// read): with the sync on, its first read at start races the request and the upstream counts say nothing.
    /// </summary>
    public static readonly (string Key, string? Value) WithoutSync = ("Gateway:Sync:Enabled", "false");

    /// <summary>The key of <see cref="ForAdmin"/>: <c>Cache-Control: no-cache</c> and the admin endpoints need an admin key.</summary>
    public const string AdminKey = "test-admin-key-0123456789";

    /// <summary><see cref="For"/> with API keys on and one admin key, <see cref="AdminKey"/>, of every source.</summary>
    public static Dictionary<string, string?> ForAdmin(SandboxHost sandbox, params (string Key, string? Value)[] overrides) =>
        For(sandbox, [("Gateway:ApiKeys:0:Name", "test-admin"), ("Gateway:ApiKeys:0:Key", AdminKey), ("Gateway:ApiKeys:0:Role", "admin"), .. overrides]);

    public static Dictionary<string, string?> For(SandboxHost sandbox, params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Gateway:Sources:goscore:Adapter"] = "goscore",
            ["Gateway:Sources:goscore:BaseUrl"] = sandbox.BaseUrlOf("goscore").ToString(),
            ["Gateway:Sources:goscore:Auth:Type"] = "goscore",
            ["Gateway:Sources:goscore:Auth:ClientId"] = SandboxCredentials.GoScoreClientId,
            ["Gateway:Sources:goscore:Auth:SecretKey"] = SandboxCredentials.GoScoreSecretKey,
            ["Gateway:Sources:goscore:Options:ConsentId"] = SandboxCredentials.GoScoreConsentId,
            ["Gateway:Sources:goscore:Options:PageSize"] = "10",

            ["Gateway:Sources:sendcloud:Adapter"] = "sendcloud",
            ["Gateway:Sources:sendcloud:BaseUrl"] = sandbox.BaseUrlOf("sendcloud").ToString(),
            ["Gateway:Sources:sendcloud:Auth:Type"] = "basic",
            ["Gateway:Sources:sendcloud:Auth:Username"] = SandboxCredentials.SendcloudPublicKey,
            ["Gateway:Sources:sendcloud:Auth:Password"] = SandboxCredentials.SendcloudSecretKey,

            ["Gateway:Sources:sendregning:Adapter"] = "sendregning",
            ["Gateway:Sources:sendregning:BaseUrl"] = sandbox.BaseUrlOf("sendregning").ToString(),
            ["Gateway:Sources:sendregning:Auth:Type"] = "basic",
            ["Gateway:Sources:sendregning:Auth:Username"] = SandboxCredentials.SendRegningUsername,
            ["Gateway:Sources:sendregning:Auth:Password"] = SandboxCredentials.SendRegningPassword,
            ["Gateway:Sources:sendregning:Options:PageSize"] = "10",

            ["Gateway:Sources:ibana:Adapter"] = "generic",
            ["Gateway:Sources:ibana:BaseUrl"] = sandbox.BaseUrlOf("ibana").ToString(),
            ["Gateway:Sources:ibana:Auth:Type"] = "bearer",
            ["Gateway:Sources:ibana:Auth:Token"] = SandboxCredentials.IbanaToken,
            ["Gateway:Sources:ibana:Options:Mapping"] = "ibana",
            ["Gateway:Sources:ibana:Options:PageSize"] = "10",

            ["Gateway:Sources:dollr:Adapter"] = "generic",
            ["Gateway:Sources:dollr:BaseUrl"] = sandbox.BaseUrlOf("dollr").ToString(),
            ["Gateway:Sources:dollr:Auth:Type"] = "token",
            ["Gateway:Sources:dollr:Auth:ClientId"] = SandboxCredentials.DollrClientId,
            ["Gateway:Sources:dollr:Auth:ClientSecret"] = SandboxCredentials.DollrClientSecret,
            ["Gateway:Sources:dollr:Options:Mapping"] = "dollr",
        };

        settings["Gateway:RateLimit:PermitLimit"] = "1000000";
        settings["Gateway:RateLimit:FailedKeyLimit"] = "1000000";
        foreach (var name in SourceNames)
        {
            // Fast failure in tests: short budgets, quick retries, a circuit that does not open by accident.
            settings[$"Gateway:Sources:{name}:Timeout"] = "00:00:05";
            settings[$"Gateway:Sources:{name}:Resilience:AttemptTimeout"] = "00:00:02";
            settings[$"Gateway:Sources:{name}:Resilience:TotalTimeout"] = "00:00:04";
            settings[$"Gateway:Sources:{name}:Resilience:MaxRetries"] = "1";
            settings[$"Gateway:Sources:{name}:Resilience:RetryBaseDelay"] = "00:00:00.050";
            settings[$"Gateway:Sources:{name}:Resilience:CircuitMinimumThroughput"] = "1000";
        }

        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }
}
