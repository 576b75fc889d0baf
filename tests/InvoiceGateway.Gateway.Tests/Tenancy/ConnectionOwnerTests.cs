using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>
/// A connection's <c>owner</c> (SPEC §7, §9): the tenant's own party, validated like <c>Gateway:Sources:&lt;name&gt;:Owner</c>,
/// stored with the connection and completing the owner's side of that connection's invoices in the UBL export.
/// </summary>
public sealed class ConnectionOwnerTests(TenantGatewayFixture fixture) : IClassFixture<TenantGatewayFixture>
{
    private const string OwnerVat = "NO913456782MVA";
    private static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Owner => new
    {
        name = "Nordlys Regnskap AS",
        organizationNumber = "913456782",
        organizationScheme = "0192",
        vatNumber = OwnerVat,
        address = new { line1 = "Storgata 1", postalCode = "0155", city = "Oslo", country = "no" },
    };

    [Fact]
    public async Task Owner_IsStoredShownAndCompletesTheUblExport_OfThatConnectionOnly_UntilRemoved()
    {
        using var tenant = await TenantSetup.TenantClientAsync(fixture.Gateway, "owner-acme");
        using var response = await tenant.PostAsJsonAsync("v1/connections",
            new { name = "owned", source = "goscore-app", options = new { ConsentId = "c61" }, owner = Owner }, Ct);
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        Assert.True(response.StatusCode == HttpStatusCode.Created, created.ToJsonString());
        await TenantSetup.ConnectGoScoreAsync(tenant, "unowned", "c62");

        var shown = await tenant.GetObjectAsync($"v1/connections/{created.Str("id")}");
        Assert.Equal("Nordlys Regnskap AS", shown["owner"]!.Str("name"));
        Assert.Equal("NO", shown["owner"]!["address"]!.Str("country"));

        Assert.Contains(OwnerVat, await CompanyIdsAsync(tenant, "owned"));
        Assert.DoesNotContain(OwnerVat, await CompanyIdsAsync(tenant, "unowned"));

        using var removed = await tenant.PatchAsJsonAsync($"v1/connections/{created.Str("id")}", new { owner = (object?)null }, Ct);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Null(JsonNode.Parse(await removed.Content.ReadAsStringAsync(Ct))!["owner"]);
        Assert.DoesNotContain(OwnerVat, await CompanyIdsAsync(tenant, "owned"));
    }

    /// <summary>
    /// A change to a connection is served by the next request even while other requests of the tenant are reading its
    /// connections again (the background sync does so after every change). A flag cleared before that read once let
    /// such a request take the sources read before the change as current: an export after removing the owner still
    /// carried the owner's VAT number.
    /// </summary>
    [Fact]
    public async Task OwnerChange_IsServedByTheNextRequest_WhileOtherRequestsReadTheConnectionsAgain()
    {
        using var tenant = await TenantSetup.TenantClientAsync(fixture.Gateway, "owner-race");
        using var response = await tenant.PostAsJsonAsync("v1/connections",
            new { name = "raced", source = "goscore-app", options = new { ConsentId = "c64" }, owner = Owner }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.Str("id");
        Assert.Contains(OwnerVat, await CompanyIdsAsync(tenant, "raced"));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var list = await tenant.GetAsync("v1/invoices?limit=1", stop.Token);
                Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            }
        }, stop.Token)).ToArray();
        try
        {
            for (var round = 0; round < 30; round++)
            {
                var owned = round % 2 == 1;
                using var changed = await tenant.PatchAsJsonAsync($"v1/connections/{id}", new { owner = owned ? Owner : null }, Ct);
                Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
                Assert.True(owned == (await CompanyIdsAsync(tenant, "raced")).Contains(OwnerVat), $"round {round}: owner {(owned ? "set" : "removed")} but the export says otherwise");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task BadOwner_Is400NamingEachProblem_AndNothingIsStored()
    {
        using var tenant = await TenantSetup.TenantClientAsync(fixture.Gateway, "owner-bad");
        using var response = await tenant.PostAsJsonAsync("v1/connections", new
        {
            name = "bad-owner",
            source = "goscore-app",
            options = new { ConsentId = "c63" },
            owner = new { vatNumber = "913456782", organizationScheme = "NO", colour = "blue", address = new { country = "N0" } },
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problems = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["errors"]!["owner"]!.AsArray()
            .Select(p => p!.GetValue<string>()).ToArray();
        Assert.Contains(problems, p => p.Contains("owner:Name is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("VatNumber", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("OrganizationScheme", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("colour is not a known setting", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Country", StringComparison.Ordinal));

        using var notAnObject = await tenant.PostAsJsonAsync("v1/connections",
            new { name = "bad-owner", source = "goscore-app", options = new { ConsentId = "c63" }, owner = "Nordlys" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notAnObject.StatusCode);
        Assert.Empty(JsonNode.Parse(await tenant.GetStringAsync("v1/connections", Ct))!.AsArray());
    }

    /// <summary>Every <c>cbc:CompanyID</c> in the UBL export of the connection's first invoice.</summary>
    private static async Task<string[]> CompanyIdsAsync(HttpClient tenant, string connection)
    {
        var list = await tenant.GetObjectAsync($"v1/invoices?source={connection}&limit=1");
        var id = list["data"]!.AsArray()[0]!.Str("id");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/invoices/{id}");
        request.Headers.Accept.ParseAdd("application/xml");
        using var response = await tenant.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return XDocument.Parse(body).Descendants(Cbc + "CompanyID").Select(e => e.Value).ToArray();
    }
}
