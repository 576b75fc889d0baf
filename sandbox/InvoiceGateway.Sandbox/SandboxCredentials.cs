namespace InvoiceGateway.Sandbox;

/// <summary>The credentials each simulated API accepts. These are public demo values, not secrets.</summary>
public static class SandboxCredentials
{
    /// <summary>GoScore <c>Client-ID</c> header of <c>POST auth</c>.</summary>
    public const string GoScoreClientId = "demo-goscore-client";

    /// <summary>GoScore <c>Secret-Key</c> header of <c>POST auth</c>.</summary>
    public const string GoScoreSecretKey = "demo-goscore-secret";

    /// <summary>The only GoScore consent id that has invoices; any other answers 404.</summary>
    public const string GoScoreConsentId = "1";

    /// <summary>Sendcloud public key: the Basic user name, and the OAuth2 client id.</summary>
    public const string SendcloudPublicKey = "demo-sendcloud-public";

    /// <summary>Sendcloud secret key: the Basic password, and the OAuth2 client secret.</summary>
    public const string SendcloudSecretKey = "demo-sendcloud-secret";

    /// <summary>SendRegning Basic user name.</summary>
    public const string SendRegningUsername = "demo@sendregning.no";

    /// <summary>SendRegning Basic password.</summary>
    public const string SendRegningPassword = "demo-sendregning-password";

    /// <summary>ibana static bearer token.</summary>
    public const string IbanaToken = "demo-ibana-token";

    /// <summary>Dollr <c>client_id</c> of the token exchange.</summary>
    public const string DollrClientId = "demo-dollr-client";

    /// <summary>Dollr <c>client_secret</c> of the token exchange.</summary>
    public const string DollrClientSecret = "demo-dollr-secret";
}
