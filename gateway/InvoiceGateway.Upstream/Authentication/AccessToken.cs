namespace InvoiceGateway.Upstream;

/// <summary>
/// A token from a token exchange. A class, not a record, so that no generated <c>ToString</c> prints it.
/// </summary>
internal sealed class AccessToken
{
    private static readonly TimeSpan MinimumMargin = TimeSpan.FromSeconds(30);

    public AccessToken(string value, DateTimeOffset obtainedAt, DateTimeOffset? expiresAt)
    {
        Value = value;
        ObtainedAt = obtainedAt;
        ExpiresAt = expiresAt;
        if (expiresAt is { } expiry && expiry > obtainedAt)
        {
            // Renew when less than max(30 s, 10 % of the lifetime) remains, but never in the first half
            // of the lifetime: a token that lives 20 s must not be fetched again for every call.
            var lifetime = expiry - obtainedAt;
            var margin = TimeSpan.FromTicks(Math.Min(Math.Max(MinimumMargin.Ticks, lifetime.Ticks / 10), lifetime.Ticks / 2));
            RenewAt = expiry - margin;
        }
    }

    public string Value { get; }

    public DateTimeOffset ObtainedAt { get; }

    /// <summary>When the token expires, or <c>null</c> when unknown (then it is renewed only after a 401).</summary>
    public DateTimeOffset? ExpiresAt { get; }

    public DateTimeOffset? RenewAt { get; }

    public bool NeedsRenewal(DateTimeOffset now) => RenewAt is { } renewAt && now >= renewAt;

    public bool IsUsable(DateTimeOffset now) => ExpiresAt is not { } expiry || now < expiry;

    public override string ToString() => "AccessToken (hidden)";
}
