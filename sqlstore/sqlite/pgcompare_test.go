package sqlite

import (
	"context"
	"database/sql"
	"math/rand"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	_ "github.com/jackc/pgx/v5/stdlib"
)

func randomDoc(r *rand.Rand, depth int) string {
	switch x := r.Intn(10); {
	case depth < 3 && x < 2:
		parts := make([]string, r.Intn(4))
		for i := range parts {
			parts[i] = randomDoc(r, depth+1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case depth < 3 && x < 4:
		keys := []string{"a", "b", "aa", "B", "é", ""}
		parts := make([]string, r.Intn(4))
		for i := range parts {
			parts[i] = `"` + keys[r.Intn(len(keys))] + `":` + randomDoc(r, depth+1)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	s := []string{"0", "1", "1.50", "1.5", "-2", "1e2", "100", "true", "false", "null", `"a"`, `"A"`, `""`, `"é"`, `"1"`}
	return s[r.Intn(len(s))]
}

// TestJSONBOrderAndContainmentMatchPostgreSQL compares the jsonb
// comparison (ORDER BY, eq/gt/lt) and @> with PostgreSQL's on 3,000
// random pairs, when CONNECTGAIN_TEST_POSTGRES names a server.
func TestJSONBOrderAndContainmentMatchPostgreSQL(t *testing.T) {
	db := pgDB(t)
	r := rand.New(rand.NewSource(6))
	for range 3000 {
		a, b := randomDoc(r, 0), randomDoc(r, 0)
		if r.Intn(4) == 0 {
			b = a // equal documents, and containment of equal parts
		}
		var cmp int
		var contains bool
		if err := db.QueryRowContext(context.Background(), `SELECT CASE WHEN $1::jsonb < $2::jsonb THEN -1 WHEN $1::jsonb > $2::jsonb THEN 1 ELSE 0 END, $1::jsonb @> $2::jsonb`, a, b).Scan(&cmp, &contains); err != nil {
			t.Fatalf("%s %s: %v", a, b, err)
		}
		if got := collateJSONB(a, b); got != cmp {
			t.Errorf("compare %s with %s: %d, PostgreSQL %d", a, b, got, cmp)
		}
		var x, y any
		decodeJSON(a, &x)
		decodeJSON(b, &y)
		if got := jsonContains(x, y, true); got != contains {
			t.Errorf("%s @> %s: %v, PostgreSQL %v", a, b, got, contains)
		}
	}
}

// TestTextArrayOrderMatchesPostgreSQL compares the text[] order (stored
// as JSON on SQLite) with PostgreSQL's on 2,000 random pairs.
func TestTextArrayOrderMatchesPostgreSQL(t *testing.T) {
	db := pgDB(t)
	r := rand.New(rand.NewSource(7))
	elems := []string{"a", "A", "ab", "b", "é", "É", "", "a b", "a,b", "z", "Ω", "vip", "VIP", "é1"}
	arr := func() []string {
		out := make([]string, r.Intn(4))
		for i := range out {
			out[i] = elems[r.Intn(len(elems))]
		}
		return out
	}
	for range 2000 {
		a, b := arr(), arr()
		var cmp int
		if err := db.QueryRowContext(context.Background(), `SELECT CASE WHEN $1::text[] < $2::text[] THEN -1 WHEN $1::text[] > $2::text[] THEN 1 ELSE 0 END`, a, b).Scan(&cmp); err != nil {
			t.Fatal(err)
		}
		if got := collateTextArray(Dialect{}.Bind(crm.KindTextArray, a).(string), Dialect{}.Bind(crm.KindTextArray, b).(string)); got != cmp {
			t.Errorf("compare %q with %q: %d, PostgreSQL %d", a, b, got, cmp)
		}
	}
}

// TestPostgresOrdersTextByCodePoint checks what SQLite's ordering relies
// on: the PostgreSQL database sorts text by code point (a C or C.UTF-8
// collation), as SQLite's BINARY collation does.
func TestPostgresOrdersTextByCodePoint(t *testing.T) {
	db := pgDB(t)
	words := []string{"zebra", "Zebra", "ábaco", "abaco", "Öl", "_x", "a b", "ab", "ß", "ss", "İ", "i", "σ", "Σ", "عقد", "🙂", "1", "A"}
	var got, collate string
	if err := db.QueryRowContext(context.Background(), `SELECT string_agg(w, '|' ORDER BY w), (SELECT datcollate FROM pg_database WHERE datname = current_database())
		FROM unnest($1::text[]) AS w`, words).Scan(&got, &collate); err != nil {
		t.Fatal(err)
	}
	sort.Strings(words) // byte order of UTF-8 is code-point order
	if want := strings.Join(words, "|"); got != want {
		t.Errorf("the database (LC_COLLATE %s) orders text\n %s\nnot by code point as SQLite does\n %s\ncreate it with LC_COLLATE 'C.UTF-8' (docs/backend-differences.md)", collate, got, want)
	}
}

// pgDB opens the PostgreSQL of CONNECTGAIN_TEST_POSTGRES for comparing
// the emulation with it; without one it skips (fails with CI=true).
func pgDB(t *testing.T) *sql.DB {
	t.Helper()
	dsn := os.Getenv("CONNECTGAIN_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but CONNECTGAIN_TEST_POSTGRES is not set")
		}
		t.Skip("CONNECTGAIN_TEST_POSTGRES is not set")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
