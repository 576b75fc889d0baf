using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace InvoiceGateway.Gateway.Webhooks;

/// <summary>
/// Webhook signing secrets: <c>whsec_</c> + base64 of 32 random bytes (the Standard Webhooks form), kept
/// encrypted with Data Protection like connection credentials (the key ring is in the database, so every
/// replica can sign with a secret another one stored).
/// </summary>
internal sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    private const string Prefix = "whsec_";

    private readonly IDataProtector _protector = protection.CreateProtector("InvoiceGateway.Webhooks.Secret.v1");

    public static string Create() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
