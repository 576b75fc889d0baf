using InvoiceGateway.Sandbox.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InvoiceGateway.Sandbox;

/// <summary>Registers the sandbox in a host's services, to map it with <see cref="SandboxEndpointRouteBuilderExtensions.MapSandbox"/>.</summary>
public static class SandboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the sandbox's data (generated when first resolved, at the latest by <c>MapSandbox</c>),
    /// <see cref="SandboxFaults"/> and <see cref="SandboxRequestLog"/> as singletons. Uses the registered
    /// <see cref="TimeProvider"/> for token expiry, <see cref="TimeProvider.System"/> when none is.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="options">What to generate.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static IServiceCollection AddSandbox(this IServiceCollection services, SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (options.InvoicesPerSource is < 0 or > MaxInvoicesPerSource)
        {
            throw new ArgumentException(
                $"Sandbox:InvoicesPerSource must be between 0 and {MaxInvoicesPerSource}, not {options.InvoicesPerSource}.",
                nameof(options));
        }

        // A copy: later changes to the caller's object must not change data being served.
        var frozen = new SandboxOptions
        {
            InvoicesPerSource = options.InvoicesPerSource, InvoicesPerConsent = options.InvoicesPerConsent, Seed = options.Seed, Today = options.Today,
        };
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SandboxFaults>();
        services.TryAddSingleton<SandboxRequestLog>();
        services.TryAddSingleton(provider => new SandboxRuntime(
            frozen,
            provider.GetRequiredService<SandboxFaults>(),
            provider.GetRequiredService<SandboxRequestLog>(),
            provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    private const int MaxInvoicesPerSource = 1_000_000;
}
