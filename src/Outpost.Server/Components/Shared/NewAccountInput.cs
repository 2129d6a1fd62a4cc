namespace Outpost.Server.Components.Shared;

/// <summary>What <see cref="NewAccountForm"/> posts.</summary>
public sealed record NewAccountInput(string Name, string Email, string Password);
