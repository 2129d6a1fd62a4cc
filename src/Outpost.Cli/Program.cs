using Outpost.Cli.Commands;

return await CommandLine.RunAsync(args, Console.Out, Console.Error);
