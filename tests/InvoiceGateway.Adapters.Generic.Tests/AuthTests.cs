using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests;

public class AuthTests : IDisposable
{
    private readonly TempMappings _files = new();

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void DescribeAuth_ForDollr_GivesItsTokenExchangeWithExpiryInMinutes()
    {
        var auth = new GenericAdapter().DescribeAuth(Source("dollr"));

        Assert.NotNull(auth);
        Assert.Equal("token", auth.Type);
        var exchange = auth.TokenExchange;
        Assert.NotNull(exchange);
        Assert.Equal("POST", exchange.Method);
        Assert.Equal("v1/jwt/client/obtain/token", exchange.Path);
        Assert.Equal(TokenBodyFormat.Json, exchange.BodyFormat);
        Assert.Equal(
            new Dictionary<string, string> { ["client_id"] = "{ClientId}", ["client_secret"] = "{ClientSecret}" },
            exchange.Body);
        Assert.Empty(exchange.Headers);
        Assert.Equal("access_token", exchange.TokenPath);
        Assert.Equal("expires_in", exchange.ExpiryPath);
        Assert.Equal(TokenExpiryUnit.Minutes, exchange.ExpiryUnit);
        Assert.Null(exchange.ExpiryFormat);
    }

    [Fact]
    public void DescribeAuth_ForIbana_IsBearer()
    {
        var auth = new GenericAdapter().DescribeAuth(Source("ibana"));

        Assert.Equal(new AuthDefaults { Type = "bearer" }, auth);
    }

    [Fact]
    public void DescribeAuth_WhenTheMappingDescribesAGoScoreStyleExchange_GivesTheSameExchangeAsGoScore()
    {
        var file = _files.Write("goscore-like.json", """
            {
              "auth": {
                "type": "token",
                "tokenExchange": {
                  "path": "auth",
                  "headers": { "Client-ID": "{ClientId}", "Secret-Key": "{SecretKey}" },
                  "tokenPath": "token",
                  "expiryPath": "expire_at",
                  "expiryUnit": "absolute",
                  "expiryFormat": "MM-dd-yyyy HH:mm"
                }
              },
              "list": { "path": "invoices/1", "items": "invoices", "paging": { "kind": "page", "sizeParam": "per_page", "stop": "shortPage" } },
              "fields": { "sourceId": "id" }
            }
            """);

        var exchange = new GenericAdapter().DescribeAuth(Source(file))?.TokenExchange;

        Assert.NotNull(exchange);
        var goScore = TokenExchange.GoScore;
        Assert.Equal(goScore.Method, exchange.Method);
        Assert.Equal(goScore.Path, exchange.Path);
        Assert.Equal(goScore.BodyFormat, exchange.BodyFormat);
        Assert.Equal(goScore.Headers, exchange.Headers);
        Assert.Empty(exchange.Body);
        Assert.Equal(goScore.TokenPath, exchange.TokenPath);
        Assert.Equal(goScore.ExpiryPath, exchange.ExpiryPath);
        Assert.Equal(goScore.ExpiryUnit, exchange.ExpiryUnit);
        Assert.Equal(goScore.ExpiryFormat, exchange.ExpiryFormat);
    }

    [Fact]
    public void DescribeAuth_ForAnApiKeyAndForOAuth2_GivesTheHeaderAndTheTokenUrl()
    {
        var apiKey = _files.Write("apikey.json", """
            { "auth": { "type": "apikey", "headerName": "X-Api-Key" }, "list": { "path": "i" }, "fields": { "sourceId": "id" } }
            """);
        var oauth = _files.Write("oauth.json", """
            { "auth": { "type": "oauth2", "tokenUrl": "https://login.example.com/oauth/token" }, "list": { "path": "i" }, "fields": { "sourceId": "id" } }
            """);
        var adapter = new GenericAdapter();

        Assert.Equal(new AuthDefaults { Type = "apikey", HeaderName = "X-Api-Key" }, adapter.DescribeAuth(Source(apiKey)));
        Assert.Equal(new AuthDefaults { Type = "oauth2", TokenUrl = "https://login.example.com/oauth/token" }, adapter.DescribeAuth(Source(oauth)));
    }

    [Fact]
    public void DescribeAuth_WhenTheMappingHasNoAuth_IsNone()
    {
        var file = _files.Write("open.json", """{ "list": { "path": "i" }, "fields": { "sourceId": "id" } }""");

        Assert.Equal(new AuthDefaults { Type = "none" }, new GenericAdapter().DescribeAuth(Source(file)));
    }

    [Fact]
    public void Validate_WhenAnExchangeIsMalformed_ListsEveryProblem()
    {
        var file = _files.Write("bad-auth.json", """
            {
              "auth": {
                "type": "token",
                "headerName": "X-Key",
                "tokenExchange": {
                  "method": "DELETE",
                  "body": { "id": "{ClientID}" },
                  "bodyFormat": "xml",
                  "tokenPath": "data[0].token",
                  "expiryUnit": "hours",
                  "expiryFormat": "MM-dd-yyyy"
                }
              },
              "list": { "path": "i" },
              "fields": { "sourceId": "id" }
            }
            """);

        var problems = MappingFile.Validate(file, _files.Root);

        string[] expected =
        [
            "$.auth.headerName: applies only to auth type 'apikey', not 'token'",
            "$.auth.tokenExchange.method: 'DELETE' is not supported",
            "$.auth.tokenExchange: 'path' is required",
            "$.auth.tokenExchange.body.id: '{ClientID}' is not a placeholder",
            "$.auth.tokenExchange.bodyFormat: 'xml' is not a body format",
            "$.auth.tokenExchange.tokenPath: 'data[0].token' must be a dotted path",
            "$.auth.tokenExchange.expiryUnit: 'hours' is not an expiry unit",
            "$.auth.tokenExchange.expiryFormat: applies only when 'expiryUnit' is 'absolute'",
        ];
        Assert.Equal(expected.Length, problems.Count);
        foreach (var start in expected)
        {
            Assert.Contains(problems, p => p.StartsWith($"mapping 'bad-auth.json': {start}", StringComparison.Ordinal));
        }
    }

    private SourceDescriptor Source(string mapping) =>
        Sources.Describe("test", new Uri("http://127.0.0.1:9/"), mapping, _files.Root);
}
