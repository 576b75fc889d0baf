using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Sandbox.Tests.Hosting;

public class MapSandboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>The sandbox inside another host, as the gateway's demo mode runs it.</summary>
    private static async Task<(WebApplication App, Uri Root)> StartInsideHostAsync(string prefix, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.Services.AddSandbox(new SandboxOptions { InvoicesPerSource = 12 });
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapSandbox(prefix);
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address + "/"));
    }

    [Fact]
    public async Task MapSandbox_WithPrefix_ServesEveryApiAndLinksUnderThePrefix()
    {
        var (app, root) = await StartInsideHostAsync("/sandbox");
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = root };

        using var request = new HttpRequestMessage(HttpMethod.Get, "sandbox/sendregning/invoices/?page=2&perPage=5");
        request.Headers.Authorization = UpstreamClient.Basic(SandboxCredentials.SendRegningUsername, SandboxCredentials.SendRegningPassword);
        using var response = await http.SendAsync(request, Ct);
        using var health = await http.GetAsync("sandbox/_sandbox/health", Ct);
        using var outside = await http.GetAsync("_sandbox/health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/sandbox/sendregning/invoices/?page=3&perPage=5", UpstreamClient.NextLink(response));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }

    [Theory]
    [InlineData("goscore")]
    [InlineData("dollr")]
    public async Task Token_AfterSixtyMinutes_IsRejectedWith401(string api)
    {
        var clock = new ManualClock();
        var (app, root) = await StartInsideHostAsync("", clock);
        await using var _ = app;
        using var host = new HttpClient { BaseAddress = root };
        var token = api == "goscore" ? await GoScoreTokenAsync(host) : await DollrTokenAsync(host);
        var list = api == "goscore" ? "goscore/api/1.0/invoices/1" : "dollr/v1/invoices/list";

        clock.Now += TimeSpan.FromMinutes(59);
        var beforeExpiry = await StatusAsync(host, list, token);
        clock.Now += TimeSpan.FromMinutes(1);
        var atExpiry = await StatusAsync(host, list, token);

        Assert.Equal(HttpStatusCode.OK, beforeExpiry);
        Assert.Equal(HttpStatusCode.Unauthorized, atExpiry);
    }

    [Fact]
    public async Task GoScoreAuth_ExpireAt_IsTheClocksTimePlusSixtyMinutesInUtc()
    {
        var clock = new ManualClock { Now = new DateTimeOffset(2021, 1, 19, 21, 58, 30, TimeSpan.Zero) };
        var (app, root) = await StartInsideHostAsync("", clock);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = root };
        using var request = new HttpRequestMessage(HttpMethod.Post, "goscore/api/1.0/auth");
        request.Headers.Add("Client-ID", SandboxCredentials.GoScoreClientId);
        request.Headers.Add("Secret-Key", SandboxCredentials.GoScoreSecretKey);

        using var response = await http.SendAsync(request, Ct);

        Assert.Contains("\"expire_at\":\"01-19-2021 22:58\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BaseUrlOf_NamesTheVendorDocumentedRoots()
    {
        await using var host = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 0 }, cancellationToken: Ct);

        Assert.Equal(new Uri(host.RootUrl, "goscore/api/1.0"), host.BaseUrlOf("goscore"));
        Assert.Equal(new Uri(host.RootUrl, "sendcloud/api/v2"), host.BaseUrlOf("sendcloud"));
        Assert.Equal(new Uri(host.RootUrl, "sendregning"), host.BaseUrlOf("sendregning"));
        Assert.Equal(new Uri(host.RootUrl, "ibana"), host.BaseUrlOf("ibana"));
        Assert.Equal(new Uri(host.RootUrl, "dollr"), host.BaseUrlOf("dollr"));
        Assert.Equal("127.0.0.1", host.RootUrl.Host);
        Assert.NotEqual(0, host.RootUrl.Port);
        Assert.Throws<ArgumentException>(() => host.BaseUrlOf("paypal"));
    }

    [Theory]
    [InlineData("http://[::]:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://0.0.0.0:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://+:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://localhost:5080", "http://localhost:5080/")]
    public void RootOf_WildcardListenAddress_IsConnectable(string address, string expected)
    {
        Assert.Equal(new Uri(expected), SandboxHost.RootOf(address));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string relative, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, relative);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static async Task<string> GoScoreTokenAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "goscore/api/1.0/auth");
        request.Headers.Add("Client-ID", SandboxCredentials.GoScoreClientId);
        request.Headers.Add("Secret-Key", SandboxCredentials.GoScoreSecretKey);
        using var response = await http.SendAsync(request, Ct);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<string> DollrTokenAsync(HttpClient http)
    {
        using var response = await http.PostAsync(
            "dollr/v1/jwt/client/obtain/token",
            new StringContent($$"""{"client_id":"{{SandboxCredentials.DollrClientId}}","client_secret":"{{SandboxCredentials.DollrClientSecret}}"}""", System.Text.Encoding.UTF8, "application/json"),
            Ct);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("access_token").GetString()!;
    }
}
