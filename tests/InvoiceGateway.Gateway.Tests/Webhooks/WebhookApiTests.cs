using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>A gateway that allows http receivers on loopback (<c>Gateway:Webhooks:AllowInsecure</c>), on the real clock.</summary>
public sealed class InsecureWebhookGatewayFixture : IAsyncLifetime
{
    public GatewayServer Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Gateway = await GatewayServer.StartAsync(WebhookSetup.Settings(allowInsecure: true));

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();
}

/// <summary>Registration, the test ping, signatures, the delivery log, input checks, tenant isolation and the secret's hygiene.</summary>
public sealed class WebhookApiTests(InsecureWebhookGatewayFixture fixture) : IClassFixture<InsecureWebhookGatewayFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TestPing_ReachesTheReceiver_SignedSoThatStandardWebhooksVerifiesIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-ping");
        var created = await WebhookSetup.RegisterAsync(client, receiver.Url);
        var id = created.Str("id")!;
        var secret = created.Str("secret")!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var deliveryId = await WebhookSetup.PingAsync(client, id);
        var received = (await receiver.WaitForAsync(1)).Single();

        // The reference implementation accepts it (and refuses it once the body is changed).
        new StandardWebhook(secret).Verify(received.Body, received.AsHeaderDictionary());
        Assert.Throws<WebhookVerificationException>(() =>
            new StandardWebhook(secret).Verify(received.Body.Replace("webhook.test", "webhook.tost", StringComparison.Ordinal), received.AsHeaderDictionary()));

        // And it is exactly what the specification says: v1, base64 HMAC-SHA256 of id.timestamp.body with the secret's key.
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = $"{received.Headers["webhook-id"]}.{received.Headers["webhook-timestamp"]}.{received.Body}";
        Assert.Equal("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(signed))), received.Headers["webhook-signature"]);

        var body = JsonNode.Parse(received.Body)!;
        Assert.Equal("webhook.test", body.Str("type"));
        Assert.Equal(received.Headers["webhook-id"], body.Str("id"));
        Assert.StartsWith("evt_", body.Str("id"), StringComparison.Ordinal);
        Assert.Equal(id, body["data"].Str("webhookId"));
        Assert.StartsWith("application/json", received.Headers["content-type"], StringComparison.Ordinal);

        var delivery = await WebhookSetup.WaitForDeliveryAsync(client, id, deliveryId, d => d.Str("status") == "succeeded");
        Assert.Equal(1, WebhookSetup.AttemptCount(delivery));
        Assert.Equal(200, delivery["attempts"]![0]!["statusCode"]!.GetValue<int>());
        Assert.Null(delivery["nextAttemptAt"]);
        Assert.Equal(body.Str("id"), delivery.Str("eventId"));
    }

    [Fact]
    public async Task TheSecret_IsShownOnce_NeverInAnyLaterAnswerNorInTheLogs()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-secret");
        var created = await WebhookSetup.RegisterAsync(client, receiver.Url, "invoice.created");
        var id = created.Str("id")!;
        var secret = created.Str("secret")!;
        var deliveryId = await WebhookSetup.PingAsync(client, id);
        await WebhookSetup.WaitForDeliveryAsync(client, id, deliveryId, d => d.Str("status") == "succeeded");

        using var patched = await client.PatchAsJsonAsync($"v1/webhooks/{id}", new { description = "renamed" }, Ct);
        var answers = new[]
        {
            await patched.Content.ReadAsStringAsync(Ct),
            await client.GetStringAsync($"v1/webhooks/{id}", Ct),
            await client.GetStringAsync("v1/webhooks", Ct),
            await client.GetStringAsync($"v1/webhooks/{id}/deliveries", Ct),
        };

        var key = secret["whsec_".Length..];
        foreach (var answer in answers)
        {
            Assert.DoesNotContain(key, answer, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", answer, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(fixture.Gateway.Logs.Lines, line => line.Contains(key, StringComparison.Ordinal));
        Assert.Equal("renamed", JsonNode.Parse(answers[1])!.Str("description"));
        Assert.Equal(["invoice.created"], JsonNode.Parse(answers[1])!["types"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task BadInput_Is400_NamingEveryBadField()
    {
        using var client = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-input");
        using var content = new StringContent("""{"url": 5, "types": ["invoice.created", "invoice.eaten", 3], "description": 7, "colour": "blue"}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("v1/webhooks", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject();
        Assert.Equal(["colour", "description", "types", "url"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, errors["types"]!.AsArray().Count);
        Assert.Contains("invoice.eaten", errors["types"]!.ToJsonString(), StringComparison.Ordinal);

        foreach (var body in new[] { "[]", "not json", """{"types": []}""", """{"url": "ftp://example.com/x"}""", """{"url": "/relative"}""" })
        {
            using var bad = new StringContent(body, Encoding.UTF8, "application/json");
            using var answer = await client.PostAsync("v1/webhooks", bad, Ct);
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{body} answered {(int)answer.StatusCode}");
        }

        using var query = await client.GetAsync("v1/webhooks/whk_none/deliveries?limit=0", Ct);
        Assert.Equal(HttpStatusCode.NotFound, query.StatusCode);
        Assert.Empty(JsonNode.Parse(await client.GetStringAsync("v1/webhooks", Ct))!.AsArray());
    }

    [Fact]
    public async Task Webhooks_AreListedChangedAndDeleted_AndTheDeliveryLogTakesLimitAndStatus()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-crud");
        var first = (await WebhookSetup.RegisterAsync(client, receiver.Url)).Str("id")!;
        var second = (await WebhookSetup.RegisterAsync(client, receiver.Url, "invoice.updated")).Str("id")!;

        var listed = JsonNode.Parse(await client.GetStringAsync("v1/webhooks", Ct))!.AsArray();
        Assert.Equal([first, second], listed.Select(w => w.Str("id")));
        Assert.Empty(listed[0]!["types"]!.AsArray());
        Assert.True(listed[0]!["enabled"]!.GetValue<bool>());

        using var changed = await client.PatchAsJsonAsync($"v1/webhooks/{second}", new { types = new[] { "invoice.deleted", "invoice.overdue" }, description = (string?)null }, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var document = JsonNode.Parse(await changed.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(["invoice.deleted", "invoice.overdue"], document["types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Null(document["description"]);

        using var badPatch = await client.PatchAsJsonAsync($"v1/webhooks/{second}", new { url = "mailto:x@example.com", enabled = "yes" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badPatch.StatusCode);
        var errors = JsonNode.Parse(await badPatch.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject();
        Assert.Equal(["enabled", "url"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));

        var pings = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            pings.Add(await WebhookSetup.PingAsync(client, first));
        }

        foreach (var ping in pings)
        {
            await WebhookSetup.WaitForDeliveryAsync(client, first, ping, d => d.Str("status") == "succeeded");
        }

        var limited = JsonNode.Parse(await client.GetStringAsync($"v1/webhooks/{first}/deliveries?limit=2&status=succeeded", Ct))!.AsArray();
        Assert.Equal(2, limited.Count);
        Assert.Empty(JsonNode.Parse(await client.GetStringAsync($"v1/webhooks/{first}/deliveries?status=failed", Ct))!.AsArray());
        using var badQuery = await client.GetAsync($"v1/webhooks/{first}/deliveries?limit=0&status=lost&page=2", Ct);
        var queryErrors = JsonNode.Parse(await badQuery.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject();
        Assert.Equal(["limit", "page", "status"], queryErrors.Select(e => e.Key).Order(StringComparer.Ordinal));

        // A manual retry sends a delivered event again, with the same webhook-id (receivers drop repeats by it).
        var before = receiver.Received.Count;
        using var retry = await client.PostAsync($"v1/webhooks/{first}/deliveries/{pings[0]}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var again = (await receiver.WaitForAsync(before + 1)).Last();
        var eventId = (await WebhookSetup.DeliveryAsync(client, first, pings[0])).Str("eventId");
        Assert.Equal(eventId, again.Headers["webhook-id"]);
        await WebhookSetup.WaitForDeliveryAsync(client, first, pings[0], d => WebhookSetup.AttemptCount(d) == 2 && d.Str("status") == "succeeded");

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"v1/webhooks/{first}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/webhooks/{first}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/webhooks/{first}/deliveries", Ct)).StatusCode);
        Assert.Equal([second], JsonNode.Parse(await client.GetStringAsync("v1/webhooks", Ct))!.AsArray().Select(w => w.Str("id")));
    }

    [Fact]
    public async Task DeliveryLog_IsPagedNewestFirst_ByTheLinkOfAFullPage()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-paged");
        var webhook = (await WebhookSetup.RegisterAsync(client, receiver.Url)).Str("id")!;
        var other = (await WebhookSetup.RegisterAsync(client, receiver.Url)).Str("id")!;
        var pings = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            pings.Add(await WebhookSetup.PingAsync(client, webhook));
        }

        var otherPing = await WebhookSetup.PingAsync(client, other);
        var all = JsonNode.Parse(await client.GetStringAsync($"v1/webhooks/{webhook}/deliveries", Ct))!.AsArray().Select(d => d.Str("id")).ToArray();
        Assert.Equal(pings.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));

        var paged = new List<string?>();
        var pages = new List<int>();
        string? next = $"v1/webhooks/{webhook}/deliveries?limit=2";
        while (next is not null)
        {
            using var page = await client.GetAsync(next, Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var ids = JsonNode.Parse(await page.Content.ReadAsStringAsync(Ct))!.AsArray().Select(d => d.Str("id")).ToArray();
            paged.AddRange(ids);
            pages.Add(ids.Length);
            next = page.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^</(?<path>[^>]+)>; rel=\"next\"$").Groups["path"].Value
                : null;
            Assert.True(next is null || next.StartsWith($"v1/webhooks/{webhook}/deliveries?limit=2&before=", StringComparison.Ordinal), next);
        }

        Assert.Equal([2, 2, 1], pages);
        Assert.Equal(all, paged);

        // The last page is full but has nothing after it: the link leads to an empty page, which has no link.
        using var exact = await client.GetAsync($"v1/webhooks/{webhook}/deliveries?limit=5", Ct);
        Assert.True(exact.Headers.Contains("Link"));
        using var empty = await client.GetAsync($"v1/webhooks/{webhook}/deliveries?limit=5&before={all[^1]}", Ct);
        Assert.Empty(JsonNode.Parse(await empty.Content.ReadAsStringAsync(Ct))!.AsArray());
        Assert.False(empty.Headers.Contains("Link"));

        // A cursor that is not one of this webhook's deliveries (another webhook's, or made up) is a 400 that says so.
        foreach (var cursor in new[] { otherPing, "dlv_nothing", "" })
        {
            using var bad = await client.GetAsync($"v1/webhooks/{webhook}/deliveries?before={cursor}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True(JsonNode.Parse(await bad.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject().ContainsKey("before"));
        }
    }

    [Fact]
    public async Task AnotherTenantsWebhookOrDelivery_AnswersExactlyAsAMissingOne_AndStaysUntouched()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var tenantA = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-iso-a");
        using var tenantB = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey, "hooks-iso-b");
        var webhookA = (await WebhookSetup.RegisterAsync(tenantA, receiver.Url)).Str("id")!;
        var deliveryA = await WebhookSetup.PingAsync(tenantA, webhookA);
        await WebhookSetup.WaitForDeliveryAsync(tenantA, webhookA, deliveryA, d => d.Str("status") == "succeeded");
        var webhookB = (await WebhookSetup.RegisterAsync(tenantB, receiver.Url)).Str("id")!;
        const string Missing = "whk_000000000000000000000000";
        const string MissingDelivery = "dlv_000000000000000000000000";

        async Task<string> AskAsync(string method, string path, string? body = null)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await tenantB.SendAsync(request, Ct);
            var text = TenantSetup.WithoutTrace(await response.Content.ReadAsStringAsync(Ct));
            return $"{(int)response.StatusCode} {text.Replace(webhookA, "ID", StringComparison.Ordinal).Replace(Missing, "ID", StringComparison.Ordinal)
                .Replace(deliveryA, "DLV", StringComparison.Ordinal).Replace(MissingDelivery, "DLV", StringComparison.Ordinal)}";
        }

        var requests = new (string Method, string Path, string? Body)[]
        {
            ("GET", "v1/webhooks/{0}", null),
            ("PATCH", "v1/webhooks/{0}", """{"url":"http://127.0.0.1:1/stolen","description":"stolen"}"""),
            ("DELETE", "v1/webhooks/{0}", null),
            ("GET", "v1/webhooks/{0}/deliveries", null),
            ("POST", "v1/webhooks/{0}/test", null),
            ("POST", "v1/webhooks/{0}/deliveries/{1}/retry", null),
        };
        foreach (var (method, path, body) in requests)
        {
            var theirs = await AskAsync(method, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, webhookA, deliveryA), body);
            var missing = await AskAsync(method, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, Missing, MissingDelivery), body);
            Assert.StartsWith("404 ", theirs, StringComparison.Ordinal);
            Assert.Equal(missing, theirs);
        }

        // A's delivery id under B's own webhook is not found either, exactly like a delivery that never existed.
        Assert.Equal(
            await AskAsync("POST", $"v1/webhooks/{webhookB}/deliveries/{MissingDelivery}/retry"),
            await AskAsync("POST", $"v1/webhooks/{webhookB}/deliveries/{deliveryA}/retry"));
        Assert.Equal([webhookB], JsonNode.Parse(await tenantB.GetStringAsync("v1/webhooks", Ct))!.AsArray().Select(w => w.Str("id")));

        var mine = await tenantA.GetObjectAsync($"v1/webhooks/{webhookA}");
        Assert.Equal(receiver.Url.ToString(), mine.Str("url"));
        Assert.Equal("test receiver", mine.Str("description"));
        var log = JsonNode.Parse(await tenantA.GetStringAsync($"v1/webhooks/{webhookA}/deliveries", Ct))!.AsArray();
        Assert.Equal([deliveryA], log.Select(d => d.Str("id")));
        Assert.Equal(1, WebhookSetup.AttemptCount(log[0]!.AsObject()));
    }

    [Fact]
    public async Task AReaderKey_CannotManageWebhooks()
    {
        using var reader = TenantSetup.Client(fixture.Gateway, TenantSetup.ReaderKey);
        using var list = await reader.GetAsync("v1/webhooks", Ct);
        using var create = await reader.PostAsJsonAsync("v1/webhooks", new { url = "http://127.0.0.1:1/x" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
    }
}
