using Outpost.Data.AccessLog;
using Outpost.Data.Transfer;
using Outpost.Server.AccessLog;
using Outpost.Server.Backups;
using Outpost.Server.Hosting;

namespace Outpost.Server.Transfer;

/// <summary>
/// What another server calls with an offer's token (<c>Authorization: Bearer &lt;token&gt;</c>), and nothing else:
/// <c>GET /api/transfer/grains</c>, <c>GET /api/transfer/grains/{id}/backup</c>, <c>POST /api/transfer/complete</c>.
/// </summary>
internal static partial class TransferExportApi
{
    public static RouteGroupBuilder MapTransferExportApi(this RouteGroupBuilder api)
    {
        var transfer = api.MapGroup("/transfer");
        transfer.MapGet("/grains", ListAsync);
        transfer.MapGet("/grains/{id}/backup", BackupAsync);
        transfer.MapPost("/complete", CompleteAsync);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext context, TransferOffers offers, TransferGuessLimit limit, CancellationToken ct)
    {
        var (offer, refusal) = await AuthenticateAsync(context, offers, limit, ct);
        return offer is null ? refusal! : TypedResults.Ok(await offers.DescribeAsync(offer, ct));
    }

    private static async Task<IResult> BackupAsync(
        string id, HttpContext context, TransferOffers offers, TransferGuessLimit limit, GrainBackups backups, DataPaths paths,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var (offer, refusal) = await AuthenticateAsync(context, offers, limit, ct);
        if (offer is null)
        {
            return refusal!;
        }

        var grain = (await offers.GrainsOfAsync(offer, ct)).FirstOrDefault(g => g.Id == id);
        if (grain is null)
        {
            return TypedResults.Problem(title: "Not in this offer", detail: $"Grain {id} is not part of this transfer offer (or was moved to the trash).", statusCode: StatusCodes.Status404NotFound);
        }

        // Written whole before it is sent: the response can then say its exact length (the receiver shows progress
        // and refuses a short or long body), and the grain is held only while its files are read, not for as long
        // as a slow network takes. The file is encrypted with the offer's key, like the download itself.
        var path = paths.NewTempPath("transfer");
        try
        {
            await using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                using var key = TransferToken.BackupKeyOf(Token(context)!);
                var actor = new AccessLogActor(offer.OwnerId, $"another server, with transfer offer {offer.Id}", context.Connection.RemoteIpAddress?.ToString());
                await backups.WriteAsync(grain, key, file, AccessLogActions.TransferExport, actor, ct);
            }

            await offers.RecordExportAsync(offer, grain);
            LogExported(loggers.CreateLogger(typeof(TransferExportApi)), grain.Id, offer.Id);
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            return TypedResults.File(stream, "application/octet-stream");
        }
        catch (Packaging.BackupException e)
        {
            File.Delete(path);
            return TypedResults.Problem(title: "Cannot back up the grain", detail: e.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static async Task<IResult> CompleteAsync(CompleteRequest request, HttpContext context, TransferOffers offers, TransferGuessLimit limit, CancellationToken ct)
    {
        var (offer, refusal) = await AuthenticateAsync(context, offers, limit, ct);
        return offer is null ? refusal! : TypedResults.Ok(await offers.CompleteAsync(offer, request, ct));
    }

    private static async Task<(TransferOffer? Offer, IResult? Refusal)> AuthenticateAsync(
        HttpContext context, TransferOffers offers, TransferGuessLimit limit, CancellationToken ct)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limit.IsBlocked(address))
        {
            return (null, TypedResults.Problem(title: "Too many wrong transfer tokens",
                detail: $"This address presented {TransferGuessLimit.PermitLimit} wrong transfer tokens within a minute. Wait a minute and try again.",
                statusCode: StatusCodes.Status429TooManyRequests));
        }

        var (offer, reason) = await offers.FindAsync(Token(context), ct);
        if (offer is null)
        {
            limit.RecordFailure(address);
            return (null, TypedResults.Problem(title: "Transfer token refused", detail: reason, statusCode: StatusCodes.Status401Unauthorized));
        }

        return (offer, null);
    }

    private static string? Token(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId} exported with transfer offer {OfferId}")]
    private static partial void LogExported(ILogger logger, string grainId, string offerId);
}
