using System.Reflection;
using System.Runtime.Loader;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Sources;

/// <summary>
/// Loads plug-in adapters: every assembly in the plug-ins folder (<c>plugins/X.dll</c> or
/// <c>plugins/X/X.dll</c>) gets its own <see cref="AssemblyLoadContext"/>, so plug-ins cannot clash
/// with each other's dependencies, while the contracts assembly is shared with the host so that
/// <see cref="IInvoiceAdapter"/> means the same type on both sides.
/// </summary>
internal static class PluginLoader
{
    public static IReadOnlyList<IInvoiceAdapter> Load(string folder, ILogger logger, List<string> problems)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var candidates = Directory.GetFiles(folder, "*.dll")
            .Concat(Directory.GetDirectories(folder)
                .Select(d => Path.Combine(d, Path.GetFileName(d) + ".dll"))
                .Where(File.Exists))
            .Order(StringComparer.Ordinal);

        var adapters = new List<IInvoiceAdapter>();
        foreach (var path in candidates)
        {
            try
            {
                var context = new PluginLoadContext(path);
                var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(path));
                var found = 0;
                foreach (var type in ExportedAdapterTypes(assembly))
                {
                    if (type.GetConstructor(Type.EmptyTypes) is null)
                    {
                        problems.Add($"Plug-in {Path.GetFileName(path)}: {type.FullName} needs a public parameterless constructor.");
                        continue;
                    }

                    adapters.Add((IInvoiceAdapter)Activator.CreateInstance(type)!);
                    found++;
                }

                logger.LogInformation("Loaded {Count} adapter(s) from plug-in {Plugin}", found, Path.GetFileName(path));
            }
            catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException
                                           or ReflectionTypeLoadException or TargetInvocationException or TypeLoadException)
            {
                problems.Add($"Plug-in {Path.GetFileName(path)} could not be loaded: {ex.Message}");
            }
        }

        return adapters;
    }

    private static IEnumerable<Type> ExportedAdapterTypes(Assembly assembly) =>
        assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IInvoiceAdapter).IsAssignableFrom(t));

    private sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(pluginPath))
    {
        private readonly AssemblyDependencyResolver _resolver = new(Path.GetFullPath(pluginPath));

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // The contract, and anything the host already has, comes from the host: one IInvoiceAdapter type.
            if (assemblyName.Name == typeof(IInvoiceAdapter).Assembly.GetName().Name
                || Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), assemblyName)))
            {
                return null;
            }

            return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
