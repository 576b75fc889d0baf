using System.Collections.Concurrent;
using System.Net;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Sandbox;
using InvoiceGateway.Upstream;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace InvoiceGateway.Benchmarks;

/// <summary>
/// The five sandbox APIs as gateway sources, built exactly as the gateway builds them (settings reader, adapter
/// catalog, upstream client with auth and resilience), so a benchmark runs the real read path.
/// </summary>
internal static class SandboxSources
{
    public static readonly string[] Names = ["goscore", "sendcloud", "sendregning", "ibana", "dollr"];

    /// <summary>Builds the sources against <paramref name="sandboxRoot"/>, sending through <paramref name="wire"/>.</summary>
    public static SourceRegistry Create(Uri sandboxRoot, int pageSize, HttpMessageHandler wire)
    {
        string Url(string api) => new Uri(sandboxRoot, SandboxApis.RelativeBaseUrl(api)).ToString();
        var page = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var values = new Dictionary<string, string?>
        {
            ["Gateway:Sources:goscore:Adapter"] = "goscore",
            ["Gateway:Sources:goscore:BaseUrl"] = Url("goscore"),
            ["Gateway:Sources:goscore:Auth:Type"] = "goscore",
            ["Gateway:Sources:goscore:Auth:ClientId"] = SandboxCredentials.GoScoreClientId,
            ["Gateway:Sources:goscore:Auth:SecretKey"] = SandboxCredentials.GoScoreSecretKey,
            ["Gateway:Sources:goscore:Options:ConsentId"] = SandboxCredentials.GoScoreConsentId,
            ["Gateway:Sources:goscore:Options:PageSize"] = page,
            ["Gateway:Sources:sendcloud:Adapter"] = "sendcloud",
            ["Gateway:Sources:sendcloud:BaseUrl"] = Url("sendcloud"),
            ["Gateway:Sources:sendcloud:Auth:Type"] = "basic",
            ["Gateway:Sources:sendcloud:Auth:Username"] = SandboxCredentials.SendcloudPublicKey,
            ["Gateway:Sources:sendcloud:Auth:Password"] = SandboxCredentials.SendcloudSecretKey,
            ["Gateway:Sources:sendregning:Adapter"] = "sendregning",
            ["Gateway:Sources:sendregning:BaseUrl"] = Url("sendregning"),
            ["Gateway:Sources:sendregning:Auth:Type"] = "basic",
            ["Gateway:Sources:sendregning:Auth:Username"] = SandboxCredentials.SendRegningUsername,
            ["Gateway:Sources:sendregning:Auth:Password"] = SandboxCredentials.SendRegningPassword,
            ["Gateway:Sources:sendregning:Options:PageSize"] = page,
            ["Gateway:Sources:ibana:Adapter"] = "generic",
            ["Gateway:Sources:ibana:BaseUrl"] = Url("ibana"),
            ["Gateway:Sources:ibana:Auth:Type"] = "bearer",
            ["Gateway:Sources:ibana:Auth:Token"] = SandboxCredentials.IbanaToken,
            ["Gateway:Sources:ibana:Options:Mapping"] = "ibana",
            ["Gateway:Sources:ibana:Options:PageSize"] = page,
            ["Gateway:Sources:dollr:Adapter"] = "generic",
            ["Gateway:Sources:dollr:BaseUrl"] = Url("dollr"),
            ["Gateway:Sources:dollr:Auth:Type"] = "token",
            ["Gateway:Sources:dollr:Auth:ClientId"] = SandboxCredentials.DollrClientId,
            ["Gateway:Sources:dollr:Auth:ClientSecret"] = SandboxCredentials.DollrClientSecret,
            ["Gateway:Sources:dollr:Options:Mapping"] = "dollr",
        };
        foreach (var name in Names)
        {
            // Reading 10,000 invoices with details takes a while on a busy machine.
            values[$"Gateway:Sources:{name}:Timeout"] = "00:05:00";
            values[$"Gateway:Sources:{name}:Resilience:TotalTimeout"] = "00:05:00";
            values[$"Gateway:Sources:{name}:Resilience:AttemptTimeout"] = "00:01:00";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var problems = new List<string>();
        var settings = GatewaySettingsReader.Read(configuration, problems);
        var catalog = new AdapterCatalog(AdapterCatalog.BuiltIn, problems);
        var plans = SourceRegistry.Plan(settings, catalog, AppContext.BaseDirectory, problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        return SourceRegistry.Create(plans, new UpstreamClientFactory(TimeProvider.System, NullLoggerFactory.Instance, wire), TimeProvider.System);
    }
}

/// <summary>Answers every request with the bytes and headers <see cref="Recording"/> captured, without a socket.</summary>
internal sealed class ReplayHandler(IReadOnlyDictionary<string, CapturedResponse> responses) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = Recording.Key(request);
        if (!responses.TryGetValue(key, out var captured))
        {
            throw new InvalidOperationException($"No captured answer for {key}.");
        }

        return Task.FromResult(captured.ToResponse(request));
    }
}

/// <summary>Passes requests to the wire and keeps each answer (status, headers, body) for <see cref="ReplayHandler"/>.</summary>
internal sealed class Recording() : DelegatingHandler(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
{
    public ConcurrentDictionary<string, CapturedResponse> Responses { get; } = new(StringComparer.Ordinal);

    public static string Key(HttpRequestMessage request) => request.Method + " " + request.RequestUri!.AbsoluteUri;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var captured = new CapturedResponse(
            response.StatusCode,
            response.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray())).ToArray(),
            response.Content.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray())).ToArray(),
            body);
        Responses[Key(request)] = captured;
        return captured.ToResponse(request);
    }
}

internal sealed record CapturedResponse(
    HttpStatusCode Status,
    KeyValuePair<string, string[]>[] Headers,
    KeyValuePair<string, string[]>[] ContentHeaders,
    byte[] Body)
{
    public HttpResponseMessage ToResponse(HttpRequestMessage request)
    {
        var content = new ByteArrayContent(Body);
        foreach (var (name, values) in ContentHeaders)
        {
            content.Headers.TryAddWithoutValidation(name, values);
        }

        var response = new HttpResponseMessage(Status) { RequestMessage = request, Content = content };
        foreach (var (name, values) in Headers)
        {
            response.Headers.TryAddWithoutValidation(name, values);
        }

        return response;
    }
}
