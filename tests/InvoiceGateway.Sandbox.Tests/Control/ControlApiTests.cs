using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Tests.Control;

public class ControlApiTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxFixture fixture;

    public ControlApiTests(SandboxFixture fixture)
    {
        this.fixture = fixture;
        fixture.Host.Faults.ClearAll();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private UpstreamClient Client => fixture.Client;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task PutFault_WithCamelCaseBody_InjectsTheFault()
    {
        using var put = await Client.Http.PutAsync("_sandbox/faults/ibana", Json("""{"status":503,"retryAfterSeconds":2,"remainingCount":1}"""), Ct);

        using var faulted = await Client.GetAsync("ibana", "v1/invoice");
        using var recovered = await Client.GetAsync("ibana", "v1/invoice");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), faulted.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task DeleteFault_ClearsThatApisFault()
    {
        fixture.Host.Faults.Set("dollr", new SandboxFault { Status = 500 });
        fixture.Host.Faults.Set("ibana", new SandboxFault { Status = 500 });

        using var delete = await Client.Http.DeleteAsync("_sandbox/faults/dollr", Ct);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Null(fixture.Host.Faults.Get("dollr"));
        Assert.NotNull(fixture.Host.Faults.Get("ibana"));
    }

    [Fact]
    public async Task DeleteFaults_ClearsEveryApisFault()
    {
        fixture.Host.Faults.Set("goscore", new SandboxFault { ResetConnection = true });
        fixture.Host.Faults.Set("sendcloud", new SandboxFault { LatencyMs = 10 });

        using var delete = await Client.Http.DeleteAsync("_sandbox/faults", Ct);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.All(SandboxApis.Names, api => Assert.Null(fixture.Host.Faults.Get(api)));
    }

    [Theory]
    [InlineData("paypal", """{"status":500}""", HttpStatusCode.NotFound)]
    [InlineData("ibana", """{"stauts":500}""", HttpStatusCode.BadRequest)]
    [InlineData("ibana", """{"status":42}""", HttpStatusCode.BadRequest)]
    [InlineData("ibana", "not json", HttpStatusCode.BadRequest)]
    public async Task PutFault_WhenApiUnknownOrBodyInvalid_RejectsAndInjectsNothing(string api, string body, HttpStatusCode expected)
    {
        using var put = await Client.Http.PutAsync($"_sandbox/faults/{api}", Json(body), Ct);

        Assert.Equal(expected, put.StatusCode);
        Assert.Null(fixture.Host.Faults.Get("ibana"));
    }

    [Fact]
    public async Task Requests_CountsDataRequestsPerApiAndResetsOnDelete()
    {
        using (await Client.Http.DeleteAsync("_sandbox/requests", Ct))
        {
        }

        using (await Client.GetAsync("sendregning", "invoices/"))
        using (await Client.GetAsync("sendregning", "invoices/123"))
        using (await Client.GetAsync("ibana", "v1/invoice"))
        {
        }

        var counts = await Client.Http.GetFromJsonAsync<Dictionary<string, int>>("_sandbox/requests", Ct);
        using var reset = await Client.Http.DeleteAsync("_sandbox/requests", Ct);
        var after = await Client.Http.GetFromJsonAsync<Dictionary<string, int>>("_sandbox/requests", Ct);

        Assert.Equal(new Dictionary<string, int> { ["goscore"] = 0, ["sendcloud"] = 0, ["sendregning"] = 2, ["ibana"] = 1, ["dollr"] = 0 }, counts);
        Assert.All(after!.Values, count => Assert.Equal(0, count));
    }

    [Fact]
    public async Task Health_ListsTheFiveBaseUrls()
    {
        using var document = JsonDocument.Parse(await Client.Http.GetStringAsync("_sandbox/health", Ct));

        Assert.Equal("ok", document.RootElement.GetProperty("status").GetString());
        var apis = document.RootElement.GetProperty("apis");
        Assert.All(SandboxApis.Names, api => Assert.Equal(fixture.Host.BaseUrlOf(api).ToString(), apis.GetProperty(api).GetString()));
    }
}
