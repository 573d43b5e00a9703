using Cloak.Bench;

return BenchCli.Run(args);
