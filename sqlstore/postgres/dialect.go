package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"
)

// Dialect is the PostgreSQL dialect.
type Dialect struct{}

var (
	_ sqlstore.Dialect     = Dialect{}
	_ sqlstore.RowInserter = Dialect{}
)

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "postgres" }

// MaxParams implements sqlstore.Dialect (the protocol's 16-bit count).
func (Dialect) MaxParams() int { return 65535 }

// Rebind implements sqlstore.Dialect: each "?" outside string literals,
// quoted identifiers and comments becomes $1, $2, ... in order. "??" is
// kept as a literal "?" so that an operator such as jsonb's ? can still be
// written, though the store prefers jsonb_exists() and friends.
func (Dialect) Rebind(q string) string {
	if strings.IndexByte(q, '?') < 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := skipQuoted(q, i, c, c == '\'' && i > 0 && (q[i-1] == 'E' || q[i-1] == 'e') && !identChar(q, i-2))
			b.WriteString(q[i:j])
			i = j - 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			j := strings.Index(q[i+2:], "*/")
			end := len(q)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			b.WriteString(q[i:end])
			i = end - 1
		case c == '?' && i+1 < len(q) && q[i+1] == '?':
			b.WriteByte('?')
			i++
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// skipQuoted returns the index just past the literal or identifier that
// starts at q[i] with quote char c; a doubled quote stays inside, and in an
// E” string so does a backslash-escaped one.
func skipQuoted(q string, i int, c byte, backslash bool) int {
	for j := i + 1; j < len(q); j++ {
		switch q[j] {
		case '\\':
			if backslash {
				j++
			}
		case c:
			if j+1 < len(q) && q[j+1] == c {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(q)
}

func identChar(q string, i int) bool {
	if i < 0 {
		return false
	}
	c := q[i]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Bind implements sqlstore.Dialect. pgx encodes strings, time.Time,
// bool, integers and []string natively; decimals go as their exact text,
// timestamps given as text are parsed so they cannot be misread.
func (Dialect) Bind(k crm.Kind, v any) any {
	switch k {
	case crm.KindDecimal:
		if d, ok := v.(decimal.Decimal); ok {
			return d.String()
		}
	case crm.KindTime:
		if s, ok := v.(string); ok {
			return bindTime(s)
		}
		if t, ok := v.(time.Time); ok {
			return t.UTC()
		}
	case crm.KindTextArray:
		if a, ok := v.([]string); ok && a == nil {
			return []string{}
		}
	case crm.KindJSON:
		if r, ok := v.(json.RawMessage); ok {
			if r == nil {
				return "{}"
			}
			return string(r)
		}
	}
	return v
}

// lastTime is the last timestamp text bindTime parsed: every row of a bulk
// request carries the same created_at and updated_at, 20,000 parses of
// one string in a 10,000-deal request.
var lastTime atomic.Pointer[boundTime]

type boundTime struct {
	text string
	t    time.Time
}

// bindTime is Bind of a timestamp given as RFC 3339 text: the instant in
// UTC, or the text itself when it does not parse (the server reports it).
func bindTime(s string) any {
	if m := lastTime.Load(); m != nil && m.text == s {
		return m.t
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	t = t.UTC()
	lastTime.Store(&boundTime{s, t})
	return t
}

// ReadExpr implements sqlstore.Dialect. pgx's database/sql driver already
// returns every kind in a form Decode reads exactly (numeric and text[]
// as PostgreSQL's text output, timestamptz and date as time.Time), so no
// cast is needed.
func (Dialect) ReadExpr(col string, k crm.Kind) string { return col }

// Decode implements sqlstore.Dialect.
func (Dialect) Decode(k crm.Kind, src any) (any, error) {
	if src == nil {
		return nil, nil
	}
	if b, ok := src.([]byte); ok {
		src = string(b)
	}
	switch k {
	case crm.KindDecimal, crm.KindInt:
		return decodeNumber(k, src)
	case crm.KindTime, crm.KindDate:
		return decodeTime(k, src)
	case crm.KindBool:
		switch v := src.(type) {
		case bool:
			return v, nil
		case string:
			return v == "t" || v == "true", nil
		}
	case crm.KindJSON:
		if s, ok := src.(string); ok {
			// jsonb prints "a": 1 with spaces; compact it as SQLite stores it.
			var b bytes.Buffer
			if err := json.Compact(&b, []byte(s)); err != nil {
				return nil, fmt.Errorf("jsonb %q: %w", s, err)
			}
			return json.RawMessage(b.Bytes()), nil
		}
	case crm.KindTextArray:
		if s, ok := src.(string); ok {
			return parseArray(s)
		}
		if a, ok := src.([]string); ok {
			return a, nil
		}
	default:
		if s, ok := src.(string); ok {
			return s, nil
		}
	}
	return nil, cannotRead(k, src)
}

func cannotRead(k crm.Kind, src any) error { return fmt.Errorf("cannot read %T as %s", src, k) }

// decodeNumber reads a numeric (as decimal.Decimal) or an integer.
func decodeNumber(k crm.Kind, src any) (any, error) {
	switch v := src.(type) {
	case int64:
		if k == crm.KindInt {
			return v, nil
		}
		return decimal.NewFromInt(v), nil
	case decimal.Decimal:
		if k == crm.KindDecimal {
			return v, nil
		}
	case string:
		if k == crm.KindInt {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("integer %q: %w", v, err)
			}
			return n, nil
		}
		d, err := decimal.NewFromString(v)
		if err != nil {
			return nil, fmt.Errorf("numeric %q: %w", v, err)
		}
		return d, nil
	}
	return nil, cannotRead(k, src)
}

// decodeTime reads a timestamptz (as UTC time.Time) or a date (as
// YYYY-MM-DD).
func decodeTime(k crm.Kind, src any) (any, error) {
	switch v := src.(type) {
	case time.Time:
		if k == crm.KindDate {
			return v.Format(time.DateOnly), nil
		}
		return v.UTC(), nil
	case string:
		if k == crm.KindDate {
			return v, nil
		}
		t, err := parseTimestamp(v)
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	return nil, cannotRead(k, src)
}

// parseTimestamp reads RFC 3339 or PostgreSQL's text output of timestamptz.
func parseTimestamp(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999-07", "2006-01-02 15:04:05.999999-07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: not RFC 3339", s)
}

// BeginWrite implements sqlstore.Dialect: a READ COMMITTED transaction
// that first takes pg_advisory_xact_lock on a 64-bit hash of the
// workspace id. Every write to a workspace takes the same lock, so the
// bulk endpoint's check-then-insert (look up phones, create the missing
// contacts, look for title+contact, insert the deals) runs one request
// at a time per workspace across every server process, and sees the rows
// the previous holder committed. Other workspaces are not blocked.
//
// Why not SERIALIZABLE and retry: a failed serializable transaction must
// be replayed from the start, and the store would have to re-validate
// and re-link the whole request; under the case this exists for (many
// requests naming the same new phones at once) nearly every attempt
// conflicts, so throughput collapses into retries, and Citus does not
// offer SERIALIZABLE across nodes. The lock costs one round trip, cannot
// deadlock (each transaction takes one lock, first, and holds no row
// locks yet), and is released by COMMIT or ROLLBACK, also when a server
// dies mid-request.
func (Dialect) BeginWrite(ctx context.Context, db *sql.DB, workspaceID string) (*sql.Tx, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, LockKey(workspaceID)); err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("lock workspace: %w", err)
	}
	return tx, nil
}

// LockKey is the advisory lock key of a workspace: FNV-1a of a namespaced
// id, so it does not collide with other applications' small integer keys.
func LockKey(workspaceID string) int64 {
	h := fnv.New64a()
	io.WriteString(h, "connectgain/workspace/"+workspaceID)
	return int64(h.Sum64())
}

// workspaceKey matches the start of a key violation's detail: every key
// starts with workspace_id, a uuid.
var workspaceKey = regexp.MustCompile(`^Key \(workspace_id, ([^)]*)\)=\([0-9A-Fa-f-]{36}, `)

// hideWorkspace removes the workspace from a constraint violation's
// detail, as API.md §2 says workspace_id is never shown: every key and
// foreign key starts with it, so PostgreSQL's 23505/23503 details read
// "Key (workspace_id, id)=(<workspace uuid>, <id>) ..."; shown as
// "Key (id)=(<id>) ...". A "Failing row contains (...)" detail (23502,
// 23514) lists the whole stored row, workspace_id first: dropped.
func hideWorkspace(detail string) string {
	if strings.HasPrefix(detail, "Failing row contains (") {
		return ""
	}
	return workspaceKey.ReplaceAllString(detail, "Key ($1)=(")
}

// Error implements sqlstore.Dialect: a *pgconn.PgError becomes a
// *crm.Error with its SQLSTATE, message, detail and hint (what PostgREST
// shows), classified by code only; a lost or refused connection, or a
// server shutting down, becomes crm.CodeUnavailable.
func (Dialect) Error(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := crm.AsError(err); ok {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == crm.SQLStateAdminShutdown, pe.Code == crm.SQLStateCrashShutdown, pe.Code == crm.SQLStateCannotConnectNow, // shutdown, crash, cannot connect now
			pe.Code == crm.SQLStateTooManyConns: // too many connections
			return &crm.Error{Code: crm.CodeUnavailable, Message: "the database is unavailable, try again", Err: err}
		}
		return &crm.Error{Code: pe.Code, Message: pe.Message, Details: hideWorkspace(pe.Detail), Hint: pe.Hint, Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) {
		return &crm.Error{Code: crm.CodeUnavailable, Message: "the database is unavailable, try again", Err: err}
	}
	return err
}
