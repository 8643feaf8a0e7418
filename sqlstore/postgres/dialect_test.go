package postgres

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"
)

func TestRebind(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`a = ? AND b IN (?,?)`, `a = $1 AND b IN ($2,$3)`},
		{`x = '?' AND y = ?`, `x = '?' AND y = $1`},
		{`x = 'it''s ?' AND y = ?`, `x = 'it''s ?' AND y = $1`},
		{`x = E'a\'?' AND y = ?`, `x = E'a\'?' AND y = $1`},
		{`"we?ird" = ?`, `"we?ird" = $1`},
		{"-- what?\nx = ?", "-- what?\nx = $1"},
		{`/* ? */ x = ?`, `/* ? */ x = $1`},
		{`doc ?? 'k' AND id = ?`, `doc ? 'k' AND id = $1`},
		{`? ? ? ? ? ? ? ? ? ? ?`, `$1 $2 $3 $4 $5 $6 $7 $8 $9 $10 $11`},
	}
	for _, tt := range tests {
		if got := (Dialect{}).Rebind(tt.in); got != tt.want {
			t.Errorf("Rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestArrayLiteralRoundTrip(t *testing.T) {
	for _, a := range [][]string{{}, {"a"}, {"a", "b c", `q"uote`, `back\slash`, "", "NULL", "{x,y}", "٠١٢ عربي"}} {
		lit := arrayLiteral(a)
		got, err := parseArray(lit)
		if err != nil {
			t.Fatalf("parseArray(%q): %v", lit, err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("round trip of %q via %q = %q", a, lit, got)
		}
	}
	// PostgreSQL's own output leaves simple elements unquoted.
	got, err := parseArray(`{vip,"two words",NULL,"a\\b"}`)
	if err != nil || !reflect.DeepEqual(got, []string{"vip", "two words", "", `a\b`}) {
		t.Errorf("parseArray = %q, %v", got, err)
	}
	if _, err := parseArray(`{"open`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestDecode(t *testing.T) {
	d := Dialect{}
	ts := time.Date(2025, 3, 1, 10, 0, 0, 123456000, time.FixedZone("x", 3600))
	tests := []struct {
		k    crm.Kind
		src  any
		want any
	}{
		{crm.KindDecimal, "11523.0000", decimal.RequireFromString("11523")},
		{crm.KindDecimal, []byte("0.5000"), decimal.RequireFromString("0.5")},
		{crm.KindTime, ts, ts.UTC()},
		{crm.KindDate, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), "2025-12-31"},
		{crm.KindTextArray, "{a,\"b c\"}", []string{"a", "b c"}},
		{crm.KindTextArray, "{}", []string{}},
		{crm.KindInt, int64(7), int64(7)},
		{crm.KindBool, true, true},
		{crm.KindUUID, "0192f0c4-9a8e-7d1e-8f00-000000000001", "0192f0c4-9a8e-7d1e-8f00-000000000001"},
		{crm.KindText, nil, nil},
	}
	for _, tt := range tests {
		got, err := d.Decode(tt.k, tt.src)
		if err != nil {
			t.Errorf("Decode(%s, %v): %v", tt.k, tt.src, err)
			continue
		}
		if gd, ok := got.(decimal.Decimal); ok {
			if !gd.Equal(tt.want.(decimal.Decimal)) || gd.String() != tt.want.(decimal.Decimal).String() {
				t.Errorf("Decode(%s, %v) = %v, want %v", tt.k, tt.src, gd, tt.want)
			}
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Decode(%s, %v) = %#v, want %#v", tt.k, tt.src, got, tt.want)
		}
	}
}

func TestErrorClassification(t *testing.T) {
	d := Dialect{}
	tests := []struct {
		err  error
		code string
	}{
		{&pgconn.PgError{Code: "23505", Message: "duplicate key", Detail: "Key (x)=(1) already exists."}, "23505"},
		{&pgconn.PgError{Code: "42703", Message: "column does not exist"}, "42703"},
		{&pgconn.PgError{Code: "08006", Message: "connection failure"}, crm.CodeUnavailable},
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, crm.CodeUnavailable},
		{&pgconn.ConnectError{}, crm.CodeUnavailable},
	}
	for _, tt := range tests {
		e, ok := crm.AsError(d.Error(tt.err))
		if !ok || e.Code != tt.code {
			t.Errorf("Error(%v) = %v, want code %s", tt.err, e, tt.code)
			continue
		}
		if !errors.Is(e, tt.err) {
			t.Errorf("Error(%v) does not wrap the cause", tt.err)
		}
	}
	plain := errors.New("boom")
	if got := d.Error(plain); got != plain {
		t.Errorf("Error(plain) = %v, want it unchanged", got)
	}
}

func TestTrigramProbe(t *testing.T) {
	for _, c := range []struct{ table, col, pattern, want string }{
		{"deals", "t0.title", "%Order 10424%", "%10424%"},
		{"deals", "t0.title", "%INV-2024-00017%", "%00017%"},
		{"deals", "t0.title", "%10424%", ""},    // the probe would be the pattern
		{"deals", "t0.title", "%Order 10%", ""}, // too short for a trigram
		{"deals", "t0.title", `%a\%12345%`, "%12345%"},
		{"deals", "t0.title", "%12_345%", "%345%"}, // "_" splits the run
		{"deals", "t0.stage", "%Order 10424%", ""}, // no trigram index
		{"contacts", "t1.last_name", "Ali 77889%", "%77889%"},
	} {
		col, _ := crm.DefaultSchema.MustTable(c.table).Column(c.col[strings.IndexByte(c.col, '.')+1:])
		got, ok := trigramProbe(sqlstore.RestFilter{Search: col.Search, Col: c.col, Pattern: c.pattern})
		if got != c.want || ok != (c.want != "") {
			t.Errorf("trigramProbe(%s %s %q) = %q, %v; want %q", c.table, c.col, c.pattern, got, ok, c.want)
		}
	}
}

// TestErrorHidesWorkspace: constraint details never show workspace_id
// (API.md §2), whatever key they name.
func TestErrorHidesWorkspace(t *testing.T) {
	ws := "01a210cb-6af5-7886-baa1-efd94e935812"
	tests := []struct{ code, in, want string }{
		{"23505", "Key (workspace_id, id)=(" + ws + ", 0190f3b2-6c1e-7cc0-9a57-8f3c1c2d4e5f) already exists.",
			"Key (id)=(0190f3b2-6c1e-7cc0-9a57-8f3c1c2d4e5f) already exists."},
		{"23505", "Key (workspace_id, pipeline_id, stage)=(" + ws + ", p, a, b) already exists.",
			"Key (pipeline_id, stage)=(p, a, b) already exists."},
		{"23503", "Key (workspace_id, id)=(" + ws + ", c) is still referenced from table \"deals\".",
			"Key (id)=(c) is still referenced from table \"deals\"."},
		{"23514", "Failing row contains (" + ws + ", x, -1).", ""},
		{"23503", "Key (contact_id)=(c) is not present in table \"contacts\".", "Key (contact_id)=(c) is not present in table \"contacts\"."},
	}
	for _, tt := range tests {
		e, _ := crm.AsError(Dialect{}.Error(&pgconn.PgError{Code: tt.code, Detail: tt.in}))
		if e == nil || e.Details != tt.want {
			t.Errorf("%s %q: details %v, want %q", tt.code, tt.in, e, tt.want)
		}
	}
}
