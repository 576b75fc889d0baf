using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>
/// Authentication is the default: every endpoint the gateway maps, however its path is spelled, answers
/// 401 without a key, except the few that are public on purpose.
/// </summary>
public sealed class EveryEndpointTests(KeyedGatewayFixture fixture) : IClassFixture<KeyedGatewayFixture>
{
    /// <summary>The only endpoints that may be reached without a key.</summary>
    private static readonly string[] Public = ["GET /health/live", "GET /health/ready", "GET /openapi/{documentName}.json"];

    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["id"] = "goscore:8599002184",
        ["name"] = "goscore",
        ["path"] = "invoices",
    };

    [Fact]
    public void AnonymousEndpoints_AreExactlyHealthAndOpenApi()
    {
        var anonymous = EndpointInventory.Enumerate(fixture.Gateway.Services).Where(e => e.AllowsAnonymous).Select(e => e.ToString());

        Assert.Equal(Public.Order(StringComparer.Ordinal), anonymous.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryEndpoint_InEverySpelling_WithoutAKey_Is401AndReachesNoSource()
    {
        var before = fixture.Sandbox.Requests.Snapshot();
        var endpoints = EndpointInventory.Enumerate(fixture.Gateway.Services, Values).Where(e => !e.AllowsAnonymous).ToArray();
        Assert.Contains(endpoints, e => e.Route == "/v1/invoices/{id}");
        Assert.Contains(endpoints, e => e.Route == "/v1/sources/{name}/raw/{**path}");
        Assert.Contains(endpoints, e => e.Route == "/v1/connect-links");
        Assert.Contains(endpoints, e => e.Route == "/v1/connect-links/current/connections");
        Assert.Contains(endpoints, e => e.Route == "/v1/events");
        Assert.Contains(endpoints, e => e.Route == "/v1/webhooks" && e.Method == "POST");
        Assert.Contains(endpoints, e => e.Route == "/v1/webhooks/{id}/deliveries/{deliveryId}/retry");
        Assert.Contains(endpoints, e => e.Route == "/v1/webhooks/{id}/test");

        var answers = new List<string>();
        foreach (var endpoint in endpoints)
        {
            foreach (var path in EndpointInventory.Spellings(endpoint.Path))
            {
                foreach (var headers in new[] { Array.Empty<(string, string)>(), [("X-Api-Key", "wrong-key-but-long-enough-0000")] })
                {
                    var answer = await RawHttp.SendAsync(fixture.Gateway.Address, endpoint.Method, path + "?limit=500&include=raw", headers);
                    if (answer.Status != 401)
                    {
                        answers.Add($"{endpoint.Method} {path} ({headers.Length} key) answered {answer.Status}");
                    }
                }
            }
        }

        Assert.Empty(answers);
        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
    }

    [Fact]
    public async Task PublicEndpoints_WithoutAKey_Answer200()
    {
        foreach (var path in new[] { "/health/live", "/HEALTH/live", "/openapi/v1.json", "/docs/index.html", "/Docs/index.html" })
        {
            var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", path);

            Assert.True(answer.Status == 200, $"{path} answered {answer.Status}");
        }
    }
}
