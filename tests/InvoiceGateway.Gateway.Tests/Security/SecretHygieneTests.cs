using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>
/// After traffic to every endpoint, failures, token exchanges (good and refused), 401s, 403s, 429s and
/// the raw passthrough, no log line at any level and no response carries a credential or an API key.
/// </summary>
public sealed partial class SecretHygieneTests
{
    private const string WrongGoScoreSecret = "wrong-goscore-secret-3e5a7c9b";
    private const string WrongDollrSecret = "wrong-dollr-secret-8d0f2b4c";
    private const string CallersOwnToken = "callers-own-bearer-token-6a8c";

    private static readonly string[] Secrets =
    [
        .. SandboxConfig.Secrets,
        .. TestKeys.All,
        TestKeys.Sha256(TestKeys.Billing)["sha256:".Length..],
        Base64(SandboxCredentials.SendcloudPublicKey + ":" + SandboxCredentials.SendcloudSecretKey),
        Base64(SandboxCredentials.SendRegningUsername + ":" + SandboxCredentials.SendRegningPassword),
        WrongGoScoreSecret,
        WrongDollrSecret,
        CallersOwnToken,
    ];

    [Fact]
    public async Task LogsAndResponses_WhenEveryEndpointWasUsedIncludingFailures_NeverContainASecretOrApiKey()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 12 }, cancellationToken: ct);
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox,
            [.. SandboxConfig.SourceNames.Select(n => ($"Gateway:Sources:{n}:Resilience:MaxResponseBytes", (string?)"1048576"))]));
        await using var refused = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox,
            ("Gateway:Sources:goscore:Auth:SecretKey", WrongGoScoreSecret),
            ("Gateway:Sources:dollr:Auth:ClientSecret", WrongDollrSecret),
            ("Gateway:RateLimit:PermitLimit", "4"),
            ("Gateway:RateLimit:Window", "00:10:00")));
        var answers = new StringBuilder();
        var statuses = new HashSet<int>();

        async Task SendAsync(GatewayServer server, HttpMethod method, string url, string? key, string? authorization = null)
        {
            using var response = await server.Client.SendWithKeyAsync(method, url, key, headers =>
            {
                if (authorization is not null)
                {
                    headers.TryAddWithoutValidation("Authorization", authorization);
                }
            });
            statuses.Add((int)response.StatusCode);
            answers.Append((int)response.StatusCode).Append(' ').Append(response.Headers).Append(response.Content.Headers)
                .AppendLine(await response.Content.ReadAsStringAsync(ct));
        }

        string[] lists = ["v1/invoices?limit=500", "v1/invoices?limit=5&include=raw", "v1/invoices?source=dollr,goscore"];
        string[] details = ["v1/invoices/goscore:8599002184", "v1/invoices/sendcloud:1", "v1/invoices/sendregning:123",
            "v1/invoices/ibana:3f6c1b2e-8d4a-4c1f-9b7e-2a5d9c0e7f41", "v1/invoices/dollr:123", "v1/invoices/dollr:123?include=raw"];
        string[] raws = ["v1/sources/goscore/raw/invoices/1?page=1&per_page=3", "v1/sources/sendcloud/raw/user/invoices/1",
            "v1/sources/sendregning/raw/invoices/123", "v1/sources/ibana/raw/v1/invoice?page=1&limit=3", "v1/sources/dollr/raw/v1/invoices/list",
            "v1/sources/goscore/raw/auth", "v1/sources/ibana/raw/../../secrets", "v1/sources/ibana/raw/%2e%2e%2fx"];

        // Anonymous, wrong and almost-right keys: 401 everywhere.
        foreach (var key in new[] { null, "someone-elses-key-000000000", TestKeys.Ops + "x", "x" + TestKeys.Reader })
        {
            foreach (var url in lists.Concat(details).Concat(raws).Append("v1/sources"))
            {
                await SendAsync(gateway, HttpMethod.Get, url, key);
            }

            await SendAsync(gateway, HttpMethod.Post, "v1/sources/goscore/refresh", key);
        }

        // Every key on every endpoint: 200s, 400s, 403s, 404s, 405s, token exchanges.
        foreach (var key in TestKeys.All)
        {
            foreach (var url in lists.Concat(details).Concat(raws).Concat(["v1/sources", "v1/invoices?source=nosuch", "v1/invoices?stauts=1", "v1/invoices/nosuch:1"]))
            {
                await SendAsync(gateway, HttpMethod.Get, url, key, "Bearer " + CallersOwnToken);
            }

            foreach (var source in SandboxConfig.SourceNames)
            {
                await SendAsync(gateway, HttpMethod.Post, $"v1/sources/{source}/refresh", key);
                await SendAsync(gateway, HttpMethod.Delete, $"v1/sources/{source}/raw/x", key);
            }
        }

        // Each upstream failing in each way, read fresh.
        SandboxFault[] faults =
        [
            new() { Status = 500 }, new() { Status = 401 }, new() { Status = 429, RetryAfterSeconds = 1 }, new() { ResetConnection = true },
            new() { MalformedJson = true }, new() { MalformedEntry = true }, new() { DeepNestingLevels = 5000 }, new() { OversizedBytes = 3_000_000 }, new() { LatencyMs = 2_500 },
        ];
        foreach (var fault in faults)
        {
            foreach (var source in SandboxConfig.SourceNames)
            {
                sandbox.Faults.Set(source, fault);
            }

            await SendAsync(gateway, HttpMethod.Post, "v1/sources/dollr/refresh", TestKeys.Ops);
            await SendAsync(gateway, HttpMethod.Get, "v1/invoices/goscore:8599002184", TestKeys.Ops, "Bearer " + CallersOwnToken);
            foreach (var url in raws.Take(5))
            {
                await SendAsync(gateway, HttpMethod.Get, url, TestKeys.Ops);
            }

            using var bypass = new HttpRequestMessage(HttpMethod.Get, "v1/invoices?limit=500");
            bypass.Headers.Add("X-Api-Key", TestKeys.Reader);
            bypass.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
            using var response = await gateway.Client.SendAsync(bypass, ct);
            answers.AppendLine(await response.Content.ReadAsStringAsync(ct));
        }

        sandbox.Faults.ClearAll();

        // Refused token exchanges, and a rate limit.
        foreach (var url in lists.Concat(details).Concat(raws))
        {
            await SendAsync(refused, HttpMethod.Get, url, TestKeys.Ops);
            await SendAsync(refused, HttpMethod.Get, url, TestKeys.Reader);
        }

        var logs = string.Join("\n", gateway.Logs.Lines.Concat(refused.Logs.Lines));
        Assert.Contains("upstream_unauthorized", answers.ToString(), StringComparison.Ordinal);
        Assert.Superset(new HashSet<int> { 200, 400, 401, 403, 404, 405, 429, 502 }, statuses);
        Assert.True(gateway.Logs.Lines.Count > 100, "the capture should have seen the traffic");
        foreach (var secret in Secrets)
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"a log line contains '{secret}'");
            Assert.False(answers.ToString().Contains(secret, StringComparison.Ordinal), $"a response contains '{secret}'");
        }

        Assert.DoesNotMatch(CredentialHeader(), logs);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>An Authorization value with its credential (sandbox-issued tokens included).</summary>
    [GeneratedRegex(@"(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}")]
    private static partial Regex CredentialHeader();
}
