using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>Input that once reached further than it should: ids that are path segments, error answers larger than the request, a trusted Host header.</summary>
public sealed class FrontDoorTests(KeyedGatewayFixture fixture) : IClassFixture<KeyedGatewayFixture>
{
    [Theory]
    [InlineData("/v1/invoices/sendregning:.")]
    [InlineData("/v1/invoices/sendregning:..")]
    [InlineData("/v1/invoices/sendregning:%2E%2E")]
    [InlineData("/v1/invoices/sendregning:a%5Cb")]
    [InlineData("/v1/invoices/goscore:.")]
    [InlineData("/v1/invoices/sendcloud:..")]
    [InlineData("/v1/invoices/ibana:..")]
    public async Task Detail_WhenSourceIdIsADotSegmentOrHasASeparator_Is400AndNothingIsSentUpstream(string target)
    {
        var before = fixture.Sandbox.Requests.Snapshot();

        var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", target, [("X-Api-Key", TestKeys.Ops)]);

        Assert.Equal(400, answer.Status);
        var problem = JsonNode.Parse(answer.Body)!;
        Assert.Contains("not '.' or '..'", problem["errors"]!["id"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
    }

    [Fact]
    public async Task List_WithThousandsOfBadValues_AnswersTheFirstTenAndACount_NoLargerThanTheRequest()
    {
        var target = "/v1/invoices?status=" + string.Join(',', Enumerable.Repeat("x", 3500));

        var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", target, [("X-Api-Key", TestKeys.Reader)]);

        Assert.Equal(400, answer.Status);
        var messages = JsonNode.Parse(answer.Body)!["errors"]!["status"]!.AsArray().Select(m => m!.GetValue<string>()).ToArray();
        Assert.Equal(11, messages.Length);
        Assert.Equal("And 3490 more problems with 'status'.", messages[^1]);
        Assert.True(answer.Body.Length < target.Length, $"{answer.Body.Length} bytes answered a {target.Length}-byte request");
    }

    [Fact]
    public async Task OpenApi_NamesNoServerFromTheHostHeader()
    {
        var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", "/openapi/v1.json", host: "attacker.example");

        Assert.Equal(200, answer.Status);
        Assert.DoesNotContain("attacker.example", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_NamesTheConfiguredPublicUrl_WhateverTheHostHeader()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 1 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, ("Gateway:PublicUrl", "https://invoices.example.com/")));

        var answer = await RawHttp.SendAsync(gateway.Address, "GET", "/openapi/v1.json", host: "attacker.example");

        Assert.Equal(200, answer.Status);
        var servers = JsonNode.Parse(answer.Body)!["servers"]!.AsArray();
        Assert.Equal("https://invoices.example.com", Assert.Single(servers)!["url"]!.GetValue<string>());
        Assert.DoesNotContain("attacker.example", answer.Body, StringComparison.Ordinal);
    }
}
