using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Encryption;
using Outpost.Server.Hosting;

namespace Outpost.Server.Encryption;

/// <summary>
/// Finds the master key of a data directory (key file, <c>OUTPOST_MASTER_KEY</c> or <c>OUTPOST_MASTER_PASSPHRASE</c>),
/// creates it at first run, and refuses a key that does not match the directory, before anything is written.
/// </summary>
public static class MasterKeyStore
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Loads the current master key, or creates one when the directory has none yet.</summary>
    public static async Task<LoadedMasterKey> LoadOrCreateAsync(OutpostDbContext db, DataPaths paths, MasterKeyInputs inputs, TimeProvider time, CancellationToken ct = default)
    {
        var records = await db.MasterKeys.AsNoTracking().ToListAsync(ct);
        if (records.Find(r => r.Status == MasterKeyStatus.Next) is { } next)
        {
            throw new MasterKeyException(
                $"A master key rotation of {paths.Root} (to key {next.Id}) was interrupted. Finish it with 'outpost key rotate --data {paths.Root}' " +
                "given the same new key, then start the server again. See docs/encryption.md.");
        }

        if (records.Find(r => r.Status == MasterKeyStatus.Current) is not { } current)
        {
            return await CreateAsync(db, paths, inputs, time, ct);
        }

        FinishInterruptedRename(paths, inputs, current.Id);
        var key = Read(paths, inputs, current.PassphraseSalt, current.Id)
            ?? throw new MasterKeyException(
                $"No master key: {paths.MasterKeyFile} does not exist and neither {inputs.Names.Key} nor {inputs.Names.Passphrase} is set. " +
                $"The grains in {paths.Root} are encrypted under master key {current.Id}; restore that key file from your backup, or set the variable you keep it in. " +
                "Without it the grains cannot be opened (docs/encryption.md).");
        return Check(key, current.Id, paths, inputs);
    }

    /// <summary>
    /// Reads the key the inputs point to (null when they point to a key file that does not exist).
    /// <paramref name="salt"/> is the directory's passphrase salt, if its key comes from a passphrase.
    /// </summary>
    internal static LoadedMasterKey? Read(DataPaths paths, MasterKeyInputs inputs, byte[]? salt, string expectedId)
    {
        if (inputs.Passphrase is { } passphrase)
        {
            if (salt is null)
            {
                throw new MasterKeyException(
                    $"The master key does not match this data directory: {paths.Root} uses a master key (key file or {inputs.Names.Key}), not a passphrase (key id {expectedId}). Unset {inputs.Names.Passphrase}. Nothing was changed.");
            }

            return new LoadedMasterKey(MasterKey.FromPassphrase(passphrase, salt), inputs.Names.Passphrase);
        }

        if (salt is not null)
        {
            throw new MasterKeyException(
                $"The master key does not match this data directory: {paths.Root} is encrypted under a key derived from a passphrase (key id {expectedId}). Set {inputs.Names.Passphrase}. Nothing was changed.");
        }

        if (inputs.Key is { } encoded)
        {
            return new LoadedMasterKey(MasterKey.Decode(encoded, inputs.Names.Key), inputs.Names.Key);
        }

        return File.Exists(paths.MasterKeyFile) ? new LoadedMasterKey(ReadKeyFile(paths.MasterKeyFile), paths.MasterKeyFile) : null;
    }

    /// <summary>Throws the "does not match" error unless <paramref name="key"/> is the one with <paramref name="expectedId"/>.</summary>
    internal static LoadedMasterKey Check(LoadedMasterKey key, string expectedId, DataPaths paths, MasterKeyInputs inputs)
    {
        if (key.Key.Id != expectedId)
        {
            throw new MasterKeyException(
                $"The master key does not match this data directory: {paths.Root} is encrypted under master key {expectedId}, but the key from {key.Source} is {key.Key.Id}. " +
                $"Nothing was changed. Use the key this directory was created with: its master.key from your backup, or the right {inputs.Names.Key} / {inputs.Names.Passphrase}.");
        }

        return key;
    }

    /// <summary>Reads a key file, refusing one that other users can read.</summary>
    internal static MasterKey ReadKeyFile(string path)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~(OwnerReadWrite | UnixFileMode.UserExecute)) != 0)
        {
            throw new MasterKeyException($"{path} can be read by other users (mode {Convert.ToString((int)mode, 8)}): anyone who reads it can decrypt every grain. Run 'chmod 600 {path}' and start again.");
        }

        var info = new FileInfo(path);
        if (info.Length > 1024)
        {
            throw new MasterKeyException($"{path} is not an Outpost master key: it is {info.Length} bytes long.");
        }

        return MasterKey.Decode(File.ReadAllText(path), path);
    }

    /// <summary>Writes a key file readable only by the server's user; never replaces an existing one.</summary>
    internal static void WriteKeyFile(string path, MasterKey key)
    {
        using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite });
        using var writer = new StreamWriter(file);
        writer.Write(key.Encode());
        writer.Flush();
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// A rotation that committed its last database step but was interrupted before renaming master.key.new over
    /// master.key leaves the new key beside the old one: finish the rename.
    /// </summary>
    internal static void FinishInterruptedRename(DataPaths paths, MasterKeyInputs inputs, string currentId)
    {
        if (inputs.UseKeyFile && File.Exists(paths.NewMasterKeyFile) && ReadKeyFile(paths.NewMasterKeyFile).Id == currentId)
        {
            File.Move(paths.NewMasterKeyFile, paths.MasterKeyFile, overwrite: true);
        }
    }

    private static async Task<LoadedMasterKey> CreateAsync(OutpostDbContext db, DataPaths paths, MasterKeyInputs inputs, TimeProvider time, CancellationToken ct)
    {
        byte[]? salt = inputs.Passphrase is null ? null : MasterKey.NewSalt();
        LoadedMasterKey key;
        var created = false;
        if (inputs.UseKeyFile && !File.Exists(paths.MasterKeyFile))
        {
            key = new LoadedMasterKey(MasterKey.Generate(), paths.MasterKeyFile);
            WriteKeyFile(paths.MasterKeyFile, key.Key);
            created = true;
        }
        else
        {
            key = Read(paths, inputs, salt, expectedId: "new")!;
        }

        db.MasterKeys.Add(new MasterKeyRecord { Id = key.Key.Id, Status = MasterKeyStatus.Current, PassphraseSalt = salt, CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        return key with { Created = created };
    }
}

/// <summary>A master key and where it came from (a path or a variable name, for messages).</summary>
public sealed record LoadedMasterKey(MasterKey Key, string Source)
{
    /// <summary>True when this start created the key file.</summary>
    public bool Created { get; init; }
}
