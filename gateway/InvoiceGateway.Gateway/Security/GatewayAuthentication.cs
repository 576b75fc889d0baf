using InvoiceGateway.Gateway.Configuration;
using Microsoft.AspNetCore.Authorization;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// Authentication is the default: every endpoint needs an authenticated caller (the fallback policy)
/// unless it says <c>AllowAnonymous()</c>; admin and app endpoints name their policy; source scoping is
/// a resource-based requirement.
/// </summary>
internal static partial class GatewayAuthentication
{
    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, GatewaySettings settings)
    {
        services.AddSingleton(new ApiKeyMatcher(settings.ApiKeys));
        services.AddSingleton(new FailedKeyThrottle(settings.RateLimit));
        services.AddSingleton<IAuthorizationHandler, SourceScopeHandler>();
        services.AddSingleton<Connections.ConnectLinkTokens>();
        // Handlers are created per request; registered, they come from a compiled factory instead of ActivatorUtilities.
        services.AddTransient<ApiKeyAuthenticationHandler>();
        services.AddTransient<Connections.ConnectLinkAuthenticationHandler>();
        services.AddAuthentication(ApiKeyDefaults.AuthenticationScheme)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.AuthenticationScheme, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Connections.ConnectLinkAuthenticationHandler>(
                Connections.ConnectLinkDefaults.AuthenticationScheme, null);
        services.AddAuthorizationBuilder()
            // The default scheme (ApiKey) has already authenticated the request: a policy that named it again would make
            // the policy evaluator authenticate a second time and merge the principal into a new one on every request.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(GatewayPolicies.Admin, policy => policy.RequireRole(GatewayRoles.Admin))
            .AddPolicy(GatewayPolicies.App, policy => policy.RequireRole(GatewayRoles.App))
            .AddPolicy(GatewayPolicies.Operate, policy => policy.RequireRole(GatewayRoles.Admin, GatewayRoles.App))
            .AddPolicy(GatewayPolicies.Connect, policy => policy.RequireAssertion(context =>
                context.User.IsInRole(GatewayRoles.Admin) || context.User.IsInRole(GatewayRoles.App) || context.User.TenantOfKey() is not null))
            .AddPolicy(GatewayPolicies.ConnectLink, policy => policy
                .AddAuthenticationSchemes(Connections.ConnectLinkDefaults.AuthenticationScheme).RequireAuthenticatedUser())
            .AddPolicy(GatewayPolicies.ReadSource, policy => policy.AddRequirements(SourceScopeRequirement.Instance));
        return services;
    }

    /// <summary>Warns once at start-up when the gateway is open to every caller.</summary>
    public static void WarnWhenAnonymous(WebApplication app)
    {
        if (!app.Services.GetRequiredService<ApiKeyMatcher>().Enabled)
        {
            LogNoKeys(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("InvoiceGateway.Security"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No API keys are configured (Gateway:ApiKeys): every caller may read every source, and the admin endpoints are off.")]
    private static partial void LogNoKeys(ILogger logger);
}
