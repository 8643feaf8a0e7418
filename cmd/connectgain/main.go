// Command connectgain runs the ConnectGain server and manages its
// workspaces and API keys.
//
//	connectgain serve   [--addr 127.0.0.1:8080] [--db sqlite:connectgain.db | postgres://…]
//	connectgain keys create --workspace NAME [--name LABEL] [--scope read|write] [--db …]
//	connectgain keys list [--workspace NAME] [--db …]
//	connectgain keys revoke ID_OR_PREFIX [--db …]
//	connectgain workspaces list|create|set NAME [--default-currency SAR] [--phone-region SA] [--db …]
//	connectgain migrate [--db …]
//
// --db falls back to CONNECTGAIN_DB, then sqlite:connectgain.db; --addr to
// CONNECTGAIN_ADDR, then 127.0.0.1:8080.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "connectgain:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  connectgain serve   [--addr 127.0.0.1:8080] [--db sqlite:connectgain.db | postgres://...]
  connectgain keys create --workspace NAME [--name LABEL] [--scope read|write] [--db ...]
  connectgain keys list [--workspace NAME] [--db ...]
  connectgain keys revoke ID_OR_PREFIX [--db ...]
  connectgain workspaces list|create|set NAME [--default-currency SAR] [--phone-region SA] [--db ...]
  connectgain migrate [--db ...]`

// run is the whole program: main only wires the process to it, so tests
// can call it with their own arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stderr)
	case "keys":
		return keys(ctx, args[1:], getenv, stdout)
	case "workspaces":
		return workspaces(ctx, args[1:], getenv, stdout)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
