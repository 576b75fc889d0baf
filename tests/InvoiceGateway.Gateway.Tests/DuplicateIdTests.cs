using System.Globalization;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InvoiceGateway.Gateway.Tests;

/// <summary>
/// Issue 10 item 1: an upstream that sends one id on page 1 and again on page 3. The gateway keeps one
/// invoice per source id, counts the repeat in <c>rejected</c> with notice <c>duplicate_id</c>, and
/// paged and unpaged reads agree.
/// </summary>
public sealed class DuplicateIdTests
{
    private const string Token = "test-token";

    [Fact]
    public async Task List_WhenAnUpstreamRepeatsAnIdOnALaterPage_KeepsItOnce_AndPagedAndUnpagedReadsAgree()
    {
        // ibana-shaped pages of two: ids 1 2 | 3 4 | 1 5 (id 1 again on page 3), total 6.
        string[][] pages = [["8599002184", "2"], ["3", "4"], ["8599002184", "5"]];
        await using var upstream = await IbanaLikeUpstreamAsync(pages);
        await using var gateway = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Sources:inbox:Adapter"] = "generic",
            ["Gateway:Sources:inbox:BaseUrl"] = upstream.Root.ToString(),
            ["Gateway:Sources:inbox:Auth:Type"] = "bearer",
            ["Gateway:Sources:inbox:Auth:Token"] = Token,
            ["Gateway:Sources:inbox:Options:Mapping"] = "ibana",
            ["Gateway:Sources:inbox:Options:PageSize"] = "2",
        });

        var whole = await gateway.Client.GetObjectAsync("v1/invoices?limit=500");
        var (paged, _) = await gateway.Client.GetAllAsync("limit=1");

        var ids = whole["data"]!.AsArray().Select(i => i.Str("id")).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Equal(ids.Distinct(), ids);
        Assert.Equal(ids, paged.Select(i => i.Str("id")));
        var state = whole.SourceState("inbox");
        Assert.Equal(5, state["count"]!.GetValue<int>());
        Assert.Equal(1, state["rejected"]!.GetValue<int>());
        var notice = Assert.Single(state["notices"]!.AsArray());
        Assert.Equal("duplicate_id", notice.Str("code"));
        Assert.Contains("8599002184", notice.Str("message"), StringComparison.Ordinal);
        // The first one read is the one served.
        Assert.Equal("first", whole["data"]!.AsArray().Single(i => i.Str("sourceId") == "8599002184").Str("notes"));
    }

    /// <summary>A real HTTP upstream speaking ibana's list protocol (page/limit, meta.total).</summary>
    private static Task<TestUpstream> IbanaLikeUpstreamAsync(string[][] pages) => TestUpstream.StartAsync(app =>
    {
        var total = pages.Sum(p => p.Length);
        app.MapGet("/v1/invoice", (HttpContext context) =>
        {
            var page = int.Parse(context.Request.Query["page"].ToString(), CultureInfo.InvariantCulture);
            var ids = page >= 1 && page <= pages.Length ? pages[page - 1] : [];
            var seen = new HashSet<string>(pages.Take(page - 1).SelectMany(p => p));
            var data = new JsonArray(ids.Select(id => (JsonNode)new JsonObject
            {
                ["id"] = id,
                ["invoiceNumber"] = "R-" + id,
                ["type"] = "INVOICE",
                ["status"] = "NEW",
                ["currency"] = "EUR",
                ["totalAmount"] = 100.0m,
                ["dueDate"] = "01.12.2026",
                ["notes"] = seen.Contains(id) ? "again" : "first",
            }).ToArray());
            var body = new JsonObject { ["data"] = data, ["meta"] = new JsonObject { ["total"] = total, ["page"] = page, ["limit"] = 2 } };
            return Results.Text(body.ToJsonString(), "application/json");
        });
    });
}
