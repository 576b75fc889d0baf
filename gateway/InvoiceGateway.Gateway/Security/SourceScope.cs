using Microsoft.AspNetCore.Authorization;

namespace InvoiceGateway.Gateway.Security;

/// <summary>The caller may read the source named by the resource (a source name).</summary>
internal sealed class SourceScopeRequirement : IAuthorizationRequirement
{
    public static SourceScopeRequirement Instance { get; } = new();
}

/// <summary>Grants <see cref="SourceScopeRequirement"/> when the principal has a source claim for the source, or for all.</summary>
internal sealed class SourceScopeHandler : AuthorizationHandler<SourceScopeRequirement, string>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SourceScopeRequirement requirement, string resource)
    {
        if (context.User.CanRead(resource))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
