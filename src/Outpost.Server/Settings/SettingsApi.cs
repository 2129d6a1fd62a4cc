namespace Outpost.Server.Settings;

/// <summary>HTTP API for server settings: <c>/api/settings</c> (admins only).</summary>
internal static class SettingsApi
{
    public static RouteGroupBuilder MapSettingsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/settings").RequireAuthorization("admin");
        group.MapGet("/", async (SettingsStore settings, CancellationToken ct) => TypedResults.Ok(await settings.GetAllAsync(ct)));
        group.MapPut("/{key}", async Task<IResult> (string key, SettingValue body, SettingsStore settings, CancellationToken ct) =>
        {
            var error = await settings.SetAsync(key, body.Value, ct);
            return error is null ? TypedResults.NoContent() : TypedResults.Problem(title: "Invalid setting", detail: error, statusCode: StatusCodes.Status400BadRequest);
        });
        return api;
    }
}

/// <summary>Body of <c>PUT /api/settings/{key}</c>.</summary>
public sealed record SettingValue(string Value);
