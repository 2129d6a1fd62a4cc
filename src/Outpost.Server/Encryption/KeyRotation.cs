using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Encryption;
using Outpost.Server.Hosting;

namespace Outpost.Server.Encryption;

/// <summary>
/// <c>outpost key rotate</c>: re-wraps every grain key and server key under a new master key, one row per
/// transaction, so an interrupted rotation resumes where it stopped when run again with the same new key. No grain
/// data is re-encrypted: grain keys do not change, only the key that wraps them.
/// </summary>
public sealed class KeyRotation(DataPaths paths, TimeProvider time, TextWriter progress)
{
    /// <summary>Tests: throw after this many keys were re-wrapped, as a crash at that point would stop the rotation.</summary>
    internal int? CrashAfter { get; init; }

    /// <summary>Runs (or resumes) the rotation. The server must be stopped.</summary>
    public async Task<KeyRotationResult> RunAsync(MasterKeyInputs current, MasterKeyInputs next, CancellationToken ct = default)
    {
        using var serverLock = ServerLock.Acquire(paths, "Stop the server before rotating the master key: it holds the current key in memory.");
        await using var db = new OutpostDbContext(Database.Options(paths));
        await Database.MigrateAsync(db, paths, time, ct);
        var records = await db.MasterKeys.ToListAsync(ct);
        var currentRecord = records.Find(r => r.Status == MasterKeyStatus.Current)
            ?? throw new MasterKeyException($"{paths.Root} has no master key yet: start the server once, then rotate.");
        MasterKeyStore.FinishInterruptedRename(paths, current, currentRecord.Id);
        var oldKey = MasterKeyStore.Read(paths, current, currentRecord.PassphraseSalt, currentRecord.Id)
            ?? throw new MasterKeyException($"No current master key: {paths.MasterKeyFile} does not exist and neither {current.Names.Key} nor {current.Names.Passphrase} is set.");
        MasterKeyStore.Check(oldKey, currentRecord.Id, paths, current);

        var nextRecord = records.Find(r => r.Status == MasterKeyStatus.Next);
        var (newKey, salt, newKeyFile) = NewKey(current, next, nextRecord);
        if (newKey.Id == currentRecord.Id)
        {
            throw new MasterKeyException("The new master key is the current one: give a different key or passphrase.");
        }

        if (nextRecord is not null && nextRecord.Id != newKey.Id)
        {
            throw new MasterKeyException(
                $"A rotation to master key {nextRecord.Id} was interrupted, but the new key given is {newKey.Id}. Resume with the same new key " +
                $"({(newKeyFile ? paths.NewMasterKeyFile : next.Names.Key + " / " + next.Names.Passphrase)}).");
        }

        if (nextRecord is null)
        {
            nextRecord = new MasterKeyRecord { Id = newKey.Id, Status = MasterKeyStatus.Next, PassphraseSalt = salt, CreatedAt = time.GetUtcNow() };
            db.MasterKeys.Add(nextRecord);
            await db.SaveChangesAsync(ct);
            await progress.WriteLineAsync($"Rotating the master key of {paths.Root}: {currentRecord.Id} -> {newKey.Id}");
        }
        else
        {
            await progress.WriteLineAsync($"Resuming the interrupted rotation of {paths.Root}: {currentRecord.Id} -> {newKey.Id}");
        }

        var rewrapped = await RewrapAsync(db, oldKey.Key, newKey, ct);

        // The last step flips both statuses in one transaction: the database always names exactly one current key.
        currentRecord.Status = MasterKeyStatus.Retired;
        nextRecord.Status = MasterKeyStatus.Current;
        await db.SaveChangesAsync(ct);
        if (newKeyFile)
        {
            File.Move(paths.NewMasterKeyFile, paths.MasterKeyFile, overwrite: true);
        }
        else if (File.Exists(paths.MasterKeyFile))
        {
            // The new key lives off the disk: the retired key file would only make the next start fail.
            File.Delete(paths.MasterKeyFile);
        }

        return new KeyRotationResult(currentRecord.Id, newKey.Id, rewrapped, newKeyFile ? paths.MasterKeyFile : next.Key is null ? next.Names.Passphrase : next.Names.Key);
    }

    private async Task<int> RewrapAsync(OutpostDbContext db, MasterKey oldKey, MasterKey newKey, CancellationToken ct)
    {
        var grainIds = await db.Grains.Where(g => g.StorageKeyId == oldKey.Id).Select(g => g.Id).ToListAsync(ct);
        var serverKeys = await db.WrappedKeys.Where(k => k.MasterKeyId == oldKey.Id).Select(k => k.Name).ToListAsync(ct);
        var total = grainIds.Count + serverKeys.Count;
        var done = 0;
        foreach (var id in grainIds)
        {
            var grain = await db.Grains.SingleAsync(g => g.Id == id, ct);
            var context = KeyRing.WrapContext(grain);
            grain.StorageKey = newKey.Wrap(oldKey.Unwrap(grain.StorageKey!, context), context);
            grain.StorageKeyId = newKey.Id;
            done = await CommitAsync(db, done, total, ct);
        }

        foreach (var name in serverKeys)
        {
            var key = await db.WrappedKeys.SingleAsync(k => k.Name == name, ct);
            var context = KeyRing.WrapContext(key);
            key.Value = newKey.Wrap(oldKey.Unwrap(key.Value, context), context);
            key.MasterKeyId = newKey.Id;
            done = await CommitAsync(db, done, total, ct);
        }

        var strays = await db.Grains.Where(g => g.StorageKeyId != null && g.StorageKeyId != newKey.Id).Select(g => g.Id).ToListAsync(ct);
        if (strays.Count > 0)
        {
            throw new MasterKeyException($"{strays.Count} grain key(s) are wrapped under neither the current nor the new master key (e.g. grain {strays[0]}); nothing more was changed.");
        }

        return total;
    }

    private async Task<int> CommitAsync(OutpostDbContext db, int done, int total, CancellationToken ct)
    {
        // One row per transaction: what is committed is wrapped under the new key, what is not under the old one.
        await db.SaveChangesAsync(ct);
        done++;
        if (done == total || done % 100 == 0)
        {
            await progress.WriteLineAsync($"  re-wrapped {done}/{total} keys");
        }

        if (done == CrashAfter)
        {
            throw new InvalidOperationException($"Simulated crash after {done} keys.");
        }

        return done;
    }

    private (MasterKey Key, byte[]? Salt, bool FromNewKeyFile) NewKey(MasterKeyInputs current, MasterKeyInputs next, MasterKeyRecord? nextRecord)
    {
        if (next.Passphrase is { } passphrase)
        {
            var salt = nextRecord?.PassphraseSalt ?? MasterKey.NewSalt();
            return (MasterKey.FromPassphrase(passphrase, salt), salt, false);
        }

        if (next.Key is { } encoded)
        {
            return (MasterKey.Decode(encoded, next.Names.Key), null, false);
        }

        if (!current.UseKeyFile)
        {
            throw new MasterKeyException(
                $"The current master key comes from the environment, so the new one must too: set {next.Names.Key} (a base64 key, e.g. from 'openssl rand -base64 32') or {next.Names.Passphrase}.");
        }

        if (File.Exists(paths.NewMasterKeyFile))
        {
            return (MasterKeyStore.ReadKeyFile(paths.NewMasterKeyFile), null, true);
        }

        if (nextRecord is not null)
        {
            throw new MasterKeyException(
                $"A rotation to master key {nextRecord.Id} was interrupted and {paths.NewMasterKeyFile} is gone. Put that key back there (or in {next.Names.Key}) and run the rotation again.");
        }

        var key = MasterKey.Generate();
        MasterKeyStore.WriteKeyFile(paths.NewMasterKeyFile, key);
        return (key, null, true);
    }
}

/// <summary>What a rotation did.</summary>
/// <param name="OldKeyId">The retired key's id.</param>
/// <param name="NewKeyId">The new current key's id.</param>
/// <param name="KeysRewrapped">Grain and server keys re-wrapped by this run.</param>
/// <param name="NewKeySource">Where the new key is (the key file's path or a variable's name).</param>
public sealed record KeyRotationResult(string OldKeyId, string NewKeyId, int KeysRewrapped, string NewKeySource);
