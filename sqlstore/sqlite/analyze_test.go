package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// contactsStat is the row count sqlite_stat1 holds for contacts' primary
// key (0 when the index has no statistics).
func contactsStat(t *testing.T, db *sql.DB) int {
	t.Helper()
	var stat string
	err := db.QueryRow(`SELECT stat FROM sqlite_stat1 WHERE idx = 'sqlite_autoindex_contacts_1'`).Scan(&stat)
	if err == sql.ErrNoRows {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.Fields(stat)[0])
	if err != nil {
		t.Fatalf("sqlite_stat1 %q: %v", stat, err)
	}
	return n
}

// addContacts writes n contacts to workspace 1 directly.
func addContacts(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	_, err := db.Exec(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
		INSERT INTO contacts (workspace_id, id, created_at, updated_at) SELECT 1, randomblob(16), i, i FROM s`, n)
	if err != nil {
		t.Fatal(err)
	}
}

// TestAnalyzeTenfold: Analyze gives statistics to a table that has none,
// leaves them while the table has grown less than tenfold (no exact
// count of a large table at every call), and refreshes them after that.
func TestAnalyzeTenfold(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cg.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`INSERT INTO workspaces (key, id, name, created_at) VALUES (1, 'w1', 'w1', 0)`); err != nil {
		t.Fatal(err)
	}
	analyze := func() int {
		t.Helper()
		if err := (Dialect{}).Analyze(ctx, db); err != nil {
			t.Fatal(err)
		}
		return contactsStat(t, db)
	}
	addContacts(t, db, 300)
	if got := analyze(); got != 300 {
		t.Fatalf("contacts without statistics, 300 rows: stat1 says %d rows, want 300", got)
	}
	addContacts(t, db, 700) // 1,000: 3.3x
	if got := analyze(); got != 300 {
		t.Fatalf("after growing 3.3x: stat1 says %d rows, want the 300 of the last analysis", got)
	}
	addContacts(t, db, 29000) // 30,000: 100x
	if got := analyze(); got != 30000 {
		t.Fatalf("after growing 100x: stat1 says %d rows, want 30000", got)
	}
}
