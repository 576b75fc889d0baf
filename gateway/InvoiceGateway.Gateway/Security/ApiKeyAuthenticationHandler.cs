using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// Turns the <c>X-Api-Key</c> header into a <see cref="ClaimsPrincipal"/> (<see cref="GatewayClaims"/>).
/// With no keys configured every caller is an anonymous reader of every source, without admin rights.
/// Failed keys are counted per client address, and an address over its budget is refused with a 429
/// before its key is even compared.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyMatcher keys,
    Tenancy.TenantKeyDirectory tenantKeys,
    FailedKeyThrottle throttle)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    private TimeSpan? _throttledFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var result = Authenticate(out var principal);
        if (result is null)
        {
            return Succeeded(principal!);
        }

        return result.Failure is KeyNotConfigured notConfigured ? AuthenticateTenantKeyAsync(notConfigured.Presented) : Task.FromResult(result);
    }

    private async Task<AuthenticateResult> AuthenticateTenantKeyAsync(string presented)
    {
        // Not a configured key: perhaps a tenant key (looked up by its digest, cached briefly).
        if (await tenantKeys.FindAsync(presented, Context.RequestAborted).ConfigureAwait(false) is { } tenantKey)
        {
            return await Succeeded(Principals.Of(tenantKey, Scheme.Name, ForTenantKey)).ConfigureAwait(false);
        }

        throttle.RecordFailure(Context.Connection.RemoteIpAddress);
        return AuthenticateResult.Fail($"The API key in the {Options.HeaderName} header is not valid.");
    }

    /// <summary>
    /// The result of a successful authentication as <paramref name="principal"/>, completed, built once per principal
    /// (principals are built once per key, <see cref="Principals"/>): a ticket, its properties, a result and a task per
    /// request were most of what authenticating a known key allocated. Nothing in the gateway writes to a ticket's
    /// properties (no sign-in, no stored tokens), so one per key is what every request would have built.
    /// </summary>
    private Task<AuthenticateResult> Succeeded(ClaimsPrincipal principal)
    {
        if (SuccessOf.TryGetValue(principal, out var kept) && kept.Result.Ticket?.AuthenticationScheme == Scheme.Name)
        {
            return kept;
        }

        var succeeded = Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
        SuccessOf.AddOrUpdate(principal, succeeded);
        return succeeded;
    }

    private static readonly ConditionalWeakTable<ClaimsPrincipal, Task<AuthenticateResult>> SuccessOf = [];

    /// <summary>The handler has no events; the base class would allocate an object and a task per request for none.</summary>
    protected override Task<object> CreateEventsAsync() => NoEvents;

    private static readonly Task<object> NoEvents = Task.FromResult(new object());

    /// <summary><c>null</c> with the caller's <paramref name="principal"/> when the key is a configured one (or none are configured), else why not.</summary>
    private AuthenticateResult? Authenticate(out ClaimsPrincipal? principal)
    {
        principal = null;
        if (!keys.Enabled)
        {
            principal = Principals.Of(keys, Scheme.Name, static (_, scheme) => Anonymous(scheme));
            return null;
        }

        var presented = Request.Headers[Options.HeaderName];
        if (presented.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var address = Context.Connection.RemoteIpAddress;
        if (!throttle.MayTry(address, out var retryAfter))
        {
            _throttledFor = retryAfter;
            return AuthenticateResult.Fail("Too many invalid API keys from this address.");
        }

        if (presented.Count > 1)
        {
            throttle.RecordFailure(address);
            return AuthenticateResult.Fail($"Send exactly one {Options.HeaderName} header.");
        }

        var value = presented[0];
        var key = value is { Length: > 0 } && value.Length <= Options.MaxKeyLength ? keys.Match(value) : null;
        if (key is null)
        {
            if (value is { Length: > 0 } && value.Length <= Options.MaxKeyLength)
            {
                return AuthenticateResult.Fail(new KeyNotConfigured(value));
            }

            throttle.RecordFailure(address);
            return AuthenticateResult.Fail($"The API key in the {Options.HeaderName} header is not valid.");
        }

        principal = Principals.Of(key, Scheme.Name, ForKey);
        return null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        if (_throttledFor is { } retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests.",
                    $"Too many invalid API keys were sent from this address; retry after {seconds} s.")
                .ExecuteAsync(Context)
                .ConfigureAwait(false);
            return;
        }

        Response.Headers.WWWAuthenticate = $"{ApiKeyDefaults.AuthenticationScheme} header=\"{Options.HeaderName}\"";
        await Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized.",
                result.Failure?.Message ?? $"This gateway needs an API key in the {Options.HeaderName} header.")
            .ExecuteAsync(Context)
            .ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var roles = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .SelectMany(a => a.Policy switch
            {
                GatewayPolicies.Operate or GatewayPolicies.Connect => new[] { GatewayRoles.Admin, GatewayRoles.App },
                { } policy => [policy],
                null => a.Roles is { } roles ? [roles] : [],
            })
            .Distinct(StringComparer.Ordinal).ToArray() ?? [];
        var needed = roles.Length == 0 ? "another role" : "the role " + string.Join(" or ", roles.Select(r => $"'{r}'"));
        return Problems.Status(StatusCodes.Status403Forbidden, "Forbidden.",
                keys.Enabled
                    ? $"This endpoint needs an API key with {needed}."
                    : $"This endpoint needs an API key with {needed}, and no API keys are configured.")
            .ExecuteAsync(Context);
    }

    /// <summary>The caller when no keys are configured: reads every source, nothing more.</summary>
    internal static ClaimsPrincipal Anonymous(string scheme) => new(new ClaimsIdentity(
        [new Claim(GatewayClaims.Role, GatewayRoles.Reader), new Claim(GatewayClaims.Source, GatewayClaims.AllSources)],
        scheme, GatewayClaims.KeyName, GatewayClaims.Role));

    /// <summary>A tenant's key: reads everything of its tenant (and nothing else: the tenant is the scope).</summary>
    internal static ClaimsPrincipal ForTenantKey(Tenancy.TenantKey key, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(GatewayClaims.KeyName, $"tenant:{key.Tenant}:{key.Id}"),
            new Claim(GatewayClaims.Role, GatewayRoles.Reader),
            new Claim(GatewayClaims.Source, GatewayClaims.AllSources),
            new Claim(GatewayClaims.Tenant, key.Tenant),
        ],
        scheme, GatewayClaims.KeyName, GatewayClaims.Role));

    internal static ClaimsPrincipal ForKey(ApiKeySettings key, string scheme)
    {
        var claims = new List<Claim>(key.Sources.Count + 2)
        {
            new(GatewayClaims.KeyName, key.Name),
            new(GatewayClaims.Role, key.Role),
        };
        claims.AddRange(key.Sources.Select(s => new Claim(GatewayClaims.Source, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, GatewayClaims.KeyName, GatewayClaims.Role));
    }
}

/// <summary>
/// The principal of each key, built once: building it (claims, identity, the lists behind them) was most of what a cached
/// request allocated (bench/results/hotpath-issue16.md). Held beside the key object it was built for (a configured key's
/// settings, a tenant key as <see cref="Tenancy.TenantKeyDirectory"/> caches it, the matcher for anonymous callers) and
/// gone with it. The gateway treats principals as read-only (nothing adds claims or identities to a request's user; a
/// claims transformation that wanted to would have to copy).
/// </summary>
internal static class Principals
{
    private static readonly ConditionalWeakTable<object, ClaimsPrincipal> Built = [];

    public static ClaimsPrincipal Of<TKey>(TKey key, string scheme, Func<TKey, string, ClaimsPrincipal> build)
        where TKey : class
    {
        if (Built.TryGetValue(key, out var principal) && principal.Identity?.AuthenticationType == scheme)
        {
            return principal;
        }

        principal = build(key, scheme);
        Built.AddOrUpdate(key, principal);
        return principal;
    }
}

/// <summary>
/// A well-formed key that is none of the configured ones (its value is for the tenant key lookup only and
/// is never part of a message).
/// </summary>
internal sealed class KeyNotConfigured(string presented) : Exception("The API key is not a configured key.")
{
    public string Presented { get; } = presented;
}
