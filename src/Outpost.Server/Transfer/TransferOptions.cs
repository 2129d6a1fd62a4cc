namespace Outpost.Server.Transfer;

/// <summary>Moving grains between servers, bound from <c>Outpost:Transfer</c> (env <c>OUTPOST__TRANSFER__…</c>).</summary>
public sealed class TransferOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Outpost:Transfer";

    /// <summary>
    /// A PEM file of certificates to trust, besides the system's, when this server pulls grains over https: for an
    /// offering server with a self-signed certificate or a private certificate authority. Empty (default): the
    /// system's trusted authorities only. The host name is always checked.
    /// </summary>
    public string? TrustedCertificate { get; set; }

    /// <summary>Largest grain backup this server downloads. Default 64 GiB (as large as a restore may be).</summary>
    public long MaxGrainBytes { get; set; } = 64L << 30;

    /// <summary>Most grains one offer may list. Default 1,000.</summary>
    public int MaxGrains { get; set; } = 1000;

    /// <summary>Longest time for the list of offered grains and the final report. Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest time for downloading one grain's backup. Default 2 hours.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromHours(2);
}
