namespace Outpost.Packaging.Catalogs;

/// <summary>Keeps only the app icon the manifest names, while the package reader checks the whole package.</summary>
internal sealed class IconSink(int maxBytes) : IPackageSink
{
    private string? _iconPath;

    /// <summary>The icon as a data URL, or null when the manifest names none, it is missing, too large or not svg/png.</summary>
    public string? DataUrl { get; private set; }

    public Task WriteManifestAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        _iconPath = Manifest.Parse(json.Span).Metadata?.Icon;
        return Task.CompletedTask;
    }

    public Task CreateDirectoryAsync(string path, UnixFileMode mode, CancellationToken ct) => Task.CompletedTask;

    public async Task WriteFileAsync(string path, UnixFileMode mode, long size, TarEntryReader data, CancellationToken ct)
    {
        var type = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".svg" => "image/svg+xml",
            ".png" => "image/png",
            _ => null,
        };
        if (path != _iconPath || type is null || size > maxBytes)
        {
            return;
        }

        var bytes = new byte[size];
        var filled = 0;
        while (filled < bytes.Length)
        {
            var read = await data.ReadDataAsync(bytes.AsMemory(filled), ct);
            if (read == 0)
            {
                return;
            }

            filled += read;
        }

        DataUrl = $"data:{type};base64,{Convert.ToBase64String(bytes)}";
    }

    public Task CreateSymlinkAsync(string path, string target, CancellationToken ct) => Task.CompletedTask;
}
