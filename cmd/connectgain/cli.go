package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/connectgain/server/crm"
)

// newFlags returns the flag set of the command being run (c.path).
func (c *cli) newFlags() *flag.FlagSet {
	fs := flag.NewFlagSet(c.path, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses c.args into fs, allowing flags before and after positional
// arguments, and checks that there are between minPos and maxPos of those.
// --help/-h prints the command's usage on stdout and returns errHelp.
func (c *cli) parse(fs *flag.FlagSet, minPos, maxPos int) ([]string, error) {
	pos, err := parseArgs(fs, c.args)
	if errors.Is(err, flag.ErrHelp) {
		c.printUsage(c.stdout, fs)
		return nil, errHelp
	}
	if err != nil {
		return nil, flagError(c.path, fs, err)
	}
	if len(pos) < minPos || len(pos) > maxPos {
		want := c.cmd.synopsis
		msg := fmt.Sprintf("%s takes no arguments; got %q", c.path, strings.Join(pos, " "))
		if maxPos > 0 {
			msg = fmt.Sprintf("%s wants %s; got %d argument(s) %q", c.path, firstWord(want), len(pos), strings.Join(pos, " "))
		}
		return nil, usageError(msg, "usage: "+c.path+" "+want)
	}
	return pos, nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// parseArgs parses flags that may stand before or after positional
// arguments ("workspaces set NAME --phone-region SA").
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// printUsage writes a command's --help: synopsis, summary and flags.
func (c *cli) printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s %s\n\n%s\n", c.path, c.cmd.synopsis, c.cmd.summary)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintf(w, "\nflags:\n")
			first = false
		}
		typ, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s %s\n      %s", f.Name, typ, usage)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// flagError rewrites the flag package's errors in words, suggesting the
// nearest flag for an unknown one.
func flagError(path string, fs *flag.FlagSet, err error) error {
	msg := err.Error()
	help := "see: " + path + " --help"
	path = strings.TrimPrefix(path, "connectgain ")
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		hint := "the flags are --" + strings.Join(names, ", --") + "; " + help
		if s := nearest(name, names, flagSynonyms); s != "" {
			hint = "did you mean --" + s + "? " + help
		}
		if len(names) == 0 {
			hint = "connectgain " + path + " takes no flags"
		}
		return usageError(fmt.Sprintf("%s: unknown flag --%s", path, name), hint)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		name = "--" + strings.TrimLeft(name, "-")
		return usageError(fmt.Sprintf("%s: flag %s needs a value", path, name), "write it as "+name+" VALUE or "+name+"=VALUE; "+help)
	}
	if strings.HasPrefix(msg, "invalid value") || strings.HasPrefix(msg, "invalid boolean") {
		return usageError(fmt.Sprintf("%s: %s", path, strings.Replace(msg, "for flag -", "for flag --", 1)), help)
	}
	return usageError(path+": "+msg, help)
}

// flagSynonyms maps flag names people try to the flag they mean.
var flagSynonyms = map[string]string{
	"port": "addr", "host": "addr", "listen": "addr", "bind": "addr", "address": "addr", "http": "addr",
	"database": "db", "dsn": "db", "database-url": "db", "url": "db", "sqlite": "db", "postgres": "db", "file": "db",
	"currency": "default-currency", "region": "phone-region", "country": "phone-region",
	"ws": "workspace", "w": "workspace", "tenant": "workspace", "label": "name", "role": "scope", "permission": "scope",
	"output": "out", "o": "out", "to": "out", "dest": "out",
	"timeout": "shutdown-timeout", "cors": "cors-origins", "origins": "cors-origins", "log-format": "log",
}

// nearest returns the candidate a mistyped word most likely means: a
// synonym, a unique prefix, or one within two edits; "" when none is close.
func nearest(word string, candidates []string, synonyms map[string]string) string {
	word = strings.ToLower(word)
	has := func(s string) bool {
		for _, c := range candidates {
			if c == s {
				return true
			}
		}
		return false
	}
	if s, ok := synonyms[word]; ok && has(s) {
		return s
	}
	best, bestD := "", 3
	for _, c := range candidates {
		if len(word) >= 2 && strings.HasPrefix(c, word) {
			return c
		}
		if d := editDistance(word, c); d < bestD && d < len(word) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and adjacent transpositions.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// explain turns a domain error into the command line's words: which flag
// or argument it is about, the message, and the API's hint.
func explain(what string, err error) error {
	e, ok := crm.AsError(err)
	if !ok {
		return err
	}
	msg := e.Message
	if e.Details != "" {
		msg += " (" + e.Details + ")"
	}
	if what != "" {
		msg = what + ": " + msg
	}
	return &cliError{msg: msg, hint: e.Hint}
}

// printError writes err for a person: the message, then the hint on a
// line of its own.
func printError(w io.Writer, err error) {
	var ce *cliError
	if !errors.As(err, &ce) {
		if e, ok := crm.AsError(err); ok && err.Error() == e.Error() {
			ce = explain("", e).(*cliError)
		}
	}
	if ce == nil {
		fmt.Fprintln(w, "connectgain:", err)
		return
	}
	fmt.Fprintln(w, "connectgain:", ce.msg)
	if ce.hint != "" {
		fmt.Fprintln(w, "  hint:", ce.hint)
	}
}

// buildVersion is set at build time:
//
//	go build -ldflags "-X main.buildVersion=v1.2.0" ./cmd/connectgain
//
// Without it the module version from the build info is used (set by
// "go install ...@v1.2.0"), then "devel".
var buildVersion = ""

// versionString describes this binary: version, commit and Go version.
func versionString() string {
	v := buildVersion
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "devel"
	}
	var extra []string
	if ok {
		var rev, when, dirty string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+changes"
				}
			}
		}
		if rev != "" {
			extra = append(extra, "commit "+rev[:min(12, len(rev))]+dirty)
		}
		if when != "" {
			extra = append(extra, when)
		}
	}
	extra = append(extra, runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	return "connectgain " + v + " (" + strings.Join(extra, ", ") + ")"
}

func version(ctx context.Context, c *cli) error {
	fs := c.newFlags()
	if _, err := c.parse(fs, 0, 0); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, versionString())
	return nil
}
