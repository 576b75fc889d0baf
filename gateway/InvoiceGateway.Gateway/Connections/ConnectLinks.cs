using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace InvoiceGateway.Gateway.Connections;

/// <summary>
/// Connect links (SPEC section 10): an app key asks for <c>POST /v1/connect-links</c> and sends its end user to the
/// answer's <c>/connect?token=…</c>. The token is the link itself, sealed with Data Protection (the key ring every
/// replica shares), so a replica needs no lookup and a forged or altered token does not open. It names one tenant,
/// the definitions it may connect, the return address and its expiry, and it opens only the two endpoints under
/// <c>/v1/connect-links/current</c>, through its own authentication scheme, which no other endpoint asks for.
/// </summary>
internal static class ConnectLinksApi
{
    public const string HeaderName = "X-Connect-Token";

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(1);

    private static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);

    private static readonly string[] Properties = ["tenant", "sources", "returnUrl", "expiresIn"];

    public static void MapConnectLinksApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/connect-links", Create).WithTags("Connections").WithName("CreateConnectLink")
            .WithSummary("A link for an end user to connect sources for one tenant: {tenant, sources, returnUrl, expiresIn (seconds, default 3600)}; answers {url, expiresAt}.")
            .Produces<ConnectLinkDocument>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAuthorization(GatewayPolicies.App);
        var current = routes.MapGroup("/v1/connect-links/current").WithTags("Connections")
            .RequireAuthorization(GatewayPolicies.ConnectLink);
        current.MapGet("/", Describe).WithName("DescribeConnectLink")
            .WithSummary("What the link in X-Connect-Token allows: its tenant, return address, expiry and each source with the fields a connection of it needs.")
            .Produces<ConnectLinkDescription>();
        current.MapPost("/connections", Connect).WithName("ConnectThroughLink")
            .WithSummary("Creates a connection of one of the link's sources for the link's tenant (the body of POST /v1/connections); answers its first read.")
            .Produces<ConnectionDocument>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    internal static async Task<IResult> Create(HttpContext http, ConnectionDefinitions definitions, ConnectLinkTokens tokens, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var link = await ReadAsync(http.Request, definitions, errors).ConfigureAwait(false);
        if (link is null || errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        var expiresAt = time.GetUtcNow().Add(link.Lifetime);
        expiresAt = expiresAt.AddTicks(-(expiresAt.Ticks % TimeSpan.TicksPerSecond));
        var token = tokens.Seal(new ConnectLink(link.Tenant, link.Sources, link.ReturnUrl, expiresAt));
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/connect?token={token}";
        return TypedResults.Created((string?)null, new ConnectLinkDocument(url, expiresAt.UtcDateTime));
    }

    internal static ConnectLinkDescription Describe(ClaimsPrincipal user, ConnectionDefinitions definitions)
    {
        var link = ConnectLinkTokens.Of(user);
        var allowed = link.Sources.ToHashSet(StringComparer.Ordinal);
        return new ConnectLinkDescription(
            link.Tenant,
            link.ReturnUrl,
            link.ExpiresAt.UtcDateTime,
            ConnectionsApi.Definitions(definitions).Where(d => allowed.Contains(d.Name)).ToArray());
    }

    internal static Task<IResult> Connect(HttpContext http, [AsParameters] ConnectionServices services) =>
        ConnectionsApi.CreateFor(http, services, ConnectLinkTokens.Of(http.User).Sources);

    private static async Task<RequestedLink?> ReadAsync(HttpRequest request, ConnectionDefinitions definitions, Dictionary<string, string[]> errors)
    {
        foreach (var key in request.Query.Keys)
        {
            ConnectionInput.Add(errors, key.Length > 64 ? key[..64] : key, "Not a parameter of this endpoint (it has none).");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            ConnectionInput.Add(errors, "body", "The body must be a JSON object: {tenant, sources, returnUrl, expiresIn}.");
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                ConnectionInput.Add(errors, "body", "The body must be a JSON object: {tenant, sources, returnUrl, expiresIn}.");
                return null;
            }

            string? tenant = null, returnUrl = null;
            List<string>? sources = null;
            var lifetime = DefaultLifetime;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "tenant":
                        tenant = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        if (!TenantContext.IsValidId(tenant))
                        {
                            ConnectionInput.Add(errors, "tenant", "tenant is a tenant id: 1-64 characters of a-z, 0-9 and '-', starting with a letter or digit.");
                        }

                        break;
                    case "sources":
                        sources = ReadSources(property.Value, definitions, errors);
                        break;
                    case "returnUrl":
                        returnUrl = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        if (!Uri.TryCreate(returnUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || returnUrl!.Length > 2000)
                        {
                            ConnectionInput.Add(errors, "returnUrl", "returnUrl is the absolute http or https address (at most 2000 characters) the page sends the user back to.");
                        }

                        break;
                    case "expiresIn":
                        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var seconds)
                            || seconds < MinLifetime.TotalSeconds || seconds > MaxLifetime.TotalSeconds)
                        {
                            ConnectionInput.Add(errors, "expiresIn",
                                $"expiresIn is the link's lifetime in whole seconds, {MinLifetime.TotalSeconds:0}-{MaxLifetime.TotalSeconds:0} (default {DefaultLifetime.TotalSeconds:0}).");
                        }
                        else
                        {
                            lifetime = TimeSpan.FromSeconds(seconds);
                        }

                        break;
                    default:
                        var name = property.Name.Length > 64 ? property.Name[..64] : property.Name;
                        ConnectionInput.Add(errors, name, $"'{name}' is not a field of a connect link (known: {string.Join(", ", Properties)}).");
                        break;
                }
            }

            foreach (var (field, present) in new[] { ("tenant", tenant is not null), ("sources", sources is not null), ("returnUrl", returnUrl is not null) })
            {
                if (!present && !errors.ContainsKey(field))
                {
                    ConnectionInput.Add(errors, field, $"{field} is required.");
                }
            }

            return errors.Count > 0 ? null : new RequestedLink(tenant!, sources!, returnUrl!, lifetime);
        }
    }

    private static List<string>? ReadSources(JsonElement value, ConnectionDefinitions definitions, Dictionary<string, string[]> errors)
    {
        var known = string.Join(", ", definitions.All.Select(d => d.Name));
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            ConnectionInput.Add(errors, "sources", $"sources is a non-empty array of connectable source definitions (connectable: {(known.Length == 0 ? "none" : known)}).");
            return null;
        }

        var sources = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText();
            if (item.ValueKind != JsonValueKind.String || definitions.Find(name) is null)
            {
                var shown = name.Length > 64 ? name[..64] : name;
                ConnectionInput.Add(errors, "sources", $"'{shown}' is not a connectable source definition (connectable: {(known.Length == 0 ? "none" : known)}).");
            }
            else if (!sources.Contains(name, StringComparer.Ordinal))
            {
                sources.Add(name);
            }
        }

        return sources;
    }

    private sealed record RequestedLink(string Tenant, List<string> Sources, string ReturnUrl, TimeSpan Lifetime);
}

/// <summary>What a connect link allows, as sealed in its token.</summary>
internal sealed record ConnectLink(string Tenant, IReadOnlyList<string> Sources, string ReturnUrl, DateTimeOffset ExpiresAt);

// Expiry as a UTC date-time ("...Z"), like every date-time of the API.
internal sealed record ConnectLinkDocument(string Url, DateTime ExpiresAt);

internal sealed record ConnectLinkDescription(string Tenant, string ReturnUrl, DateTime ExpiresAt, DefinitionDocument[] Sources);

/// <summary>Seals and opens connect link tokens (Data Protection, its own purpose: no other protected value opens as one).</summary>
internal sealed class ConnectLinkTokens(IDataProtectionProvider protection, TimeProvider time)
{
    private const string SourceClaim = "invoicegateway:connect-source";
    private const string ReturnUrlClaim = "invoicegateway:connect-return-url";
    private const string ExpiresClaim = "invoicegateway:connect-expires";

    private readonly IDataProtector _protector = protection.CreateProtector("InvoiceGateway.ConnectLinks.v1");

    public string Seal(ConnectLink link) =>
        Base64Url.EncodeToString(_protector.Protect(JsonSerializer.SerializeToUtf8Bytes(link, ConnectLinkJson.Default.ConnectLink)));

    /// <summary>The link of a token, or why it does not open (never the token itself).</summary>
    public ConnectLink? Open(string token, out string? refusal)
    {
        ConnectLink? link = null;
        try
        {
            if (token.Length <= 4096 && Base64Url.IsValid(token))
            {
                link = JsonSerializer.Deserialize(_protector.Unprotect(Base64Url.DecodeFromChars(token)), ConnectLinkJson.Default.ConnectLink);
            }
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            link = null;
        }

        if (link is null || !TenantContext.IsValidId(link.Tenant))
        {
            refusal = "The connect link's token is not valid.";
            return null;
        }

        if (time.GetUtcNow() >= link.ExpiresAt)
        {
            refusal = $"The connect link expired at {link.ExpiresAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}; ask the application for a new one.";
            return null;
        }

        refusal = null;
        return link;
    }

    /// <summary>
    /// The caller of a connect link: its tenant (so tenant resolution holds it there, as for a tenant key), the sources
    /// it may connect, and no role and no readable source, so every other policy refuses it.
    /// </summary>
    public static ClaimsPrincipal Principal(ConnectLink link, string scheme)
    {
        var claims = new List<Claim>
        {
            new(GatewayClaims.KeyName, "connect-link:" + link.Tenant),
            new(GatewayClaims.Tenant, link.Tenant),
            new(ReturnUrlClaim, link.ReturnUrl),
            new(ExpiresClaim, link.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(link.Sources.Select(s => new Claim(SourceClaim, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, GatewayClaims.KeyName, GatewayClaims.Role));
    }

    public static ConnectLink Of(ClaimsPrincipal user) => new(
        user.TenantOfKey()!,
        user.FindAll(SourceClaim).Select(c => c.Value).ToArray(),
        user.FindFirst(ReturnUrlClaim)!.Value,
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(user.FindFirst(ExpiresClaim)!.Value, CultureInfo.InvariantCulture)));
}

[System.Text.Json.Serialization.JsonSerializable(typeof(ConnectLink))]
internal sealed partial class ConnectLinkJson : System.Text.Json.Serialization.JsonSerializerContext;

internal static class ConnectLinkDefaults
{
    public const string AuthenticationScheme = "ConnectLink";
}

/// <summary>Authenticates the <c>X-Connect-Token</c> header; only the policy of the connect-link endpoints names this scheme.</summary>
internal sealed class ConnectLinkAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConnectLinkTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[ConnectLinksApi.HeaderName];
        if (presented.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (presented.Count > 1 || presented[0] is not { Length: > 0 } token)
        {
            return Task.FromResult(AuthenticateResult.Fail($"Send exactly one {ConnectLinksApi.HeaderName} header."));
        }

        return Task.FromResult(tokens.Open(token, out var refusal) is { } link
            ? AuthenticateResult.Success(new AuthenticationTicket(ConnectLinkTokens.Principal(link, Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail(refusal!));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        Response.Headers.WWWAuthenticate = $"{ConnectLinkDefaults.AuthenticationScheme} header=\"{ConnectLinksApi.HeaderName}\"";
        await Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized.",
                result.Failure?.Message ?? $"This endpoint needs a connect link's token in the {ConnectLinksApi.HeaderName} header.")
            .ExecuteAsync(Context)
            .ConfigureAwait(false);
    }
}
