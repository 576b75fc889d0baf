using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Tests;

/// <summary>Calls the sandbox as an adapter would: each API with its own credentials, tokens fetched when first needed.</summary>
public sealed class UpstreamClient(SandboxHost host) : IDisposable
{
    public static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true };

    private readonly Dictionary<string, string> tokens = [];

    public HttpClient Http { get; } = new() { BaseAddress = host.RootUrl };

    public SandboxHost Host => host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public Uri Url(string api, string relative) => new($"{host.BaseUrlOf(api)}/{relative}");

    public async Task<string> GoScoreTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("goscore", "auth"));
        request.Headers.Add("Client-ID", SandboxCredentials.GoScoreClientId);
        request.Headers.Add("Secret-Key", SandboxCredentials.GoScoreSecretKey);
        using var response = await Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("token").GetString()!;
    }

    public async Task<string> DollrTokenAsync()
    {
        using var response = await Http.PostAsJsonAsync(
            Url("dollr", "v1/jwt/client/obtain/token"),
            new Dictionary<string, string> { ["client_id"] = SandboxCredentials.DollrClientId, ["client_secret"] = SandboxCredentials.DollrClientSecret },
            Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task<string> SendcloudTokenAsync()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = SandboxCredentials.SendcloudPublicKey,
            ["client_secret"] = SandboxCredentials.SendcloudSecretKey,
        });
        using var response = await Http.PostAsync(new Uri(host.RootUrl, "sendcloud/oauth2/token/"), form, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The credentials each API accepts, as an Authorization header.</summary>
    public async Task<AuthenticationHeaderValue> AuthorizationAsync(string api)
    {
        switch (api)
        {
            case "goscore":
            case "dollr":
                if (!tokens.TryGetValue(api, out var token))
                {
                    token = api == "goscore" ? await GoScoreTokenAsync() : await DollrTokenAsync();
                    tokens[api] = token;
                }

                return new AuthenticationHeaderValue("Bearer", token);
            case "sendcloud":
                return Basic(SandboxCredentials.SendcloudPublicKey, SandboxCredentials.SendcloudSecretKey);
            case "sendregning":
                return Basic(SandboxCredentials.SendRegningUsername, SandboxCredentials.SendRegningPassword);
            case "ibana":
                return new AuthenticationHeaderValue("Bearer", SandboxCredentials.IbanaToken);
            default:
                throw new ArgumentException(api, nameof(api));
        }
    }

    /// <summary>GET <paramref name="url"/> with <paramref name="api"/>'s credentials (or the given header; none when <paramref name="anonymous"/>).</summary>
    public async Task<HttpResponseMessage> GetAsync(string api, Uri url, AuthenticationHeaderValue? authorization = null, bool anonymous = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = anonymous ? null : authorization ?? await AuthorizationAsync(api);
        return await Http.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> GetAsync(string api, string relative) => GetAsync(api, Url(api, relative));

    public async Task<byte[]> GetBytesAsync(string api, string relative)
    {
        using var response = await GetAsync(api, relative);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    /// <summary>One API's whole list, read the way its docs say to page it; every page's raw body kept.</summary>
    public async Task<(List<JsonElement> Invoices, List<byte[]> Pages)> ReadAllAsync(string api, int pageSize)
    {
        var invoices = new List<JsonElement>();
        var pages = new List<byte[]>();
        switch (api)
        {
            case "goscore":
                for (var page = 1; ; page++)
                {
                    var body = await GetBytesAsync(api, $"invoices/1?page={page}&per_page={pageSize}");
                    pages.Add(body);
                    var items = Elements(body, "invoices");
                    invoices.AddRange(items);
                    if (items.Count < pageSize)
                    {
                        break;
                    }
                }

                break;
            case "ibana":
                for (var page = 1; ; page++)
                {
                    var body = await GetBytesAsync(api, $"v1/invoice?page={page}&limit={pageSize}");
                    pages.Add(body);
                    var items = Elements(body, "data");
                    invoices.AddRange(items);
                    using var document = JsonDocument.Parse(body);
                    if (page * pageSize >= document.RootElement.GetProperty("meta").GetProperty("total").GetInt32())
                    {
                        break;
                    }
                }

                break;
            case "sendregning":
                var next = Url(api, $"invoices/?page=1&perPage={pageSize}");
                while (true)
                {
                    using var response = await GetAsync(api, next);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    var body = await response.Content.ReadAsByteArrayAsync(Ct);
                    pages.Add(body);
                    invoices.AddRange(Elements(body, null));
                    var link = NextLink(response);
                    if (link is null)
                    {
                        break;
                    }

                    next = new Uri(next, link);
                }

                break;
            case "sendcloud":
                var all = await GetBytesAsync(api, "user/invoices");
                pages.Add(all);
                invoices.AddRange(Elements(all, "invoices"));
                break;
            case "dollr":
                var list = await GetBytesAsync(api, "v1/invoices/list");
                pages.Add(list);
                invoices.AddRange(Elements(list, null));
                break;
            default:
                throw new ArgumentException(api, nameof(api));
        }

        return (invoices, pages);
    }

    /// <summary>The id of a list entry as text, whatever its JSON type.</summary>
    public static string IdOf(string api, JsonElement invoice)
    {
        var id = invoice.GetProperty(api == "sendregning" ? "number" : "id");
        return id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
    }

    /// <summary>The target of the <c>rel="next"</c> link, as written (absolute or relative); null when none.</summary>
    public static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var part in string.Join(",", values).Split(','))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            if (pieces.Length > 1 && pieces[1] == "rel=\"next\"")
            {
                return pieces[0].TrimStart('<').TrimEnd('>');
            }
        }

        return null;
    }

    public static List<JsonElement> Elements(byte[] body, string? property)
    {
        using var document = JsonDocument.Parse(body, Lenient);
        var array = property is null ? document.RootElement : document.RootElement.GetProperty(property);
        return [.. array.EnumerateArray().Select(e => e.Clone())];
    }

    public void Dispose() => Http.Dispose();
}
