using System.Threading.Channels;

namespace Outpost.Cli.Commands;

/// <summary>
/// Changes to the files of an app folder, batched: an editor's save touches several files (temp file, rename), so a
/// change counts once the folder has been quiet for a moment. Dotfiles (.git, editor swap files) do not count.
/// </summary>
internal sealed class FolderChanges : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Channel<string> _changed = Channel.CreateUnbounded<string>();
    private readonly string _ignoredDir;

    public FolderChanges(string folder, string ignoredDir)
    {
        _ignoredDir = Path.TrimEndingDirectorySeparator(ignoredDir) + Path.DirectorySeparatorChar;
        _watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true, EnableRaisingEvents = false };
        _watcher.Changed += (_, e) => Record(e.FullPath);
        _watcher.Created += (_, e) => Record(e.FullPath);
        _watcher.Deleted += (_, e) => Record(e.FullPath);
        _watcher.Renamed += (_, e) => Record(e.FullPath);
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Waits for a change followed by <paramref name="quiet"/> without another; false when cancelled.</summary>
    public async Task<bool> WaitAsync(TimeSpan quiet, CancellationToken ct)
    {
        try
        {
            await _changed.Reader.ReadAsync(ct);
            while (true)
            {
                using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
                window.CancelAfter(quiet);
                try
                {
                    await _changed.Reader.ReadAsync(window.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _watcher.Dispose();

    private void Record(string path)
    {
        if (path.StartsWith(_ignoredDir, StringComparison.Ordinal) || path.Split(Path.DirectorySeparatorChar).Any(s => s.StartsWith('.')))
        {
            return;
        }

        _changed.Writer.TryWrite(path);
    }
}
