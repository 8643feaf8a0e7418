package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/sqlite"
	"github.com/connectgain/server/sqlstore/storetest"
)

// Bounds of the crash test.
const (
	crashRounds        = 20 // SIGKILLs
	crashClients       = 4
	crashBatches       = 40 // per client, at most
	crashDealsPerBatch = 20
	crashPhones        = 50 // shared by every client: contacts are matched, not only created
)

// crashServer is one life of the real binary.
type crashServer struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
	log  *syncBuffer
}

// startCrashServer starts the binary on a free port and waits for it to
// listen.
func startCrashServer(t *testing.T, bin, db string) *crashServer {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", "sqlite:"+db, "--addr", "127.0.0.1:0", "--idempotency-lease", "1s")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &crashServer{cmd: cmd, done: make(chan struct{}), log: &syncBuffer{}}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			s.log.Write([]byte(sc.Text() + "\n"))
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		cmd.Wait()
		close(s.done)
	}()
	select {
	case s.url = <-found:
		return s
	case <-s.done:
		t.Fatalf("server exited before listening:\n%s", s.log.String())
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not listen within 60s:\n%s", s.log.String())
	}
	return nil
}

func (s *crashServer) kill() {
	s.cmd.Process.Kill() // SIGKILL: no shutdown, no flush
	<-s.done
}

// crashStats counts what the clients saw, for the log.
var crashStats struct {
	fresh, replayed, lost, inUse, dropped atomic.Int64
}

// crashBatch is one bulk request a client sends until it is answered.
type crashBatch struct {
	key   string // Idempotency-Key
	body  string
	first string // the first answer's body
	acked bool
}

func newCrashBatch(client, n int) *crashBatch {
	var deals []string
	for j := range crashDealsPerBatch {
		p := (client*7 + n*3 + j) % crashPhones
		deals = append(deals, fmt.Sprintf(`{"title":"c%d-b%d-d%d","value":%d,"contact_phone":"+2010177%05d","create_contact_if_missing":true,"contact_first_name":"P%d"}`,
			client, n, j, j+1, p, p))
	}
	return &crashBatch{key: fmt.Sprintf("crash-c%d-b%d", client, n), body: `{"deals":[` + strings.Join(deals, ",") + `]}`}
}

// send posts the batch once. It returns false when the server did not
// answer (it was killed) or the key is still held by a dead attempt.
func (b *crashBatch) send(t *testing.T, url, apiKey string) bool {
	req, _ := http.NewRequest("POST", url+"/functions/v1/create-deals-bulk", strings.NewReader(b.body))
	req.Header.Set("X-API-Key", apiKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", b.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		crashStats.dropped.Add(1)
		return false
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		crashStats.dropped.Add(1)
		return false
	}
	switch {
	case res.StatusCode == 200:
		if res.Header.Get("Idempotent-Replayed") == "true" {
			crashStats.replayed.Add(1)
		} else {
			crashStats.fresh.Add(1)
		}
		if b.acked && b.first != "" && string(body) != b.first {
			t.Errorf("batch %s: a retry answered differently:\n%s\nfirst:\n%s", b.key, body, b.first)
		}
		if !b.acked || b.first == "" {
			b.first = string(body)
		}
		b.acked = true
		return true
	case res.StatusCode == 409 && bytes.Contains(body, []byte("idempotency_key_in_use")):
		crashStats.inUse.Add(1)
		return false // the killed attempt's lease; try again later
	case res.StatusCode == 409 && bytes.Contains(body, []byte("idempotency_outcome_lost")):
		crashStats.lost.Add(1)
		b.acked = true // committed before the kill; its answer was lost
		return true
	case res.StatusCode == 503:
		return false
	}
	t.Errorf("batch %s: %d %s", b.key, res.StatusCode, body)
	return false
}

// TestCrashIdempotentBulk SIGKILLs the real server at random moments
// while clients stream bulk requests with Idempotency-Keys, 20 times;
// after each restart the clients resend everything they sent. At the end
// every deal exists exactly once, with its contact, no contact is
// duplicated or orphaned, and SQLite's integrity check is clean.
func TestCrashIdempotentBulk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it 20 times")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "connectgain")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "crash.db")
	out, err := exec.Command(bin, "keys", "create", "--workspace", "crash", "--db", "sqlite:"+db).Output()
	if err != nil {
		t.Fatalf("keys create: %v", err)
	}
	apiKey := strings.TrimSpace(string(out))
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 10))
	t.Logf("seed %d", seed)

	batches := make([][]*crashBatch, crashClients)
	for round := 0; round <= crashRounds; round++ {
		srv := startCrashServer(t, bin, db)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := range crashClients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				crashClient(t, srv.url, apiKey, c, &batches[c], round == crashRounds, stop)
			}()
		}
		if round < crashRounds {
			time.Sleep(time.Duration(50+rng.IntN(500)) * time.Millisecond)
			close(stop)
			srv.kill()
			wg.Wait()
			continue
		}
		finished := make(chan struct{})
		go func() { wg.Wait(); close(finished) }()
		select {
		case <-finished:
		case <-time.After(3 * time.Minute):
			close(stop)
			srv.kill()
			t.Fatalf("the last life did not answer every batch in 3 minutes:\n%s", srv.log.String())
		}
		srv.kill()
	}
	t.Logf("answers: %d fresh, %d replayed, %d lost in a kill; %d requests dropped by a kill, %d waited on a dead attempt's lease",
		crashStats.fresh.Load(), crashStats.replayed.Load(), crashStats.lost.Load(), crashStats.dropped.Load(), crashStats.inUse.Load())
	sent, lost := 0, 0
	for c := range batches {
		for _, b := range batches[c] {
			if !b.acked {
				t.Errorf("batch %s never answered", b.key)
			}
			if b.first == "" {
				lost++
			}
			sent++
		}
	}
	t.Logf("%d batches of %d deals; %d committed but their answer lost in a kill", sent, crashDealsPerBatch, lost)
	checkCrashDatabase(t, db, sent*crashDealsPerBatch)
}

// crashClient is one client's life between two kills: it first resends
// every batch it has sent (an answered one must be answered the same),
// then sends what is unanswered, then new batches. In the last life it
// returns once all its batches are answered.
func crashClient(t *testing.T, url, apiKey string, c int, batches *[]*crashBatch, last bool, stop chan struct{}) {
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	resent := 0
	for !stopped() {
		pending := -1
		for i, b := range *batches {
			if !b.acked {
				pending = i
				break
			}
		}
		switch {
		case resent < len(*batches):
			(*batches)[resent].send(t, url, apiKey)
			resent++
		case pending >= 0:
			if !(*batches)[pending].send(t, url, apiKey) {
				time.Sleep(100 * time.Millisecond)
			}
		case len(*batches) < crashBatches:
			b := newCrashBatch(c, len(*batches))
			*batches = append(*batches, b)
			resent++
			b.send(t, url, apiKey)
		case last:
			return
		default:
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// checkCrashDatabase opens the database after the last kill and checks
// what the clients were told is there, once.
func checkCrashDatabase(t *testing.T, db string, wantDeals int) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ok string
	if err := s.QueryRowForTest(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q %v", ok, err)
	}
	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"deals", "SELECT COUNT(*) FROM deals", wantDeals},
		{"titles stored more than once", "SELECT COUNT(*) FROM (SELECT title FROM deals GROUP BY title HAVING COUNT(*) > 1)", 0},
		{"deals without their contact", "SELECT COUNT(*) FROM deals d WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = d.workspace_id AND c.id = d.contact_id)", 0},
		{"deals linked to the wrong phone", `SELECT COUNT(*) FROM deals d JOIN contacts c ON c.workspace_id = d.workspace_id AND c.id = d.contact_id
			WHERE c.first_name <> 'P' || CAST(CAST(substr(json_extract(c.phones, '$[0]'), -5) AS INTEGER) AS TEXT)`, 0},
		{"phones with more than one contact", "SELECT COUNT(*) FROM (SELECT value FROM contact_identifiers WHERE kind = 'phone' GROUP BY workspace_id, value HAVING COUNT(*) > 1)", 0},
		{"contacts without deals", "SELECT COUNT(*) FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM deals d WHERE d.workspace_id = c.workspace_id AND d.contact_id = c.id)", 0},
		{"identifiers without contacts", "SELECT COUNT(*) FROM contact_identifiers i WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = i.workspace_id AND c.id = i.contact_id)", 0},
		{"stage changes without deals", "SELECT COUNT(*) FROM deal_stage_changes x WHERE NOT EXISTS (SELECT 1 FROM deals d WHERE d.workspace_id = x.workspace_id AND d.id = x.deal_id)", 0},
		{"idempotency keys not done", "SELECT COUNT(*) FROM idempotency_keys WHERE state <> 'done' AND state <> 'committed'", 0},
	} {
		n, err := s.CountForTest(ctx, c.query)
		if err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if n != c.want {
			t.Errorf("%s: %d, want %d", c.what, n, c.want)
		}
	}
}

// TestIdempotencyTwoServersPostgres: two servers (two pools, as two
// processes would have) on one PostgreSQL database get 20 concurrent
// attempts of one request with one Idempotency-Key, alternating: it is
// written once and every attempt gets the same answer.
func TestIdempotencyTwoServersPostgres(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	var urls []string
	var store *sqlstore.Store
	for range 2 {
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		store = s
		srv := httptest.NewServer(api.New(s, api.Config{}, nil).Handler())
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	ws, err := store.CreateWorkspace(ctx, "two", "SAR", "SA")
	if err != nil {
		t.Fatal(err)
	}
	key, _, _ := store.CreateKey(ctx, ws.ID, "w", crm.ScopeWrite)
	var deals []string
	for i := range 300 {
		deals = append(deals, fmt.Sprintf(`{"title":"T%d","value":1,"contact_phone":"+2010177%05d","create_contact_if_missing":true}`, i, i%40))
	}
	b := &crashBatch{key: "two-servers", body: `{"deals":[` + strings.Join(deals, ",") + `]}`}
	answers := make([]string, 20)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := &crashBatch{key: b.key, body: b.body}
			for try := 0; !mine.send(t, urls[i%2], key); try++ {
				if try > 200 {
					t.Errorf("attempt %d never answered", i)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			answers[i] = mine.first
		}()
	}
	wg.Wait()
	for i, a := range answers {
		if a == "" || a != answers[0] {
			t.Errorf("attempt %d answered %.100q, attempt 0 %.100q", i, a, answers[0])
		}
	}
	for q, want := range map[string]int{"SELECT COUNT(*) FROM deals": 300, "SELECT COUNT(*) FROM contacts": 40} {
		if n, err := store.CountForTest(ctx, q); err != nil || n != want {
			t.Errorf("%s = %d (%v), want %d", q, n, err, want)
		}
	}
}
