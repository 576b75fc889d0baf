using InvoiceGateway.Adapters.SendRegning.Paging;

namespace InvoiceGateway.Adapters.SendRegning.Tests;

public class LinkHeaderTests
{
    [Theory]
    [InlineData("<https://a.test/x?page=2>; rel=\"next\"", "https://a.test/x?page=2")]
    [InlineData("<?page=2>; rel=next", "?page=2")]
    [InlineData("<p1>; rel=\"prev\", <p3>; rel=\"next\"", "p3")]
    [InlineData("<p1>; title=\"x, rel=next\"; rel=\"first\", < p3 >; REL=\"Next last\"", "p3")]
    [InlineData("<p9>; rel=\"last\"", null)]
    [InlineData("<p9>; rel=\"nextpage\"", null)]
    [InlineData("rel=\"next\"", null)]
    [InlineData("<unterminated; rel=\"next\"", null)]
    [InlineData("", null)]
    public void FindNext_WhenGivenAHeaderValue_ReturnsTheNextTargetOrNull(string header, string? expected) =>
        Assert.Equal(expected, LinkHeader.FindNext([header]));

    [Fact]
    public void FindNext_WhenLinksArriveAsSeveralHeaderValues_SearchesThemAll() =>
        Assert.Equal("p2", LinkHeader.FindNext(["<p0>; rel=\"first\"", "<p2>; rel=\"next\""]));
}
