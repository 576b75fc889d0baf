using System.Text.Json;
using System.Text.Json.Serialization;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox.Control;

/// <summary>
/// The sandbox's own endpoints under <c>_sandbox/</c>, for out-of-process control: faults, request
/// counts, health. Never faulted, never counted.
/// </summary>
internal static class ControlApi
{
    public static void Map(IEndpointRouteBuilder group, SandboxRoute route, SandboxRuntime runtime)
    {
        var control = group.MapGroup("_sandbox");
        control.MapGet("health", context => Health(context, route, runtime).WriteAsync(context)).WithName("sandbox-health");
        control.MapGet("faults", context => AllFaults(runtime).WriteAsync(context)).WithName("sandbox-faults");
        control.MapPut("faults/{api}", context => SetFaultAsync(context, runtime)).WithName("sandbox-set-fault");
        control.MapDelete("faults/{api}", context => ClearFault(context, runtime).WriteAsync(context)).WithName("sandbox-clear-fault");
        control.MapDelete("faults", context =>
        {
            runtime.Faults.ClearAll();
            return Reply.Empty(StatusCodes.Status204NoContent).WriteAsync(context);
        }).WithName("sandbox-clear-faults");
        control.MapGet("requests", context => Requests(runtime).WriteAsync(context)).WithName("sandbox-requests");
        control.MapDelete("requests", context =>
        {
            runtime.Requests.Reset();
            return Reply.Empty(StatusCodes.Status204NoContent).WriteAsync(context);
        }).WithName("sandbox-reset-requests");
    }

    private static Reply Health(HttpContext context, SandboxRoute route, SandboxRuntime runtime) =>
        Reply.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", "ok");
            writer.WriteNumber("invoicesPerSource", runtime.Options.InvoicesPerSource);
            writer.WriteNumber("seed", runtime.Options.Seed);
            writer.WriteDate("today", runtime.Options.Today);
            writer.WriteStartObject("apis");
            foreach (var name in SandboxApis.Names)
            {
                writer.WriteString(name, route.UrlOf(context.Request, SandboxApis.RelativeBaseUrl(name)));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    private static Reply AllFaults(SandboxRuntime runtime) =>
        Reply.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            foreach (var name in SandboxApis.Names)
            {
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, runtime.Faults.Get(name), ControlJson.Default.SandboxFault);
            }

            writer.WriteEndObject();
        });

    private static Reply Requests(SandboxRuntime runtime) =>
        Reply.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            foreach (var (name, count) in runtime.Requests.Snapshot())
            {
                writer.WriteNumber(name, count);
            }

            writer.WriteEndObject();
        });

    private static async Task SetFaultAsync(HttpContext context, SandboxRuntime runtime)
    {
        if (!SandboxApis.TryIndexOf((string?)context.Request.RouteValues["api"], out var index))
        {
            await UnknownApi().WriteAsync(context);
            return;
        }

        SandboxFault? fault;
        try
        {
            fault = await JsonSerializer.DeserializeAsync(context.Request.Body, ControlJson.Default.SandboxFault, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            await Problem(StatusCodes.Status400BadRequest, $"Invalid fault body: {exception.Message}").WriteAsync(context);
            return;
        }

        if (fault is null)
        {
            await Problem(StatusCodes.Status400BadRequest, "A fault object is required.").WriteAsync(context);
            return;
        }

        var problems = SandboxFaults.Validate(fault);
        if (problems.Count > 0)
        {
            await Problem(StatusCodes.Status400BadRequest, string.Join(" ", problems)).WriteAsync(context);
            return;
        }

        var api = SandboxApis.Names[index];
        runtime.Faults.Set(api, fault);
        await Reply.Json(
            StatusCodes.Status200OK,
            JsonSerializer.SerializeToUtf8Bytes(runtime.Faults.Get(api), ControlJson.Default.SandboxFault)).WriteAsync(context);
    }

    private static Reply ClearFault(HttpContext context, SandboxRuntime runtime)
    {
        if (!SandboxApis.TryIndexOf((string?)context.Request.RouteValues["api"], out var index))
        {
            return UnknownApi();
        }

        runtime.Faults.Clear(SandboxApis.Names[index]);
        return Reply.Empty(StatusCodes.Status204NoContent);
    }

    private static Reply UnknownApi() =>
        Problem(StatusCodes.Status404NotFound, $"Unknown api; expected one of {string.Join(", ", SandboxApis.Names)}.");

    private static Reply Problem(int status, string message) =>
        Reply.Json(status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("status", status);
            writer.WriteString("error", message);
            writer.WriteEndObject();
        });
}

/// <summary>The fault API's JSON: camelCase, unknown properties rejected (a typo must not pass silently).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SandboxFault))]
internal sealed partial class ControlJson : JsonSerializerContext;
