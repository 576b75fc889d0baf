using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace InvoiceGateway.Gateway.Tests.Deployment;

/// <summary>The repository's <c>docker-compose.yml</c>, parsed, with the Dockerfiles its services build.</summary>
public sealed class ComposeFile
{
    private ComposeFile(string root, YamlMappingNode services)
    {
        Root = root;
        Services = services;
    }

    /// <summary>The repository root: the folder holding <c>InvoiceGateway.sln</c>.</summary>
    public string Root { get; }

    public YamlMappingNode Services { get; }

    public static ComposeFile Load()
    {
        var root = FindRoot();
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(root, "docker-compose.yml")))
        {
            yaml.Load(reader);
        }

        var document = (YamlMappingNode)yaml.Documents[0].RootNode;
        return new ComposeFile(root, (YamlMappingNode)document["services"]);
    }

    public IEnumerable<string> ServiceNames => Services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    public YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    /// <summary>The Dockerfile a service builds, as a full path (build context relative to the compose file, dockerfile to the context).</summary>
    public string? DockerfileOf(string service)
    {
        if (!Service(service).Children.TryGetValue("build", out var build))
        {
            return null;
        }

        if (build is YamlScalarNode contextOnly)
        {
            return Path.GetFullPath(Path.Combine(Root, contextOnly.Value!, "Dockerfile"));
        }

        var map = (YamlMappingNode)build;
        var context = map.Children.TryGetValue("context", out var c) ? ((YamlScalarNode)c).Value! : ".";
        var dockerfile = map.Children.TryGetValue("dockerfile", out var d) ? ((YamlScalarNode)d).Value! : "Dockerfile";
        return Path.GetFullPath(Path.Combine(Root, context, dockerfile));
    }

    /// <summary>A service's environment, whether written as a mapping or as a list of <c>KEY=value</c>.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(string service)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Service(service).Children.TryGetValue("environment", out var node))
        {
            return environment;
        }

        if (node is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                environment[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value ?? string.Empty;
            }
        }
        else
        {
            foreach (var item in ((YamlSequenceNode)node).Children.Cast<YamlScalarNode>())
            {
                var text = item.Value!;
                var equals = text.IndexOf('=', StringComparison.Ordinal);
                environment[equals < 0 ? text : text[..equals]] = equals < 0 ? string.Empty : text[(equals + 1)..];
            }
        }

        return environment;
    }

    /// <summary>The container ports a service publishes (<c>"8080:8080"</c>, <c>"127.0.0.1:80:8080/tcp"</c>, long syntax).</summary>
    public IReadOnlyList<int> PublishedContainerPorts(string service)
    {
        if (!Service(service).Children.TryGetValue("ports", out var node))
        {
            return [];
        }

        var ports = new List<int>();
        foreach (var entry in ((YamlSequenceNode)node).Children)
        {
            var text = entry is YamlMappingNode longSyntax
                ? ((YamlScalarNode)longSyntax["target"]).Value!
                : ((YamlScalarNode)entry).Value!.Split(':')[^1];
            ports.Add(int.Parse(text.Split('/')[0], CultureInfo.InvariantCulture));
        }

        return ports;
    }

    /// <summary>The value of the last <c>ENV name=value</c> (or <c>ENV name value</c>) in a Dockerfile, continuation lines joined.</summary>
    public static string? DockerfileEnv(string dockerfile, string name)
    {
        string? found = null;
        foreach (var instruction in Instructions(dockerfile).Where(i => i.Keyword == "ENV"))
        {
            foreach (var part in instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith(name + "=", StringComparison.Ordinal))
                {
                    found = part[(name.Length + 1)..].Trim('"');
                }
            }

            if (instruction.Arguments.StartsWith(name + " ", StringComparison.Ordinal))
            {
                found = instruction.Arguments[(name.Length + 1)..].Trim().Trim('"');
            }
        }

        return found;
    }

    /// <summary>A Dockerfile's instructions (keyword upper-case, arguments), comments dropped, continuations joined.</summary>
    public static IReadOnlyList<(string Keyword, string Arguments)> Instructions(string dockerfile)
    {
        var instructions = new List<(string, string)>();
        var pending = string.Empty;
        foreach (var raw in File.ReadAllLines(dockerfile))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = string.Empty;
            if (full.Length == 0)
            {
                continue;
            }

            var space = full.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0 ? (full.ToUpperInvariant(), string.Empty) : (full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }

        return instructions;
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        for (var depth = 0; directory is not null && depth < 20; depth++, directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "InvoiceGateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds InvoiceGateway.sln.");
    }
}
