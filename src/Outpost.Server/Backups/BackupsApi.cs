using System.Security.Claims;
using Microsoft.Net.Http.Headers;
using Outpost.Packaging;
using Outpost.Server.Accounts;
using Outpost.Server.Apps;
using Outpost.Server.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Server.Backups;

/// <summary>HTTP API for grain backups: <c>POST /api/grains/{id}/backup</c> and <c>POST /api/grains/restore</c>.</summary>
internal static partial class BackupsApi
{
    /// <summary>Cookie that carries why a restore from the grains page failed, to that page (which removes it).</summary>
    public const string RestoreErrorCookie = "outpost_restore_error";

    // The encrypted file is at most the storage limit plus its tar headers, chunk tags and backup.json.
    private static readonly long MaxUploadBytes = BackupLimits.Default.MaxStorageBytes + (BackupLimits.Default.MaxStorageBytes / 512) + (1L << 30);

    public static RouteGroupBuilder MapBackupsApi(this RouteGroupBuilder api)
    {
        var grains = api.MapGroup("/grains").RequireAuthorization();
        grains.MapPost("/{id}/backup", BackupAsync);
        grains.MapPost("/restore", RestoreAsync).RequireAuthorization("user");
        return api;
    }

    /// <summary>
    /// The grain menu's "Download backup" form: the same download as the API, from a form post that carries the
    /// antiforgery token (checked for form-bound endpoints) and the signed-in person's cookie.
    /// </summary>
    public static IEndpointRouteBuilder MapBackupDownloadForm(this IEndpointRouteBuilder app)
    {
        app.MapPost("/grains/{id}/backup", (
            string id, [Microsoft.AspNetCore.Mvc.FromForm] string? passphrase, HttpContext context, ClaimsPrincipal user, GrainManager manager,
            GrainBackups backups, ILoggerFactory loggers, CancellationToken ct) =>
            BackupAsync(id, new BackupRequest { Passphrase = passphrase }, context, user, manager, backups, loggers, ct)).RequireAuthorization();
        app.MapPost("/grains/restore", RestoreFormAsync).RequireAuthorization("user")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestFormLimitsAttribute { MultipartBodyLengthLimit = MaxUploadBytes })
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes));
        return app;
    }

    /// <summary>
    /// The grains page's "Restore a backup" form: on success the browser goes to the new grain, otherwise back to
    /// the grains page with the reason shown.
    /// </summary>
    private static async Task<IResult> RestoreFormAsync(
        [Microsoft.AspNetCore.Mvc.FromForm] string? passphrase, IFormFile backup, HttpContext context, ClaimsPrincipal user, GrainRestores restores,
        DataPaths paths, CancellationToken ct)
    {
        using var key = TryKey(passphrase, keyText: null, forNewBackup: false, out _);
        if (key is null)
        {
            return Back("Give the passphrase the backup was made with.");
        }

        var upload = paths.NewTempPath("restore");
        try
        {
            await using (var file = new FileStream(upload, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                await backup.CopyToAsync(file, ct);
            }

            var result = await restores.RestoreAsync(upload, key, user.AccountId(), ct);
            if (result.AppInstalled is { } installed)
            {
                Shell.Flash.Set(context, installed, Shell.FlashKind.Info);
            }

            return TypedResults.Redirect($"/grains/{result.Grain.Id}");
        }
        catch (Exception e) when (e is BackupException or BackupNeedsAppException)
        {
            return Back($"The backup was not restored: {e.Message}");
        }
        finally
        {
            File.Delete(upload);
        }

        // The reason travels in a short-lived cookie, not the address: a link made elsewhere cannot put words on the page.
        IResult Back(string message)
        {
            context.Response.Cookies.Append(RestoreErrorCookie, message, new CookieOptions
            {
                HttpOnly = true,
                SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromMinutes(1),
                Path = "/",
            });
            return TypedResults.Redirect("/");
        }
    }

    private static async Task BackupAsync(
        string id, BackupRequest request, HttpContext context, ClaimsPrincipal user, GrainManager manager, GrainBackups backups, ILoggerFactory loggers, CancellationToken ct)
    {
        // The owner only: a backup holds everything in the grain, which not even an admin sees.
        var grain = await manager.FindOwnedAsync(id, user.AccountId(), isAdmin: false, ct);
        if (grain is null)
        {
            await NoSuchGrain(id).ExecuteAsync(context);
            return;
        }

        using var key = TryKey(request.Passphrase, request.Key, forNewBackup: true, out var refusal);
        if (key is null)
        {
            await refusal!.ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = backups.FileName(grain) }.ToString();
        context.Response.Headers.CacheControl = "no-store";
        try
        {
            await backups.WriteAsync(grain, key, context.Response.Body, ct);
        }
        catch (BackupException e) when (!context.Response.HasStarted)
        {
            context.Response.Headers.ContentDisposition = default;
            await Problem("Cannot back up the grain", e.Message, StatusCodes.Status422UnprocessableEntity).ExecuteAsync(context);
        }
        catch (Exception e) when (e is BackupException or IOException && context.Response.HasStarted)
        {
            // Half a backup has gone out: cutting the connection makes the client see it incomplete (and the format
            // refuses a truncated file anyway).
            LogBackupFailed(loggers.CreateLogger(typeof(BackupsApi)), grain.Id, e.Message);
            context.Abort();
        }
    }

    private static async Task<IResult> RestoreAsync(HttpContext context, ClaimsPrincipal user, GrainRestores restores, DataPaths paths, CancellationToken ct)
    {
        var headers = context.Request.Headers;
        string? passphrase;
        try
        {
            passphrase = headers[BackupSecrets.PassphraseHeader].FirstOrDefault() is { } encoded ? Uri.UnescapeDataString(encoded) : null;
        }
        catch (UriFormatException)
        {
            return Problem("Cannot restore the backup", $"{BackupSecrets.PassphraseHeader} is not percent-encoded UTF-8.", StatusCodes.Status400BadRequest);
        }

        using var key = TryKey(passphrase, headers[BackupSecrets.KeyHeader].FirstOrDefault(), forNewBackup: false, out var refusal);
        if (key is null)
        {
            return refusal!;
        }

        // The upload is the encrypted backup as it was downloaded: nothing of the grain is readable in it.
        var upload = paths.NewTempPath("restore");
        try
        {
            if (!await UploadSaver.TrySaveAsync(context.Request, upload, MaxUploadBytes, ct))
            {
                return Problem("Cannot restore the backup", $"The backup is larger than this server restores ({MaxUploadBytes} bytes).", StatusCodes.Status413PayloadTooLarge);
            }

            var result = await restores.RestoreAsync(upload, key, user.AccountId(), ct);
            return TypedResults.Created($"/api/grains/{result.Grain.Id}", result);
        }
        catch (BackupException e)
        {
            return Problem("Cannot restore the backup", e.Message, StatusCodes.Status400BadRequest);
        }
        catch (BackupNeedsAppException e)
        {
            return TypedResults.Problem(title: "The backup's app is not installed", detail: e.Message, statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?>
                {
                    ["appId"] = e.Manifest.AppId,
                    ["appTitle"] = e.Manifest.AppTitle,
                    ["appVersion"] = e.Manifest.AppVersion,
                    ["appMarketingVersion"] = e.Manifest.AppMarketingVersion,
                });
        }
        catch (BadHttpRequestException e)
        {
            return Problem("Cannot restore the backup", $"The upload did not arrive whole ({e.Message}); nothing was restored. Send it again.", StatusCodes.Status400BadRequest);
        }
        finally
        {
            File.Delete(upload);
        }
    }

    private static Packaging.BackupKey? TryKey(string? passphrase, string? keyText, bool forNewBackup, out IResult? refusal)
    {
        try
        {
            refusal = null;
            return BackupSecrets.From(passphrase, keyText, forNewBackup);
        }
        catch (BackupException e)
        {
            refusal = Problem(forNewBackup ? "Cannot back up the grain" : "Cannot restore the backup", e.Message, StatusCodes.Status400BadRequest);
            return null;
        }
    }

    private static IResult Problem(string title, string detail, int status) => TypedResults.Problem(title: title, detail: detail, statusCode: status);

    private static IResult NoSuchGrain(string id) =>
        Problem("No such grain", $"There is no grain {id} of yours. See 'outpost grain list'.", StatusCodes.Status404NotFound);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup of grain {GrainId} failed after it had started to download: {Reason}")]
    private static partial void LogBackupFailed(ILogger logger, string grainId, string reason);
}
