package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs one command line against db and returns stdout.
func runCLI(t *testing.T, db string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append(args, "--db", db), func(string) string { return "" }, &out, &errOut)
	return out.String(), err
}

func TestCLI(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	steps := []struct {
		args    []string
		wantOut string // substring of stdout; "KEY" means exactly one key line
		wantErr string
	}{
		{[]string{"migrate"}, "up to date", ""},
		{[]string{"keys", "create", "--workspace", "acme", "--name", "shop"}, "KEY", ""},
		{[]string{"keys", "create", "--workspace", "acme", "--scope", "read"}, "KEY", ""},
		{[]string{"keys", "create", "--workspace", "acme", "--scope", "admin"}, "", `scope "admin"`},
		{[]string{"keys", "create"}, "", "--workspace NAME is required"},
		{[]string{"workspaces", "list"}, "acme", ""},
		{[]string{"workspaces", "set", "acme", "--default-currency", "sar", "--phone-region", "sa"}, "updated workspace acme", ""},
		{[]string{"workspaces", "list"}, "SAR", ""},
		{[]string{"workspaces", "set", "acme", "--default-currency", "SR"}, "", "not an ISO 4217 code"},
		{[]string{"workspaces", "set", "acme", "--phone-region", "XX"}, "", "not a region"},
		{[]string{"workspaces", "set", "nope", "--phone-region", "SA"}, "", `workspace "nope" does not exist`},
		{[]string{"workspaces", "create", "beta", "--default-currency", "EUR"}, "created workspace beta", ""},
		{[]string{"workspaces", "create", "beta"}, "", "already exists"},
		{[]string{"keys", "list", "--workspace", "acme"}, "shop", ""},
		{[]string{"keys", "revoke", "nonexistent"}, "", "no key has id or prefix"},
		{[]string{"bogus"}, "", "unknown command"},
	}
	for _, s := range steps {
		out, err := runCLI(t, db, s.args...)
		if s.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), s.wantErr) {
				t.Errorf("%v: err = %v; want %q", s.args, err, s.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", s.args, err)
			continue
		}
		if s.wantOut == "KEY" {
			if !keyRE.MatchString(out) || strings.Count(out, "\n") != 1 {
				t.Errorf("%v printed %q; want the key alone on one line", s.args, out)
			}
		} else if !strings.Contains(out, s.wantOut) {
			t.Errorf("%v printed %q; want %q", s.args, out, s.wantOut)
		}
	}
	// Revoke by the visible prefix, then the key is gone from use.
	out, _ := runCLI(t, db, "keys", "list", "--workspace", "acme")
	var id string
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 {
			id = f[0]
			break
		}
	}
	if out, err := runCLI(t, db, "keys", "revoke", id); err != nil || !strings.Contains(out, "revoked "+id) {
		t.Errorf("revoke %s: %q %v", id, out, err)
	}
	if out, _ := runCLI(t, db, "keys", "list"); !strings.Contains(out, "20") || strings.Count(out, "-\n") != 1 {
		t.Errorf("after revoking one of two keys, list =\n%s", out)
	}
}
