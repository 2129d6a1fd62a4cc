using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Outpost.Sandboxing.Wasm;

/// <summary>
/// An anonymous in-memory file (memfd) that Wasmtime opens by path as a module's stdin, stdout or stderr.
/// </summary>
/// <remarks>
/// Wasmtime's .NET API takes stdio only as file paths or as a callback. The callback hops to another thread on
/// every guest write and measured 1.5-2x slower per request (StdoutCaptureBenchmarks in bench/Outpost.Benchmarks),
/// so stdio goes through memfds opened as <c>/proc/self/fd/N</c>: no disk, no name in any directory, no cleanup
/// after a crash, and <c>MFD_CLOEXEC</c> keeps them out of the native sandboxes' child processes.
/// </remarks>
internal sealed partial class MemoryFile : IDisposable
{
    private const uint MfdCloexec = 1;

    private MemoryFile(SafeFileHandle handle)
    {
        Handle = handle;
        Path = "/proc/self/fd/" + handle.DangerousGetHandle();
    }

    public SafeFileHandle Handle { get; }

    /// <summary>A path that opens this same file (a new file description, so a new offset) for Wasmtime.</summary>
    public string Path { get; }

    public long Length => RandomAccess.GetLength(Handle);

    public static MemoryFile Create()
    {
        var fd = MemfdCreate("outpost-wagi", MfdCloexec);
        if (fd < 0)
        {
            throw new IOException($"memfd_create failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return new MemoryFile(new SafeFileHandle(fd, ownsHandle: true));
    }

    public void Write(ReadOnlySpan<byte> data) => RandomAccess.Write(Handle, data, 0);

    /// <summary>Reads the first <paramref name="count"/> bytes into a new array.</summary>
    public byte[] Read(int count)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(count);
        var total = 0;
        while (total < count)
        {
            var n = RandomAccess.Read(Handle, buffer.AsSpan(total), total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total == count ? buffer : buffer[..total];
    }

    /// <summary>Empties the file and gives its pages back, so nothing of one request reaches the next.</summary>
    public void Clear() => RandomAccess.SetLength(Handle, 0);

    public void Dispose() => Handle.Dispose();

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);
}

/// <summary>Reuses memfds across requests: creating one costs two system calls and a file descriptor.</summary>
internal sealed class MemoryFilePool : IDisposable
{
    private readonly ConcurrentBag<MemoryFile> _idle = [];
    private readonly int _maxIdle;
    private int _idleCount;

    public MemoryFilePool(int maxIdle) => _maxIdle = maxIdle;

    public MemoryFile Rent()
    {
        if (_idle.TryTake(out var file))
        {
            Interlocked.Decrement(ref _idleCount);
            return file;
        }

        return MemoryFile.Create();
    }

    /// <summary>Clears the file and keeps it for another request, or closes it when enough are idle or it cannot be cleared.</summary>
    public void Return(MemoryFile file)
    {
        try
        {
            file.Clear();
        }
        catch (IOException)
        {
            file.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > _maxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            file.Dispose();
            return;
        }

        _idle.Add(file);
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var file))
        {
            file.Dispose();
        }
    }
}
