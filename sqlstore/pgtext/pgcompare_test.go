package pgtext

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// These tests ask the PostgreSQL of CONNECTGAIN_TEST_POSTGRES the same
// questions as the emulation, on seeded random input: documents and
// queries over a vocabulary of the token types, and patterns over the
// regex metacharacters. Without that server they skip (fail with CI=true).

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

var tsVocabulary = strings.Fields(`The cats running runs ran orders Order 1001 1.5 -5 +3 3-d foo-bar Foo-Bar-baz über-cool
a1-b2 co-op sara@example.com x.y.z example.com v1.2.3 1.2.3 done_ _x_ 100% O'Neil don't café CAFÉ Straße İstanbul ıi
σοφία ΣΟΦΙΑ عقد الرياض ١٢٣ zebra ZEBRA a an of and the is (a.b) [x] *star* ?q #tag @user e-mail http://x.com/a
/usr/bin C++ 3.14e10 1,000 12:30 2024-01-02 ponies caresses happiness generously agreed relational nationally Ǆemal
🙂 x_y a.b. end. ab12cd 12ab — … «q» naïve résumé jalapeño smörgåsbord Ålesund ﬁne Ⅻ ²`)

func randomDoc(r *rand.Rand) string {
	words := make([]string, 1+r.Intn(8))
	for i := range words {
		words[i] = tsVocabulary[r.Intn(len(tsVocabulary))]
	}
	return strings.Join(words, []string{" ", " ", ", ", "; ", " - ", "\n"}[r.Intn(6)])
}

// TestToTSVectorMatchesPostgreSQL compares to_tsvector on 400 documents.
func TestToTSVectorMatchesPostgreSQL(t *testing.T) {
	db := pgDB(t)
	r := rand.New(rand.NewSource(1))
	for range 400 {
		doc := randomDoc(r)
		for _, cfg := range []string{"simple", "english"} {
			var want string
			if err := db.QueryRowContext(context.Background(), `SELECT to_tsvector($1::regconfig, $2)::text`, cfg, doc).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if got := vectorText(ToTSVector(cfg, doc)); got != pgVectorSorted(want) {
				t.Errorf("to_tsvector(%s, %q)\n got %s\nwant %s", cfg, doc, got, want)
			}
		}
	}
}

// pgVectorSorted reads tsvector text output into vectorText's form.
func pgVectorSorted(s string) string {
	v := TSVector{}
	for _, p := range strings.Split(" "+s, " '")[1:] {
		k := strings.LastIndex(p, "':")
		w := strings.ReplaceAll(p[:k], "''", "'")
		for _, n := range strings.Split(p[k+2:], ",") {
			x := 0
			for _, c := range n {
				x = x*10 + int(c-'0')
			}
			v[w] = append(v[w], x)
		}
	}
	return vectorText(v)
}

var tsQueryWords = strings.Fields(`cats cat running run the orders order foo-bar foo bar café CAFÉ straße 1.5 -5 x.com
sara@example.com zebra a and ponies pony agreed agree über-cool co-op ıi σοφία عقد ⅻ 1001 of runs Order x.com/a /usr/bin 2024 -01`)

func randomTSQuery(r *rand.Rand, depth int) string {
	x := r.Float64()
	switch {
	case depth < 3 && x < 0.35:
		ops := []string{" & ", " | ", " <-> ", " <2> ", " <0> "}
		return randomTSQuery(r, depth+1) + ops[r.Intn(len(ops))] + randomTSQuery(r, depth+1)
	case depth < 3 && x < 0.45:
		return "!" + randomTSQuery(r, depth+1)
	case depth < 3 && x < 0.55:
		return "(" + randomTSQuery(r, depth+1) + ")"
	}
	w := tsQueryWords[r.Intn(len(tsQueryWords))]
	if r.Intn(7) == 0 {
		w += ":*"
	}
	return w
}

func randomWebsearch(r *rand.Rand) string {
	var parts []string
	for range 1 + r.Intn(5) {
		w := tsQueryWords[r.Intn(len(tsQueryWords))]
		switch x := r.Intn(10); {
		case x < 2:
			parts = append(parts, `"`+w+" "+tsQueryWords[r.Intn(len(tsQueryWords))]+`"`)
		case x < 4:
			parts = append(parts, []string{"or", "OR"}[x%2])
		case x < 5:
			parts = append(parts, []string{"-" + w, "-", "--" + w, "-.", "-&", "-,", "&", "(" + w + ")"}[r.Intn(8)])
		default:
			parts = append(parts, w)
		}
	}
	return strings.Join(parts, " ")
}

// TestTSQueryMatchesPostgreSQL compares @@ for 600 queries of the four
// forms on 30 documents each.
func TestTSQueryMatchesPostgreSQL(t *testing.T) {
	db := pgDB(t)
	r := rand.New(rand.NewSource(2))
	docs := make([]string, 30)
	for i := range docs {
		docs[i] = randomDoc(r)
	}
	fns := map[string]string{"fts": "to_tsquery", "plfts": "plainto_tsquery", "phfts": "phraseto_tsquery", "wfts": "websearch_to_tsquery"}
	for range 600 {
		op := []string{"fts", "fts", "fts", "plfts", "phfts", "wfts"}[r.Intn(6)]
		cfg := []string{"simple", "english"}[r.Intn(2)]
		var q string
		switch op {
		case "fts":
			q = randomTSQuery(r, 0)
		case "wfts":
			q = randomWebsearch(r)
		default:
			q = tsQueryWords[r.Intn(len(tsQueryWords))] + " " + tsQueryWords[r.Intn(len(tsQueryWords))]
		}
		var want string
		err := db.QueryRowContext(context.Background(), `SELECT string_agg((to_tsvector($1::regconfig, d) @@ `+fns[op]+
			`($1::regconfig, $2))::int::text, '' ORDER BY i) FROM unnest($3::text[]) WITH ORDINALITY AS x(d, i)`, cfg, q, docs).Scan(&want)
		tq, perr := ParseTSQuery(op, cfg, q)
		if (err != nil) != (perr != nil) {
			t.Errorf("%s(%s, %q): PostgreSQL error %v, here %v", op, cfg, q, err, perr)
			continue
		}
		if err != nil {
			continue
		}
		for i, d := range docs {
			if got := tq.Match(ToTSVector(cfg, d)); got != (want[i] == '1') {
				t.Errorf("to_tsvector(%s, %q) @@ %s(%q): %v, PostgreSQL %v", cfg, d, op, q, got, !got)
				break
			}
		}
	}
}

// TestRegexMatchesPostgreSQL compares 1,500 random patterns: refused
// alike, and when accepted, ~ and ~* alike on ten subjects.
func TestRegexMatchesPostgreSQL(t *testing.T) {
	db := pgDB(t)
	r := rand.New(rand.NewSource(3))
	atoms := []string{"a", "b", "A", "é", "É", "ß", "İ", "ı", ".", "*", "+", "?", "|", "(", ")", "[", "]", "^", "$", "{", "}", "1", "2",
		",", "-", `\d`, `\w`, `\s`, `\W`, "[[:alpha:]]", "[[:upper:]]", "[^a]", "(?:", " ", `\.`, "x", `\`, `\b`, `\B`, `\Z`, `\A`,
		`\n`, `\u00e9`, "{2}", "{1,3}", "*?", "[[:punct:]]", "\u0301", "Ⅻ", `\1`, `\12`, `\0`, `\8`, `\x41`, "{0}"}
	subjects := []string{"abc", "Abé", "ßİı", "a\nb", "x.y", "", "AAA", "a1,2-b", "é É", ` \b`}
	for range 1500 {
		var b strings.Builder
		for range 1 + r.Intn(7) {
			b.WriteString(atoms[r.Intn(len(atoms))])
		}
		pat := b.String()
		var want string
		err := db.QueryRowContext(context.Background(), `SELECT string_agg((s ~ $1)::int::text || (s ~* $1)::int::text, '' ORDER BY i)
			FROM unnest($2::text[]) WITH ORDINALITY AS x(s, i)`, pat, subjects).Scan(&want)
		re, e1 := CompileRegex(pat, false)
		rei, e2 := CompileRegex(pat, true)
		refused := e1 != nil || e2 != nil
		if refused && err == nil && strings.Contains(e1.Error()+fmt.Sprint(e2), "not supported") {
			continue // refused on purpose, on both backends (docs/backend-differences.md)
		}
		if (err != nil) != refused {
			t.Errorf("%q: PostgreSQL error %v, here %v %v", pat, err, e1, e2)
			continue
		}
		if err != nil {
			continue
		}
		var got strings.Builder
		for _, s := range subjects {
			got.WriteString(map[bool]string{true: "1", false: "0"}[re.MatchString(s)] + map[bool]string{true: "1", false: "0"}[rei.MatchString(s)])
		}
		if got.String() != want {
			t.Errorf("%q: ~ and ~* on %q: %s, PostgreSQL %s", pat, subjects, got.String(), want)
		}
	}
}

// TestLikeMatchesPostgreSQL compares LIKE and ILIKE for 1,000 random
// patterns on ten subjects.
func TestLikeMatchesPostgreSQL(t *testing.T) {
	db := pgDB(t)
	r := rand.New(rand.NewSource(4))
	atoms := []string{"a", "A", "é", "É", "ß", "ẞ", "İ", "i", "ı", "I", "%", "_", `\%`, `\_`, `\\`, "x", "Σ", "ς", "ǅ"}
	subjects := []string{"a", "A", "aé", "AÉ", "ßİ", "SSi", "x%_", `\`, "", "iIıİ", "σΣς", "ǆǅǄ"}
	for range 1000 {
		var b strings.Builder
		for range 1 + r.Intn(5) {
			b.WriteString(atoms[r.Intn(len(atoms))])
		}
		pat := b.String()
		var want string
		if err := db.QueryRowContext(context.Background(), `SELECT string_agg((s LIKE $1)::int::text || (s ILIKE $1)::int::text, '' ORDER BY i)
			FROM unnest($2::text[]) WITH ORDINALITY AS x(s, i)`, pat, subjects).Scan(&want); err != nil {
			t.Fatalf("%q: %v", pat, err)
		}
		var got strings.Builder
		for _, s := range subjects {
			got.WriteString(map[bool]string{true: "1", false: "0"}[Like(s, pat)] + map[bool]string{true: "1", false: "0"}[ILike(s, pat)])
		}
		if got.String() != want {
			t.Errorf("%q: LIKE and ILIKE on %q: %s, PostgreSQL %s", pat, subjects, got.String(), want)
		}
	}
}

func randomJSON(r *rand.Rand, depth int) string {
	switch x := r.Intn(10); {
	case depth < 3 && x < 2:
		n := r.Intn(4)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = randomJSON(r, depth+1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case depth < 3 && x < 4:
		keys := []string{"a", "b", "aa", "B", "é", "k1", "", "long key"}
		n := r.Intn(4)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `"` + keys[r.Intn(len(keys))] + `":` + randomJSON(r, depth+1)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	scalars := []string{"0", "-0", "1", "1.50", "1e2", "-3.25E-2", "12345678901234567890", "0.000", "true", "false", "null",
		`"a"`, `"A"`, `""`, `"é"`, `"\u0001"`, `"<&>"`, `"a\"b"`, `"\u2028"`, `"ß"`, "1E+3", "100"}
	return scalars[r.Intn(len(scalars))]
}

// TestJSONMatchesPostgreSQL compares jsonb's printing (compacted) and
// ->> on 1,000 random documents.
func TestJSONMatchesPostgreSQL(t *testing.T) {
	db := pgDB(t)
	r := rand.New(rand.NewSource(5))
	for range 1000 {
		doc := randomJSON(r, 0)
		var pgText string
		var pgArrow sql.NullString
		if err := db.QueryRowContext(context.Background(), `SELECT $1::jsonb::text, (jsonb_build_array($1::jsonb))->>0`, doc).Scan(&pgText, &pgArrow); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		got, err := CanonicalJSON([]byte(doc))
		var want bytes.Buffer
		json.Compact(&want, []byte(pgText)) // keeps PostgreSQL's key order and numbers
		if err != nil || got != want.String() {
			t.Errorf("%s: %s, PostgreSQL %s", doc, got, pgText)
		}
		text, ok, err := JSONText([]byte(doc))
		if err != nil || ok != pgArrow.Valid || text != pgArrow.String {
			t.Errorf("->> of %s: %q %v, PostgreSQL %q %v", doc, text, ok, pgArrow.String, pgArrow.Valid)
		}
	}
}
