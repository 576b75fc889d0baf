using System.Globalization;
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
    FailedKeyThrottle throttle)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    private TimeSpan? _throttledFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!keys.Enabled)
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Anonymous(Scheme.Name), Scheme.Name)));
        }

        var presented = Request.Headers[Options.HeaderName];
        if (presented.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var address = Context.Connection.RemoteIpAddress;
        if (!throttle.MayTry(address, out var retryAfter))
        {
            _throttledFor = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many invalid API keys from this address."));
        }

        if (presented.Count > 1)
        {
            throttle.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail($"Send exactly one {Options.HeaderName} header."));
        }

        var key = presented[0] is { Length: > 0 } value && value.Length <= Options.MaxKeyLength ? keys.Match(value) : null;
        if (key is null)
        {
            throttle.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail($"The API key in the {Options.HeaderName} header is not valid."));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(ForKey(key, Scheme.Name), Scheme.Name)));
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
            .Select(a => a.Policy ?? a.Roles).OfType<string>().Distinct(StringComparer.Ordinal).ToArray() ?? [];
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
