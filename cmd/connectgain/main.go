// Command connectgain runs the ConnectGain server and manages its
// workspaces, API keys and backups.
//
//	connectgain serve   [--addr 127.0.0.1:8080] [--db sqlite:connectgain.db | postgres://…]
//	connectgain keys create --workspace NAME [--name LABEL] [--scope read|write] [--db …]
//	connectgain keys list [--workspace NAME] [--db …]
//	connectgain keys revoke KEY_ID_OR_PREFIX [--db …]
//	connectgain workspaces list|create|set NAME [--default-currency SAR] [--phone-region SA] [--db …]
//	connectgain migrate [--db …]
//	connectgain backup --out FILE [--db …]
//	connectgain version
//
// --db falls back to CONNECTGAIN_DB, then sqlite:connectgain.db; --addr to
// CONNECTGAIN_ADDR, then 127.0.0.1:8080. Every command answers --help.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		printError(os.Stderr, err)
		os.Exit(1)
	}
}

// cli is what every command gets: its arguments, the environment and the
// two output streams. Results go to stdout; notices and logs to stderr.
type cli struct {
	args           []string
	getenv         func(string) string
	stdout, stderr io.Writer
	path           string   // "connectgain keys create"
	cmd            *command // the command being run
}

// command is one word of the command line: a leaf with run, or a group of
// subcommands.
type command struct {
	name     string
	synopsis string // the arguments after the name
	summary  string
	run      func(ctx context.Context, c *cli) error
	sub      []*command
}

// commands is the whole command line surface.
var commands = []*command{
	{name: "serve", synopsis: "[--addr 127.0.0.1:8080] [--db sqlite:connectgain.db | postgres://...]",
		summary: "run the HTTP server (creates a first workspace and key on an empty database)", run: serve},
	{name: "keys", summary: "create, list and revoke API keys", sub: []*command{
		{name: "create", synopsis: "--workspace NAME [--name LABEL] [--scope read|write] [--db ...]",
			summary: "make a key and print it once on standard output (the workspace is created when missing)", run: keysCreate},
		{name: "list", synopsis: "[--workspace NAME] [--db ...]", summary: "list keys (their visible prefix, never the key)", run: keysList},
		{name: "revoke", synopsis: "KEY_ID_OR_PREFIX [--db ...]",
			summary: "revoke a key named by the prefix keys list shows, the whole key, or its id (or an unambiguous start of it)", run: keysRevoke},
	}},
	{name: "workspaces", summary: "list, create and configure workspaces", sub: []*command{
		{name: "list", synopsis: "[--db ...]", summary: "list workspaces with their settings", run: workspacesList},
		{name: "create", synopsis: "NAME [--default-currency SAR] [--phone-region SA] [--db ...]", summary: "create a workspace with the default pipeline", run: workspacesCreate},
		{name: "set", synopsis: "NAME [--default-currency SAR] [--phone-region SA] [--db ...]", summary: "change a workspace's default currency or phone region", run: workspacesSet},
	}},
	{name: "migrate", synopsis: "[--db ...]", summary: "create or upgrade the database schema, then exit", run: migrate},
	{name: "backup", synopsis: "--out FILE [--db sqlite:...]", summary: "write a consistent copy of a SQLite database, also while the server runs", run: backup},
	{name: "version", summary: "print the version of this binary", run: version},
}

// run is the whole program: main only wires the process to it, so tests
// can call it with their own arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := &cli{args: args, getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printCommands(stderr, "connectgain", commands)
		return usageError("no command given", "start the server with: connectgain serve")
	}
	switch args[0] {
	case "help", "-h", "--help":
		if len(args) > 1 { // "help keys create" is "keys create --help"
			return run(ctx, append(slices.Clone(args[1:]), "--help"), getenv, stdout, stderr)
		}
		printCommands(stdout, "connectgain", commands)
		return nil
	case "--version", "-version":
		c.args = append([]string{"version"}, args[1:]...)
	}
	return dispatch(ctx, c, "connectgain", commands)
}

// dispatch runs the command named by c.args[0] among cmds.
func dispatch(ctx context.Context, c *cli, path string, cmds []*command) error {
	var names []string
	for _, cmd := range cmds {
		names = append(names, cmd.name)
	}
	word := c.args[0]
	for _, cmd := range cmds {
		if cmd.name != word {
			continue
		}
		c.args = c.args[1:]
		c.path, c.cmd = path+" "+cmd.name, cmd
		if cmd.run != nil {
			if err := cmd.run(ctx, c); !errors.Is(err, errHelp) {
				return err
			}
			return nil
		}
		full := path + " " + cmd.name
		if len(c.args) == 0 || c.args[0] == "-h" || c.args[0] == "--help" || c.args[0] == "help" {
			w := c.stdout
			if len(c.args) == 0 {
				w = c.stderr
			}
			printCommands(w, full, cmd.sub)
			if len(c.args) == 0 {
				return usageError(full+" needs a subcommand: "+orList(subNames(cmd)), "see: "+full+" --help")
			}
			return nil
		}
		return dispatch(ctx, c, full, cmd.sub)
	}
	msg := fmt.Sprintf("unknown command %q", word)
	if path != "connectgain" {
		msg = fmt.Sprintf("%s: unknown subcommand %q", path, word)
	}
	if strings.HasPrefix(word, "-") {
		msg = fmt.Sprintf("%s: a command comes before flags, got %q", path, word)
	}
	hint := "the commands are " + orList(names) + "; see: " + path + " --help"
	if s := nearest(strings.TrimLeft(word, "-"), names, commandSynonyms); s != "" {
		hint = fmt.Sprintf("did you mean %q? (%s %s)", s, path, s)
	}
	return usageError(msg, hint)
}

// commandSynonyms maps words people type to the command they mean.
var commandSynonyms = map[string]string{
	"start": "serve", "run": "serve", "server": "serve", "server-start": "serve", "listen": "serve",
	"key": "keys", "apikey": "keys", "apikeys": "keys", "token": "keys", "tokens": "keys",
	"workspace": "workspaces", "ws": "workspaces", "tenant": "workspaces", "tenants": "workspaces",
	"migrations": "migrate", "migration": "migrate", "init": "migrate", "upgrade": "migrate",
	"dump": "backup", "export": "backup", "snapshot": "backup",
	"new": "create", "add": "create", "make": "create", "ls": "list", "show": "list",
	"delete": "revoke", "remove": "revoke", "rm": "revoke", "update": "set", "config": "set",
}

func subNames(cmd *command) []string {
	var out []string
	for _, s := range cmd.sub {
		out = append(out, s.name)
	}
	return out
}

// printCommands writes the usage of a group of commands.
func printCommands(w io.Writer, path string, cmds []*command) {
	fmt.Fprintf(w, "usage: %s COMMAND [flags]\n\ncommands:\n", path)
	for _, cmd := range cmds {
		fmt.Fprintf(w, "  %-11s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintf(w, "\nEvery command answers --help with its flags, e.g. %s %s --help\n", path, cmds[0].name)
}

// cliError is an error of the command line, written like the API's: what
// was wrong, then a hint.
type cliError struct {
	msg, hint string
}

func (e *cliError) Error() string { return e.msg }

func usageError(msg, hint string) error { return &cliError{msg: msg, hint: hint} }

// errHelp is returned by a command that printed its --help: exit 0.
var errHelp = errors.New("help printed")

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
