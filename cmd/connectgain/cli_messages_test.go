package main

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// runAll runs one command line and returns stdout, stderr and what main
// would print for the error.
func runAll(t *testing.T, args ...string) (stdout, stderr, errText string, err error) {
	t.Helper()
	var out, errOut, printed bytes.Buffer
	err = run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
	if err != nil {
		printError(&printed, err)
	}
	return out.String(), errOut.String(), printed.String(), err
}

// TestHelpEveryCommand: every command and subcommand answers --help and
// -h on standard output with its own flags, and exits 0.
func TestHelpEveryCommand(t *testing.T) {
	want := map[string][]string{
		"serve":             {"--addr", "--db", "--shutdown-timeout", "--body-timeout", "--write-timeout", "--max-header-bytes"},
		"keys create":       {"--workspace", "--scope", "--name", "--db", "read|write"},
		"keys list":         {"--workspace", "--db"},
		"keys revoke":       {"--db", "KEY_ID_OR_PREFIX"},
		"workspaces list":   {"--db"},
		"workspaces create": {"--default-currency", "--phone-region"},
		"workspaces set":    {"--default-currency", "--phone-region"},
		"migrate":           {"--db"},
		"backup":            {"--out", "--db"},
		"version":           {"usage: connectgain version"},
		"keys":              {"create", "list", "revoke"},
		"workspaces":        {"list", "create", "set"},
	}
	var leaves []string
	for _, c := range commands {
		leaves = append(leaves, c.name)
		for _, s := range c.sub {
			leaves = append(leaves, c.name+" "+s.name)
		}
	}
	for _, path := range leaves {
		if want[path] == nil {
			t.Errorf("no expectation for %q's --help: add one", path)
		}
		for _, h := range []string{"--help", "-h"} {
			out, _, _, err := runAll(t, append(strings.Fields(path), h)...)
			if err != nil {
				t.Errorf("%s %s: %v", path, h, err)
				continue
			}
			if !strings.Contains(out, "usage: connectgain "+path) {
				t.Errorf("%s %s printed no usage line:\n%s", path, h, out)
			}
			for _, w := range want[path] {
				if !strings.Contains(out, w) {
					t.Errorf("%s %s lacks %q:\n%s", path, h, w, out)
				}
			}
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "keys", "create"}} {
		out, _, _, err := runAll(t, args...)
		if err != nil || !strings.Contains(out, "usage: connectgain") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
}

// TestVersion: "version" and "--version" print the version, the commit
// when known and the Go version; -ldflags -X main.buildVersion sets it.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, _, _, err := runAll(t, args...)
		if err != nil || !strings.HasPrefix(out, "connectgain devel (") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("%v printed %q (%v)", args, out, err)
		}
	}
	if testing.Short() {
		return
	}
	bin := filepath.Join(t.TempDir(), "connectgain")
	if out, err := exec.Command("go", "build", "-ldflags", "-X main.buildVersion=v1.2.3", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "connectgain v1.2.3 (") {
		t.Errorf("version of a binary built with -X main.buildVersion=v1.2.3: %q %v", out, err)
	}
}

// TestSuggestions: an unknown flag or command names the nearest one.
func TestSuggestions(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"serve", "--port", "8080"}, []string{"unknown flag --port", "did you mean --addr?"}},
		{[]string{"serve", "--database", db}, []string{"did you mean --db?"}},
		{[]string{"keys", "create", "--worksapce", "acme"}, []string{"unknown flag --worksapce", "did you mean --workspace?"}},
		{[]string{"workspaces", "create", "x", "--currency", "SAR"}, []string{"did you mean --default-currency?"}},
		{[]string{"backup", "--output", "x.db"}, []string{"did you mean --out?"}},
		{[]string{"serv"}, []string{`unknown command "serv"`, `did you mean "serve"?`}},
		{[]string{"start"}, []string{`did you mean "serve"?`}},
		{[]string{"kyes", "list"}, []string{`did you mean "keys"?`}},
		{[]string{"keys", "lst"}, []string{`unknown subcommand "lst"`, `did you mean "list"?`}},
		{[]string{"workspace", "list"}, []string{`did you mean "workspaces"?`}},
		{[]string{"frobnicate"}, []string{`unknown command "frobnicate"`, "the commands are serve, keys"}},
		{[]string{"keys"}, []string{"needs a subcommand: create, list or revoke"}},
		{[]string{"serve", "--db"}, []string{"flag --db needs a value"}},
		{[]string{"serve", "--shutdown-timeout", "soon"}, []string{"invalid value", "--shutdown-timeout"}},
	} {
		_, _, text, err := runAll(t, c.args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%v printed\n%s\nwant %q", c.args, text, w)
			}
		}
	}
}

// hintOf is the hint the API gives for err.
func hintOf(t *testing.T, err error) string {
	t.Helper()
	e, ok := crm.AsError(err)
	if !ok || e.Hint == "" {
		t.Fatalf("%v has no hint", err)
	}
	return e.Hint
}

// TestCLIErrorsInWords: a missing folder, an existing workspace, a bad
// scope, currency or region are explained with the API's own hints.
func TestCLIErrorsInWords(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "w.db")
	_, curErr := crm.NormalizeCurrency("SR")
	_, regErr := crm.NormalizeRegion("XX")
	_, scopeErr := crm.ParseScope("admin")
	missing := filepath.Join(dir, "no", "such")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"keys", "create", "--workspace", "a", "--db", "sqlite:" + filepath.Join(missing, "x.db")},
			[]string{"the folder " + missing + " does not exist", "mkdir -p " + missing}},
		{[]string{"keys", "list", "--db", "sqlite:" + filepath.Join(dir, "typo.db")},
			[]string{"there is no database at " + filepath.Join(dir, "typo.db")}},
		{[]string{"keys", "create", "--workspace", "a", "--db", "mysql://x"}, []string{"neither sqlite:FILE nor a postgres:// URL"}},
		{[]string{"workspaces", "create", "beta", "--db", db}, nil},
		{[]string{"workspaces", "create", "beta", "--db", db},
			[]string{`workspace "beta" already exists`, "connectgain workspaces set beta"}},
		{[]string{"keys", "create", "--workspace", "beta", "--scope", "admin", "--db", db},
			[]string{`--scope: scope "admin"`, hintOf(t, scopeErr)}},
		{[]string{"workspaces", "set", "beta", "--default-currency", "SR", "--db", db},
			[]string{`--default-currency: currency "SR" is not an ISO 4217 code`, "hint: " + hintOf(t, curErr)}},
		{[]string{"workspaces", "create", "gamma", "--phone-region", "XX", "--db", db},
			[]string{`--phone-region: phone region "XX"`, "hint: " + hintOf(t, regErr)}},
		{[]string{"workspaces", "set", "nope", "--phone-region", "SA", "--db", db}, []string{`workspace "nope" does not exist`, "workspaces list"}},
		{[]string{"workspaces", "set", "beta", "--db", db}, []string{"nothing to change"}},
		{[]string{"keys", "create", "--db", db}, []string{"--workspace NAME is required"}},
		{[]string{"keys", "create", "acme", "--db", db}, []string{"did you mean: connectgain keys create --workspace acme?"}},
		{[]string{"keys", "revoke", "--db", db}, []string{"wants KEY_ID_OR_PREFIX", "usage: connectgain keys revoke"}},
	} {
		_, _, text, err := runAll(t, c.args...)
		if c.want == nil {
			if err != nil {
				t.Fatalf("%v: %v", c.args, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%v printed\n%s\nwant %q", c.args, text, w)
			}
		}
		if strings.Contains(text, "invalid_") || strings.Contains(text, "23505") {
			t.Errorf("%v shows an error code instead of words:\n%s", c.args, text)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("a missing folder was created")
	}
	if _, err := os.Stat(filepath.Join(dir, "typo.db")); err == nil {
		t.Errorf("keys list created a database at a mistyped path")
	}
	// keys create says on stderr when it creates the workspace, once.
	out, errOut, _, err := runAll(t, "keys", "create", "--workspace", "acmee", "--db", db)
	if err != nil || !keyRE.MatchString(out) || !strings.Contains(errOut, `created workspace "acmee"`) {
		t.Errorf("keys create for a new workspace: %v, stdout %q, stderr %q", err, out, errOut)
	}
	out, errOut, _, err = runAll(t, "keys", "create", "--workspace", "acmee", "--db", db)
	if err != nil || !keyRE.MatchString(out) || errOut != "" {
		t.Errorf("keys create for an existing workspace: %v, stdout %q, stderr %q", err, out, errOut)
	}
}

// TestKeysRevokeRefs: keys revoke takes the PREFIX column as printed, the
// whole key, or a start of the id; an ambiguous one is named as such.
func TestKeysRevokeRefs(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "r.db")
	var keys []string
	for range 4 {
		out, _, _, err := runAll(t, "keys", "create", "--workspace", "acme", "--db", db)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, strings.TrimSpace(out))
	}
	list, _, _, _ := runAll(t, "keys", "list", "--db", db)
	rows := regexp.MustCompile(`(?m)^(\S+)\s+(cg_\S+…)`).FindAllStringSubmatch(list, -1)
	if len(rows) != 4 {
		t.Fatalf("keys list:\n%s", list)
	}
	ids := map[string]string{} // visible prefix -> id
	for _, r := range rows {
		ids[r[2]] = r[1]
	}
	revoked := func(ref, id string) {
		t.Helper()
		out, _, text, err := runAll(t, "keys", "revoke", ref, "--db", db)
		if err != nil || !strings.Contains(out, "revoked "+id) {
			t.Errorf("revoke %q: %q %s", ref, out, text)
		}
	}
	shown := rows[0][2] // "cg_AbCdEf…", pasted from the list
	revoked(shown, ids[shown])
	revoked(keys[1], ids[keys[1][:9]+"…"])
	id2 := rows[2][1]
	revoked(id2[:len(id2)-6], id2)

	// Two active keys, made within a second: their ids (UUIDv7) share the
	// first 8 characters, and so do the three revoked ones.
	if out, _, _, _ := runAll(t, "keys", "create", "--workspace", "acme", "--db", db); out == "" {
		t.Fatal("no key")
	}
	_, _, text, err := runAll(t, "keys", "revoke", rows[3][1][:8], "--db", db)
	if err == nil || !strings.Contains(text, "is ambiguous: it names 2 keys") || !strings.Contains(text, "more characters") {
		t.Errorf("an ambiguous id prefix: %v\n%s", err, text)
	}
	_, _, text, err = runAll(t, "keys", "revoke", "cg_zzzzzz…", "--db", db)
	if err == nil || !strings.Contains(text, `no key has id or prefix "cg_zzzzzz"`) {
		t.Errorf("an unknown prefix: %v\n%s", err, text)
	}
	after, _, _, _ := runAll(t, "keys", "list", "--db", db)
	if n := strings.Count(after, " -\n"); n != 2 {
		t.Errorf("want 2 active keys (the 4th and the new one):\n%s", after)
	}
}

// freePortBusy returns an address that something else listens on.
func freePortBusy(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// TestServeEnvDefaults: a limit set through the environment that does not
// parse names the variable.
func TestServeEnvDefaults(t *testing.T) {
	env := map[string]string{"CONNECTGAIN_BODY_TIMEOUT": "soon"}
	var out, errOut, printed bytes.Buffer
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "e.db")},
		func(k string) string { return env[k] }, &out, &errOut)
	printError(&printed, err)
	if err == nil || !strings.Contains(printed.String(), `CONNECTGAIN_BODY_TIMEOUT="soon" is not a duration`) {
		t.Errorf("a bad CONNECTGAIN_BODY_TIMEOUT: %v\n%s", err, printed.String())
	}
}

// TestPostgresCLI: the key commands on PostgreSQL, and its usual
// connection failures explained.
func TestPostgresCLI(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	out, errOut, text, err := runAll(t, "keys", "create", "--workspace", "pg", "--db", dsn)
	if err != nil || !keyRE.MatchString(out) || !strings.Contains(errOut, `created workspace "pg"`) {
		t.Fatalf("keys create: %q %q %s", out, errOut, text)
	}
	list, _, _, _ := runAll(t, "keys", "list", "--db", dsn)
	m := regexp.MustCompile(`(cg_\S+…)`).FindString(list)
	if out, _, text, err := runAll(t, "keys", "revoke", m, "--db", dsn); err != nil || !strings.Contains(out, "revoked ") {
		t.Errorf("revoke %q: %q %s", m, out, text)
	}
	u, _ := url.Parse(dsn)
	u.Path = "/cg_no_such_database"
	_, _, text, _ = runAll(t, "keys", "list", "--db", u.String())
	if !strings.Contains(text, `database "cg_no_such_database" does not exist`) || !strings.Contains(text, "createdb -h "+u.Hostname()) {
		t.Errorf("a missing PostgreSQL database:\n%s", text)
	}
	u.Host = "127.0.0.1:1"
	_, _, text, _ = runAll(t, "keys", "list", "--db", u.String())
	if !strings.Contains(text, "pg_isready -h 127.0.0.1 -p 1") {
		t.Errorf("an unreachable PostgreSQL:\n%s", text)
	}
}
