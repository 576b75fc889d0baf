using System.Runtime.CompilerServices;

namespace InvoiceGateway.Adapters.Generic.Tests.Infrastructure;

/// <summary>Paths in the repository (golden files are read from and, with UPDATE_GOLDEN=1, written to the source tree).</summary>
internal static class TestFiles
{
    public static string ProjectDirectory { get; } = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, ".."));

    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(ProjectDirectory, "..", ".."));

    public static string GenericAdapterDirectory { get; } =
        Path.Combine(RepositoryRoot, "adapters", "InvoiceGateway.Adapters.Generic");

    public static string GoldenDirectory { get; } = Path.Combine(ProjectDirectory, "Golden");

    private static string ThisFile([CallerFilePath] string path = "") => path;
}

/// <summary>A folder of mapping files written by a test, removed afterwards.</summary>
internal sealed class TempMappings : IDisposable
{
    public TempMappings()
    {
        Directory.CreateDirectory(Root);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "generic-adapter-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes a mapping file and returns its name relative to <see cref="Root"/>.</summary>
    public string Write(string fileName, string json)
    {
        File.WriteAllText(Path.Combine(Root, fileName), json);
        return fileName;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
