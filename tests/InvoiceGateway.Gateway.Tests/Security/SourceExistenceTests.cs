using System.Text.RegularExpressions;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>
/// A key learns nothing about a source it cannot read: every answer about it, for every method and path,
/// is byte for byte the answer about a source that does not exist (apart from the name it wrote and the traceId).
/// </summary>
public sealed partial class SourceExistenceTests(KeyedGatewayFixture fixture) : IClassFixture<KeyedGatewayFixture>
{
    public static TheoryData<string, string, string> Requests()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var method in new[] { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE" })
        {
            // The sendcloud admin cannot read goscore: the raw passthrough's own answers.
            data.Add(TestKeys.SendcloudAdmin, method, "/v1/sources/{name}/raw/invoices?page=1");
            data.Add(TestKeys.SendcloudAdmin, method, "/v1/sources/{name}/raw/");
            data.Add(TestKeys.SendcloudAdmin, method, "/v1/sources/{name}/raw/a/../../b");
            data.Add(TestKeys.SendcloudAdmin, method, "/v1/sources/{name}/refresh");
            data.Add(TestKeys.SendcloudAdmin, method, "/v1/sources/{name}");
            data.Add(TestKeys.Billing, method, "/v1/sources/{name}/raw/invoices");
            data.Add(TestKeys.Billing, method, "/v1/sources/{name}/refresh");
        }

        data.Add(TestKeys.SendcloudAdmin, "GET", "/v1/invoices/{name}:8599002184");
        data.Add(TestKeys.SendcloudAdmin, "GET", "/v1/invoices/{name}:no-such-invoice");
        data.Add(TestKeys.SendcloudAdmin, "GET", "/v1/invoices?source={name}");
        data.Add(TestKeys.SendcloudAdmin, "GET", "/v1/invoices?source=sendcloud,{name}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Answer_AboutASourceTheKeyCannotRead_IsTheAnswerAboutAMissingSource(string key, string method, string target)
    {
        var before = fixture.Sandbox.Requests.Snapshot();

        // Same length on purpose: the answers may differ by nothing, not even their Content-Length.
        var unreadable = await SendAsync(key, method, target, "goscore");
        var missing = await SendAsync(key, method, target, "noscore");

        Assert.Equal(missing, unreadable);
        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
    }

    private async Task<string> SendAsync(string key, string method, string target, string name)
    {
        var answer = await RawHttp.SendAsync(fixture.Gateway.Address, method, target.Replace("{name}", name, StringComparison.Ordinal), [("X-Api-Key", key)]);
        Assert.True(answer.Status is 400 or 403 or 404 or 405, $"{method} {target} for {name} answered {answer.Status}: {answer.Body}");
        var headers = answer.Headers.Where(h => h.Key != "Date").OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => $"{h.Key}: {h.Value}");
        var text = $"{answer.Status}\n{string.Join('\n', headers)}\n\n{answer.Body}";
        return TraceId().Replace(text, "\"traceId\":\"*\"").Replace(name, "{name}", StringComparison.Ordinal);
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();
}
