package api

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// contentLocationRef and contentRangeRef are the straightforward forms
// (parse, sort.SliceStable, fmt) that the allocation-free ones replaced.
func contentLocationRef(table, rawQuery string) string {
	type part struct{ key, raw string }
	var parts []part
	for _, p := range strings.Split(rawQuery, "&") {
		k, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		parts = append(parts, part{k, p})
	}
	if len(parts) == 0 {
		return "/" + table
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].key < parts[j].key })
	raws := make([]string, len(parts))
	for i, p := range parts {
		raws[i] = p.raw
	}
	return "/" + table + "?" + strings.Join(raws, "&")
}

func contentRangeRef(lower, n, total int64) string {
	rng := "*"
	if n > 0 && total != 0 {
		rng = fmt.Sprintf("%d-%d", lower, lower+n-1)
	}
	t := "*"
	if total >= 0 {
		t = strconv.FormatInt(total, 10)
	}
	return rng + "/" + t
}

func TestContentLocationAsSorted(t *testing.T) {
	for _, q := range []string{
		"", "a", "&&", "id=eq.1", "select=id&id=eq.1", "b=1&a=2&b=0&a=1", "%61=1&a=0&b",
		"z=1&y=2&x=3&w=4&v=5&u=6&t=7&s=8&r=9&q=10", // more than the stack's 8
		"%zz=1&a=2", "order=created_at.desc&limit=50&title=ilike.*Order%2010424*&select=id,title",
		"phones=cs.%7B%2B201000000424%7D&select=id,first_name,phones",
	} {
		if got, want := contentLocation("deals", q), contentLocationRef("deals", q); got != want {
			t.Errorf("contentLocation(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestContentRangeAsFormatted(t *testing.T) {
	const big = int64(1<<63 - 1)
	for _, c := range [][3]int64{{0, 0, -1}, {0, 1, -1}, {5, 10, 100}, {0, 0, 0}, {3, 2, 0}, {0, 7, 7},
		{big - 1, 1, big}, {-big, 1, big}} {
		if got, want := contentRange(c[0], c[1], c[2]), contentRangeRef(c[0], c[1], c[2]); got != want {
			t.Errorf("contentRange%v = %q, want %q", c, got, want)
		}
	}
}
