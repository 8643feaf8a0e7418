package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestMultiProcessBulkPostgres runs two real server processes on one
// fresh PostgreSQL database and sends them 20 parallel bulk requests that
// name the same new phones and titles (skip_if_exists,
// create_contact_if_missing): afterwards there must be exactly one contact
// per phone and one deal per title and contact.
func TestMultiProcessBulkPostgres(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	bin := filepath.Join(t.TempDir(), "connectgain")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "keys", "create", "--workspace", "w", "--db", dsn).Output()
	if err != nil {
		t.Fatalf("keys create: %v", err)
	}
	key := strings.TrimSpace(string(out))

	urls := []string{startServer(t, bin, dsn), startServer(t, bin, dsn)}

	const phones = 10
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each request names every phone, in a different order.
			var deals []string
			for j := range phones {
				k := (i + j) % phones
				deals = append(deals, fmt.Sprintf(`{"title": "Order %d", "value": %d.5, "contact_phone": "+20 101 717 77%02d", "create_contact_if_missing": true, "contact_first_name": "C%d"}`, k, k, k, k))
			}
			body := `{"skip_if_exists": true, "deals": [` + strings.Join(deals, ",") + `]}`
			req, _ := http.NewRequest("POST", urls[i%2]+"/functions/v1/create-deals-bulk", strings.NewReader(body))
			req.Header.Set("X-API-Key", key)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("request %d to %s: status %d: %s", i, urls[i%2], resp.StatusCode, b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	db, err := postgres.OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for q, want := range map[string]int{
		`SELECT count(*) FROM contacts`:            phones,
		`SELECT count(*) FROM contact_identifiers`: phones,
		`SELECT count(*) FROM deals`:               phones,
		`SELECT count(*) FROM (SELECT 1 FROM contact_identifiers GROUP BY workspace_id, value HAVING count(*) > 1) x`: 0,
		`SELECT count(*) FROM (SELECT 1 FROM deals GROUP BY workspace_id, contact_id, title HAVING count(*) > 1) x`:   0,
		`SELECT count(DISTINCT contact_id) FROM deals`:                                                                phones,
	} {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
}

var listenRE = regexp.MustCompile(`listening addr=(http://\S+)`)

// startServer starts "connectgain serve" on a free port and returns its
// base URL once it logs that it listens; the process gets SIGTERM when t
// ends.
func startServer(t *testing.T, bin, dsn string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	var mu sync.Mutex
	done := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			mu.Lock()
			t.Logf("server log:\n%s", log.String())
			mu.Unlock()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		cmd.Wait()
		close(done)
	}()
	select {
	case u := <-found:
		return u
	case <-done:
		t.Fatalf("server exited before listening:\n%s", log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not log its address within 60s:\n%s", log.String())
	}
	return ""
}
