using System.Globalization;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Sandbox;
using Microsoft.Extensions.Configuration;

namespace InvoiceGateway.Gateway.Tests.Deployment;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker engine; .ci/run checks its syntax with
/// <c>docker-compose config -q</c>): these tests check what it says against the repository and against the
/// gateway's own configuration validation.
/// </summary>
public sealed class ComposeFileTests
{
    private const string Gateway = "gateway";
    private const string Sandbox = "sandbox";
    private const string Redis = "redis";
    private const string Postgres = "postgres";

    private readonly ComposeFile _compose = ComposeFile.Load();

    [Fact]
    public void Compose_WhenParsed_HasGatewayRedisSandboxAndPostgres_WithTheGatewayDependingOnEach()
    {
        Assert.Superset(new HashSet<string> { Gateway, Redis, Sandbox, Postgres }, _compose.ServiceNames.ToHashSet());
        var dependsOn = _compose.Service(Gateway).Children[new YamlDotNet.RepresentationModel.YamlScalarNode("depends_on")];
        var dependencies = dependsOn is YamlDotNet.RepresentationModel.YamlSequenceNode list
            ? list.Children.Select(c => c.ToString())
            : ((YamlDotNet.RepresentationModel.YamlMappingNode)dependsOn).Children.Keys.Select(k => k.ToString());
        Assert.Superset(new HashSet<string> { Redis, Sandbox, Postgres }, dependencies.ToHashSet());
    }

    [Fact]
    public void GatewayDatabase_WhenComposed_IsThePostgresServiceWithItsDatabaseUserAndPassword()
    {
        var problems = new List<string>();
        var database = InvoiceGateway.Gateway.Storage.DatabaseSettings.Read(GatewayConfiguration().GetSection("Gateway"), _compose.Root, problems);
        var postgres = _compose.EnvironmentOf(Postgres);

        Assert.Empty(problems);
        Assert.Equal(InvoiceGateway.Gateway.Storage.DatabaseProvider.Postgres, database.Provider);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        Assert.Equal(Postgres, connection.Host);
        Assert.Equal(postgres["POSTGRES_DB"], connection.Database);
        Assert.Equal(postgres["POSTGRES_USER"], connection.Username);
        Assert.Equal(postgres["POSTGRES_PASSWORD"], connection.Password);
    }

    [Fact]
    public void Dockerfile_WhenAServiceBuildsOne_ExistsRelativeToTheRepositoryRoot()
    {
        var built = _compose.ServiceNames.Where(s => _compose.DockerfileOf(s) is not null).ToArray();

        Assert.Contains(Gateway, built);
        Assert.Contains(Sandbox, built);
        Assert.All(built, service =>
        {
            var dockerfile = _compose.DockerfileOf(service)!;
            Assert.True(File.Exists(dockerfile), $"{service}: {dockerfile} does not exist");
            Assert.StartsWith(_compose.Root, dockerfile, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Dockerfile_WhenAServiceBuildsOne_IsMultiStageAndRunsItsLastStageAsANonRootUser()
    {
        foreach (var service in _compose.ServiceNames.Where(s => _compose.DockerfileOf(s) is not null))
        {
            var instructions = ComposeFile.Instructions(_compose.DockerfileOf(service)!);
            var froms = instructions.Select((i, index) => (i, index)).Where(x => x.i.Keyword == "FROM").ToArray();

            Assert.True(froms.Length >= 2, $"{service}: the Dockerfile has {froms.Length} stage(s)");
            Assert.Contains(instructions, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=", StringComparison.Ordinal));
            var lastStage = instructions.Skip(froms[^1].index).ToArray();
            Assert.DoesNotContain("sdk", lastStage[0].Arguments, StringComparison.OrdinalIgnoreCase);
            var user = lastStage.LastOrDefault(i => i.Keyword == "USER").Arguments;
            Assert.False(string.IsNullOrWhiteSpace(user), $"{service}: the last stage sets no USER");
            var name = user!.Split(':')[0];
            Assert.False(name is "root" or "0", $"{service}: runs as '{user}'");
        }
    }

    [Fact]
    public void GatewayService_WhenComposed_PublishesThePortItListensOn()
    {
        var published = _compose.PublishedContainerPorts(Gateway);
        var urls = _compose.EnvironmentOf(Gateway).GetValueOrDefault("ASPNETCORE_URLS")
                   ?? ComposeFile.DockerfileEnv(_compose.DockerfileOf(Gateway)!, "ASPNETCORE_URLS");

        Assert.NotEmpty(published);
        Assert.NotNull(urls);
        Assert.Contains(new Uri(urls!.Split(';')[0].Replace("+", "localhost", StringComparison.Ordinal)).Port, published);
    }

    [Fact]
    public void GatewayEnvironment_WhenReadAsConfiguration_PassesTheGatewaysOwnValidationWithNoProblem()
    {
        var problems = new List<string>();
        var settings = GatewaySettingsReader.Read(GatewayConfiguration(), problems);
        var catalog = new AdapterCatalog(AdapterCatalog.BuiltIn, problems);
        var plans = SourceRegistry.Plan(settings, catalog, Path.Combine(_compose.Root, "gateway", "InvoiceGateway.Gateway"), problems);

        Assert.Empty(problems);
        Assert.False(settings.Demo);
        Assert.Equal(SandboxApis.Names.Order(StringComparer.Ordinal), plans.Select(p => p.Settings.Name).Order(StringComparer.Ordinal));
        Assert.Contains(settings.ApiKeys, k => k.Role == InvoiceGateway.Gateway.Security.GatewayRoles.Admin);
        var redis = settings.Redis!.Split(',')[0].Split(':');
        Assert.Equal(Redis, redis[0]);
        Assert.Equal("6379", redis.Length > 1 ? redis[1] : "6379");
    }

    [Fact]
    public void GatewaySources_WhenComposed_PointAtTheSandboxServiceItsPortAndEachApisPath()
    {
        var problems = new List<string>();
        var settings = GatewaySettingsReader.Read(GatewayConfiguration(), problems);
        var port = SandboxPort();

        Assert.Empty(problems);
        Assert.Equal(5, settings.Sources.Count);
        foreach (var source in settings.Sources)
        {
            var api = ApiOf(source);
            Assert.Equal(Uri.UriSchemeHttp, source.BaseUrl.Scheme);
            Assert.Equal(Sandbox, source.BaseUrl.Host);
            Assert.Equal(port, source.BaseUrl.Port);
            Assert.Equal("/" + SandboxApis.RelativeBaseUrl(api), source.BaseUrl.AbsolutePath.TrimEnd('/'));
            if (source.Auth.TokenUrl is { } tokenUrl)
            {
                Assert.Equal(new Uri($"http://{Sandbox}:{port}/{SandboxApis.SendcloudRelativeTokenUrl}"), new Uri(tokenUrl));
            }
        }
    }

    /// <summary>The gateway service's environment as .NET reads it: <c>__</c> is the section separator.</summary>
    private IConfiguration GatewayConfiguration() =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(_compose.EnvironmentOf(Gateway)
                .Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)))
            .Build();

    /// <summary>Where the sandbox listens in its container: its environment, else its Dockerfile, else its own default (5080).</summary>
    private int SandboxPort()
    {
        var environment = _compose.EnvironmentOf(Sandbox);
        if (environment.TryGetValue("ASPNETCORE_HTTP_PORTS", out var ports))
        {
            return int.Parse(ports.Split(';')[0], CultureInfo.InvariantCulture);
        }

        var urls = environment.GetValueOrDefault("ASPNETCORE_URLS")
                   ?? ComposeFile.DockerfileEnv(_compose.DockerfileOf(Sandbox)!, "ASPNETCORE_URLS");
        return urls is null ? 5080 : new Uri(urls.Split(';')[0].Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal)).Port;
    }

    /// <summary>Which sandbox API a source reads: by adapter, and for the generic adapter by its mapping.</summary>
    private static string ApiOf(SourceSettings source) => source.Adapter.ToLowerInvariant() switch
    {
        "generic" => source.Options.GetValueOrDefault("Mapping") ?? throw new InvalidOperationException($"{source.Name} has no mapping"),
        var adapter => adapter,
    };
}
