using Cloak.Cli;

return CloakCli.Run(args);
