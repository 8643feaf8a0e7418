package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// copyChunk is how much COPY text the encoder hands the connection at a
// time: the server parses and inserts one chunk while the next is
// rendered.
const copyChunk = 32 << 10

// copyRows writes rows (already bound) to table with COPY ... FROM STDIN
// in text format, on the connection of tx, in two round trips: one
// simple-protocol query "SET LOCAL plan_cache_mode = auto; DISCARD PLANS;
// COPY ..." that the rows stream into, then the reset of plan_cache_mode
// (see InsertRows for why the foreign-key checks get generic plans for
// this statement only). The rows are rendered as they are sent, so the
// server parses and inserts the first rows while later ones are rendered.
func copyRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	for r, row := range rows {
		if len(row) != len(cols) {
			return fmt.Errorf("insert %s: row %d has %d values for %d columns", table, r, len(row), len(cols))
		}
	}
	c := &copyIn{
		query: "SET LOCAL plan_cache_mode = auto; DISCARD PLANS; COPY " + table + " (" + strings.Join(cols, ", ") + ") FROM STDIN",
		table: table, cols: cols, rows: rows,
	}
	// database/sql holds the connection for tx; pgx gives it to c
	// (pgx.QueryRewriter) and then runs the statement c returns.
	_, err := tx.ExecContext(ctx, "SET LOCAL plan_cache_mode TO DEFAULT", c)
	if c.renderErr != nil {
		return c.renderErr
	}
	if err != nil && c.copyErr != nil {
		return c.copyErr // the server's error as it came, not wrapped by pgx
	}
	return err
}

// copyIn is one COPY of rows, run by pgx as a query rewriter.
type copyIn struct {
	query     string
	table     string
	cols      []string
	rows      [][]any
	renderErr error // a value that cannot be sent as text
	copyErr   error // the COPY's error
}

var _ pgx.QueryRewriter = (*copyIn)(nil)

// RewriteQuery implements pgx.QueryRewriter: it runs the COPY on conn,
// the rows rendered by a goroutine of their own into a pipe, and leaves
// sql to run after it.
func (c *copyIn) RewriteQuery(ctx context.Context, conn *pgx.Conn, sql string, args []any) (string, []any, error) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.renderErr = c.render(pw)
		pw.CloseWithError(c.renderErr) // nil: the reader sees EOF
	}()
	_, err := conn.PgConn().CopyFrom(ctx, pr, c.query)
	pr.Close() // a render still writing stops
	<-done
	if err != nil {
		c.copyErr = err
		return "", nil, err
	}
	return sql, args, nil
}

// render writes the rows as COPY text to w, a chunk at a time.
func (c *copyIn) render(w io.Writer) error {
	var b bytes.Buffer
	b.Grow(copyChunk + copyChunk/4)
	var times timeText
	for _, row := range c.rows {
		for i, v := range row {
			if i > 0 {
				b.WriteByte('\t')
			}
			s, null, err := times.cellText(v)
			if err != nil {
				return fmt.Errorf("insert %s.%s: %w", c.table, c.cols[i], err)
			}
			if null {
				b.WriteString(`\N`)
			} else {
				copyEscape(&b, s)
			}
		}
		b.WriteByte('\n')
		if b.Len() >= copyChunk {
			if _, err := w.Write(b.Bytes()); err != nil {
				return nil // the COPY ended first; its error is reported
			}
			b.Reset()
		}
	}
	if b.Len() > 0 {
		if _, err := w.Write(b.Bytes()); err != nil {
			return nil
		}
	}
	return nil
}

// copyEscape writes s as a field of COPY's text format: backslash,
// newline, carriage return and tab escaped with a backslash.
func copyEscape(b *bytes.Buffer, s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '\\':
			esc = `\\`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		case '\t':
			esc = `\t`
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(esc)
		start = i + 1
	}
	b.WriteString(s[start:])
}

// timeText is cellText that renders a run of equal timestamps once (a
// bulk request's rows share created_at and updated_at).
type timeText struct {
	t    time.Time
	text string
	set  bool
}

func (tt *timeText) cellText(v any) (string, bool, error) {
	t, ok := v.(time.Time)
	if !ok {
		return cellText(v)
	}
	if !tt.set || !t.Equal(tt.t) {
		s, _, _ := cellText(t)
		tt.t, tt.text, tt.set = t, s, true
	}
	return tt.text, false, nil
}
