package sqlite

import (
	"database/sql/driver"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"modernc.org/sqlite"
)

// Title search, per workspace (migrations/00007_title_search_workspace.sql,
// 00010_workspace_key.sql). Each deal's title is indexed in the FTS5 table
// deal_title_grams as one word per trigram of its ASCII-lower-cased title,
// and every word names the workspace: "w" + the workspace's key (what
// deals.workspace_id holds) + "x" + the trigram's bytes in hex. A search MATCHes only its own workspace's
// words, so its cost never depends on another workspace's titles. The
// words are made by cg_title_grams, which the triggers on deals call.

// maxTrigramProbes bounds the trigrams a title search intersects.
const maxTrigramProbes = 3

// titleTrigrams returns the trigrams of the pattern's term, folded as the
// index folds (ASCII lower case): its first, middle and last.
func titleTrigrams(pattern string) ([]string, bool) {
	term, ok := trigramTerm(pattern)
	if !ok {
		return nil, false
	}
	rs := []rune(asciiLower(term))
	n := len(rs) - 2
	var grams []string
	for _, i := range []int{0, n / 2, n - 1} {
		g := string(rs[i : i+3])
		if !slices.Contains(grams, g) && len(grams) < maxTrigramProbes {
			grams = append(grams, g)
		}
	}
	return grams, true
}

// trigramMatch is the SQL of the FTS5 query that finds the workspace's
// deals whose titles hold every one of grams, and its arguments; ws is
// the workspace's key (sqlstore.Store.WorkspaceArg). Anything else
// (no workspace) is a word no title has.
func trigramMatch(ws any, grams []string) (string, []any) {
	key, ok := ws.(int64)
	if !ok || key <= 0 {
		return "?", []any{`"wnone"`}
	}
	prefix := `"w` + strconv.FormatInt(key, 10) + "x"
	var b strings.Builder
	for i, g := range grams {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(prefix + hex.EncodeToString([]byte(g)) + `"`)
	}
	return "?", []any{b.String()}
}

// sqlTitleGrams is cg_title_grams(n, title): the index words of title in
// the workspace whose key is n, one per trigram, space-separated.
func sqlTitleGrams(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	n, _ := args[0].(int64)
	title, ok := textArg(args[1])
	if !ok {
		return nil, nil
	}
	return titleGrams(n, title), nil
}

// titleGrams makes the index words of title for the workspace whose key
// is n.
func titleGrams(n int64, title string) string {
	rs := []rune(asciiLower(title))
	if len(rs) < 3 {
		return ""
	}
	prefix := "w" + strconv.FormatInt(n, 10) + "x"
	var b strings.Builder
	b.Grow((len(rs) - 2) * (len(prefix) + 7))
	for i := 0; i+3 <= len(rs); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(prefix)
		b.WriteString(hex.EncodeToString([]byte(string(rs[i : i+3]))))
	}
	return b.String()
}

// asciiLower folds A-Z only, as SQLite's lower() does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
