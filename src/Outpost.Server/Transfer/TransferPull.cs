namespace Outpost.Server.Transfer;

/// <summary>One pull's progress, written by its runner and read by status requests (hence the lock).</summary>
internal sealed class TransferPull(string id, string accountId, string offerKey, DateTimeOffset startedAt)
{
    private readonly Lock _lock = new();
    private readonly List<PullGrainStatus> _grains = [];
    private string _state = "running";
    private string? _message;

    public string Id { get; } = id;

    public string AccountId { get; } = accountId;

    public string OfferKey { get; } = offerKey;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public bool IsRunning
    {
        get
        {
            lock (_lock)
            {
                return _state == "running";
            }
        }
    }

    public void SetGrains(IEnumerable<PullGrainStatus> grains)
    {
        lock (_lock)
        {
            _grains.Clear();
            _grains.AddRange(grains);
        }
    }

    /// <summary>Replaces grain <paramref name="index"/>'s line with what <paramref name="change"/> makes of it.</summary>
    public void Update(int index, Func<PullGrainStatus, PullGrainStatus> change)
    {
        lock (_lock)
        {
            _grains[index] = change(_grains[index]);
        }
    }

    public void Finish(string state, string? message)
    {
        lock (_lock)
        {
            _state = state;
            _message = message;
        }
    }

    public PullStatus Snapshot()
    {
        lock (_lock)
        {
            return new PullStatus { Id = Id, State = _state, Message = _message, Grains = _grains.ToList() };
        }
    }
}
