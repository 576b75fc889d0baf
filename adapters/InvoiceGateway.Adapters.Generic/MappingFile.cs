using InvoiceGateway.Adapters.Generic.Mapping;

namespace InvoiceGateway.Adapters.Generic;

/// <summary>
/// Loads and checks mapping files for the generic adapter: the built-in ones by name (<c>ibana</c>,
/// <c>dollr</c>) or a user's file by path. The format is described in the adapter's README.md and in
/// <c>mapping.schema.json</c>.
/// </summary>
public static class MappingFile
{
    /// <summary>The largest mapping file read, in bytes.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private const string ResourcePrefix = "InvoiceGateway.Adapters.Generic.Mappings.";

    /// <summary>The names of the built-in mappings.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["ibana", "dollr"];

    /// <summary>
    /// Loads a mapping and returns every problem found, each as
    /// <c>mapping 'file': $.json.path: what is wrong</c>; empty when the mapping is valid.
    /// </summary>
    /// <param name="pathOrBuiltInName">A built-in name (<c>ibana</c>, <c>dollr</c>) or a file path.</param>
    /// <param name="contentRoot">The folder a relative path is resolved against.</param>
    /// <returns>The problems; empty when there are none.</returns>
    public static IReadOnlyList<string> Validate(string pathOrBuiltInName, string contentRoot) =>
        Load(pathOrBuiltInName, contentRoot).Problems;

    /// <summary>The text of a built-in mapping, e.g. to start a user's own file from.</summary>
    /// <param name="name">A built-in name.</param>
    /// <returns>The mapping's JSON text.</returns>
    /// <exception cref="ArgumentException">There is no built-in mapping of that name.</exception>
    public static string ReadBuiltIn(string name)
    {
        var bytes = BuiltInBytes(name) ?? throw new ArgumentException(
            $"There is no built-in mapping '{name}'; the built-in mappings are {string.Join(", ", BuiltInNames)}.", nameof(name));
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Where a mapping option points: a built-in (<c>builtin:ibana</c>) or a full path; used as a cache key.</summary>
    internal static string Locate(string pathOrBuiltInName, string contentRoot)
    {
        var value = pathOrBuiltInName.Trim();
        if (BuiltInName(value) is { } name)
        {
            return $"builtin:{name}";
        }

        try
        {
            return Path.GetFullPath(Path.Combine(contentRoot, value));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"invalid:{value}";
        }
    }

    internal static (CompiledMapping? Mapping, IReadOnlyList<string> Problems) Load(string pathOrBuiltInName, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(pathOrBuiltInName);
        ArgumentNullException.ThrowIfNull(contentRoot);
        var value = pathOrBuiltInName.Trim();
        if (value.Length == 0)
        {
            return (null, [MappingLoader.FileProblem(value, $"no file path or built-in name ({string.Join(", ", BuiltInNames)}) was given")]);
        }

        if (BuiltInName(value) is { } name)
        {
            return MappingLoader.Load($"{name}.json", BuiltInBytes(name)!);
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(Path.Combine(contentRoot, value));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return (null, [MappingLoader.FileProblem(value, "is not a valid file path, and not a built-in mapping (ibana, dollr)")]);
        }

        byte[] bytes;
        try
        {
            var info = new FileInfo(fullPath);
            if (!info.Exists)
            {
                return (null, [MappingLoader.FileProblem(value,
                    $"no such file at '{fullPath}', and not a built-in mapping ({string.Join(", ", BuiltInNames)})")]);
            }

            if (info.Length > MaxFileBytes)
            {
                return (null, [MappingLoader.FileProblem(value, $"the file is larger than {MaxFileBytes} bytes")]);
            }

            bytes = File.ReadAllBytes(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [MappingLoader.FileProblem(value, $"the file at '{fullPath}' cannot be read: {ex.Message}")]);
        }

        return MappingLoader.Load(value, bytes);
    }

    private static string? BuiltInName(string value) =>
        BuiltInNames.FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase));

    private static byte[]? BuiltInBytes(string name)
    {
        var builtIn = BuiltInName(name);
        if (builtIn is null)
        {
            return null;
        }

        using var stream = typeof(MappingFile).Assembly.GetManifestResourceStream($"{ResourcePrefix}{builtIn}.json")
                           ?? throw new InvalidOperationException($"The built-in mapping '{builtIn}' is missing from the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
