package api

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestPostgrestJS drives a server on 127.0.0.1:0 with @supabase/postgrest-js
// under Node (e2e/postgrestjs). Without node or npm it skips, unless
// CI=true, where it fails.
func TestPostgrestJS(t *testing.T) {
	runNodeSuite(t, "postgrestjs", "@supabase/postgrest-js")
}

// runNodeSuite runs e2e/<dir>/test.mjs under Node against a server on
// 127.0.0.1:0, on every backend, with a workspace holding three deals of
// Ahmed (+201017177777). It installs the pinned packages with npm ci when
// module is missing from node_modules.
func runNodeSuite(t *testing.T, dir, module string) {
	if testing.Short() {
		t.Skip("short mode: skipping the Node end-to-end test")
	}
	abs, err := filepath.Abs(filepath.Join("..", "e2e", dir))
	if err != nil {
		t.Fatal(err)
	}
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node and npm are required in CI (node: %v, npm: %v)", errNode, errNpm)
		}
		t.Skipf("node or npm not installed: skipping the %s end-to-end test", module)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := os.Stat(filepath.Join(abs, "node_modules", filepath.FromSlash(module))); err != nil {
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = abs
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in e2e/%s: %v\n%s", dir, err, out)
		}
	}
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			store := be.Open(t)
			ws, err := store.CreateWorkspace(ctx, "js", "SAR", "EG")
			if err != nil {
				t.Fatal(err)
			}
			key, _, err := store.CreateKey(ctx, ws.ID, "js", crm.ScopeWrite)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(New(store, Config{}, nil).Handler())
			defer srv.Close()
			e := &restEnv{t: t, srv: srv, keys: map[string]string{"J": key}, ids: map[string]string{}}
			e.mustPost("J", "/functions/v1/create-deals-bulk", `{"deals":[
				{"title":"Order 1","value":100,"contact_phone":"+201017177777","create_contact_if_missing":true,"contact_first_name":"Ahmed"},
				{"title":"Order 2","value":200,"contact_phone":"+201017177777"},
				{"title":"Order 3","value":300,"stage":"won","contact_phone":"+201017177777"}]}`)
			cmd := exec.CommandContext(ctx, node, "test.mjs")
			cmd.Dir = abs
			cmd.Env = append(os.Environ(), "CG_URL="+srv.URL, "CG_KEY="+key)
			out, err := cmd.CombinedOutput()
			t.Logf("node e2e/%s/test.mjs:\n%s", dir, out)
			if err != nil {
				t.Fatalf("%s e2e failed: %v", module, err)
			}
		})
	}
}
