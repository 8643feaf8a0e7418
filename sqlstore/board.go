package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/shopspring/decimal"
)

// BoardFilter selects the deals of a dashboard board: one pipeline's
// deals, optionally narrowed. Empty fields do not filter.
type BoardFilter struct {
	PipelineID string
	// Stages keeps only deals in these stages; NotStages drops deals in
	// these stages (the "needs attention" lane is NotStages = the
	// pipeline's stages).
	Stages    []string
	NotStages []string
	// Text matches the title or the contact's first, last or full name,
	// case-insensitively, as a substring. Phone (E.164) and Email
	// (lower-case) match a contact's identifiers exactly; a deal matches
	// when any of Text, Phone and Email does.
	Text  string
	Phone string
	Email string
	// Tag, Source and Currency match exactly; CloseFrom and CloseTo
	// (YYYY-MM-DD, inclusive) bound expected_close_date.
	Tag       string
	Source    string
	Currency  string
	CloseFrom string
	CloseTo   string
}

// StageTotal is one (stage, currency) group of a board: how many deals,
// the exact sum of their values and of value x probability / 100.
type StageTotal struct {
	Stage    string
	Currency string
	Count    int64
	Total    decimal.Decimal
	Weighted decimal.Decimal
}

// BoardCard is one deal as a board card shows it.
type BoardCard struct {
	ID                string
	Title             string
	Value             decimal.Decimal
	Currency          string
	Stage             string
	ContactID         string
	ContactName       string
	ExpectedCloseDate string
	Probability       *int64
	Source            string
	Tags              []string
	CreatedAt         time.Time
	// InStageSince is when the deal entered its current stage: its last
	// stage change, else its creation.
	InStageSince time.Time
}

// BoardPipelines returns the workspace's pipelines, the default first,
// then in creation order.
func (s *Store) BoardPipelines(ctx context.Context, workspaceID string) ([]*crm.Pipeline, error) {
	ps, err := s.Pipelines(ctx, nil, workspaceID)
	if err != nil {
		return nil, err
	}
	// Pipelines scans in creation order; rebuild that order from ByID.
	rows, err := s.query(ctx, s.read, `SELECT id FROM pipelines WHERE workspace_id = ? ORDER BY is_default DESC, created_at, id`, s.WorkspaceArg(workspaceID))
	if err != nil {
		return nil, fmt.Errorf("list pipelines: %w", err)
	}
	defer rows.Close()
	var out []*crm.Pipeline
	for rows.Next() {
		var raw any
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		id, err := s.scanID(raw)
		if err != nil {
			return nil, fmt.Errorf("list pipelines: %w", err)
		}
		if p := ps.ByID[id]; p != nil {
			p.SortStages()
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// BoardTotals returns the count and exact sums of the filtered deals per
// stage and currency, computed by the database (GROUP BY), in no
// particular order.
func (s *Store) BoardTotals(ctx context.Context, workspaceID string, f *BoardFilter) ([]StageTotal, error) {
	where, args, err := s.boardWhere(workspaceID, f)
	if err != nil {
		return nil, err
	}
	q := `SELECT d.stage, d.currency, COUNT(*), ` + s.d.ReadExpr("SUM(d.value)", crm.KindDecimal) + `, ` +
		s.d.ReadExpr("SUM(d.value * COALESCE(d.probability, 0))", crm.KindDecimal) +
		` FROM deals d WHERE ` + where + ` GROUP BY d.stage, d.currency`
	rows, err := s.query(ctx, s.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("board totals: %w", err)
	}
	defer rows.Close()
	var out []StageTotal
	hundred := decimal.NewFromInt(100)
	for rows.Next() {
		var t StageTotal
		var sum, weighted any
		if err := rows.Scan(&t.Stage, &t.Currency, &t.Count, &sum, &weighted); err != nil {
			return nil, err
		}
		v, err := s.d.Decode(crm.KindDecimal, sum)
		if err != nil {
			return nil, err
		}
		w, err := s.d.Decode(crm.KindDecimal, weighted)
		if err != nil {
			return nil, err
		}
		t.Total, t.Weighted = decimalOf(v), decimalOf(w).Div(hundred)
		out = append(out, t)
	}
	return out, rows.Err()
}

// BoardCards returns a page of the filtered deals, newest first (deals
// created at the same instant in insertion order, see BoardLayout), with
// their contact's name and when they entered their stage.
func (s *Store) BoardCards(ctx context.Context, workspaceID string, f *BoardFilter, offset, limit int) ([]BoardCard, error) {
	where, args, err := s.boardWhere(workspaceID, f)
	if err != nil {
		return nil, err
	}
	tie := "d.id"
	if bl, ok := s.d.(BoardLayout); ok {
		tie = bl.InsertOrder("d")
		if bl.CurrencyRuns() && len(f.Stages) == 1 && f.Currency == "" && f.PipelineID != "" && !f.rowFiltered() {
			pid := s.d.Bind(crm.KindUUID, f.PipelineID)
			where, args = where+" AND d.currency IN ("+stageCurrencies+")",
				append(args, s.WorkspaceArg(workspaceID), pid, f.Stages[0], s.WorkspaceArg(workspaceID), pid, f.Stages[0])
		}
	}
	// The page is chosen from deals alone, then joined: with the join
	// inside, SQLite gave up its IN + ORDER BY + LIMIT early out and read
	// the whole stage (23 ms instead of 0.9 ms for 10,000 deals).
	q := `SELECT p.id, p.title, ` + s.d.ReadExpr("p.value", crm.KindDecimal) + `, p.currency, p.stage, p.contact_id,
		c.first_name, c.last_name, ` + s.d.ReadExpr("p.expected_close_date", crm.KindDate) + `, p.probability, p.source, ` +
		s.d.ReadExpr("p.tags", crm.KindTextArray) + `, ` + s.d.ReadExpr("p.created_at", crm.KindTime) + `,
		(SELECT ` + s.d.ReadExpr("MAX(sc.changed_at)", crm.KindTime) + ` FROM deal_stage_changes sc
		  WHERE sc.workspace_id = p.workspace_id AND sc.deal_id = p.id)
		FROM (SELECT d.workspace_id, d.id, d.title, d.value, d.currency, d.stage, d.contact_id, d.expected_close_date,
			d.probability, d.source, d.tags, d.created_at, ` + tie + ` AS board_tie
			FROM deals d WHERE ` + where + ` ORDER BY d.created_at DESC, ` + tie + ` DESC LIMIT ? OFFSET ?) p
		LEFT JOIN contacts c ON c.workspace_id = p.workspace_id AND c.id = p.contact_id
		ORDER BY p.created_at DESC, p.board_tie DESC`
	rows, err := s.query(ctx, s.read, q, append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("board cards: %w", err)
	}
	defer rows.Close()
	var out []BoardCard
	for rows.Next() {
		c, err := s.scanCard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// BoardLayout is an optional Dialect capability: how the dialect's
// deals_board index (migrations sqlite 00009, postgres 00007) orders a
// board column. Without it, deals created at the same instant are in id
// order and a page reads the stage's entries in (created_at, id) order.
type BoardLayout interface {
	// InsertOrder is an expression on the deals alias that orders deals
	// created at the same instant (a bulk request stamps all its deals
	// with one created_at) as they were inserted.
	InsertOrder(alias string) string
	// CurrencyRuns says that the index keys currency before created_at
	// (so that totals need no sort): a page then names the stage's
	// currencies, and the engine merges each currency's newest entries.
	CurrencyRuns() bool
}

// stageCurrencies lists the distinct currencies of one (workspace,
// pipeline, stage) with one index seek each (a loose index scan), bound
// as workspace, pipeline, stage, twice.
const stageCurrencies = `WITH RECURSIVE cur (c) AS (
	SELECT MIN(currency) FROM deals WHERE workspace_id = ? AND pipeline_id = ? AND stage = ?
	UNION ALL
	SELECT (SELECT MIN(currency) FROM deals WHERE workspace_id = ? AND pipeline_id = ? AND stage = ? AND currency > cur.c)
	FROM cur WHERE cur.c IS NOT NULL)
	SELECT c FROM cur WHERE c IS NOT NULL`

func (s *Store) scanCard(rows *sql.Rows) (BoardCard, error) {
	var c BoardCard
	var first, last, source sql.NullString
	var prob sql.NullInt64
	var id, contact, value, closeDate, tags, created, entered any
	if err := rows.Scan(&id, &c.Title, &value, &c.Currency, &c.Stage, &contact, &first, &last,
		&closeDate, &prob, &source, &tags, &created, &entered); err != nil {
		return c, err
	}
	c.Source = source.String
	c.ContactName = strings.TrimSpace(first.String + " " + last.String)
	if prob.Valid {
		c.Probability = &prob.Int64
	}
	vals := []struct {
		k   crm.Kind
		src any
		dst func(any)
	}{
		{crm.KindUUID, id, func(v any) { c.ID, _ = v.(string) }},
		{crm.KindUUID, contact, func(v any) { c.ContactID, _ = v.(string) }},
		{crm.KindDecimal, value, func(v any) { c.Value = decimalOf(v) }},
		{crm.KindDate, closeDate, func(v any) { c.ExpectedCloseDate, _ = v.(string) }},
		{crm.KindTextArray, tags, func(v any) { c.Tags, _ = v.([]string) }},
		{crm.KindTime, created, func(v any) { c.CreatedAt = timeOf(v) }},
		{crm.KindTime, entered, func(v any) { c.InStageSince = timeOf(v) }},
	}
	for _, x := range vals {
		v, err := s.d.Decode(x.k, x.src)
		if err != nil {
			return c, err
		}
		x.dst(v)
	}
	if c.InStageSince.IsZero() {
		c.InStageSince = c.CreatedAt
	}
	return c, nil
}

// BoardVersion is a cheap fingerprint of the workspace's data: the number
// of write transactions it has committed (workspace_changes, counted by
// noteChange on the one write path), so it moves whenever a deal is
// created, moved, edited or deleted, or a contact a card names changes,
// through any server on the database. An open board polls it and
// refreshes only when it moves.
func (s *Store) BoardVersion(ctx context.Context, workspaceID string) (string, error) {
	var n int64
	err := s.queryRow(ctx, s.read, `SELECT n FROM workspace_changes WHERE workspace_id = ?`,
		s.WorkspaceArg(workspaceID)).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("board version: %w", s.d.Error(err))
	}
	return "c" + strconv.FormatInt(n, 10), nil
}

// noteChange counts one committed write transaction of the workspace
// (BoardVersion). inWrite calls it last before committing, for every
// write: the bulk endpoint, REST and the dashboard. On PostgreSQL the
// row lock it takes is held only while the workspace's advisory lock is
// (BeginWrite), so it makes no writer wait that did not already.
func (s *Store) noteChange(ctx context.Context, tx *sql.Tx, st *sql.Stmt, workspaceID string) error {
	arg := s.WorkspaceArg(workspaceID)
	var err error
	if st != nil {
		_, err = tx.StmtContext(ctx, st).ExecContext(ctx, arg)
		err = s.d.Error(err)
	} else {
		_, err = s.exec(ctx, tx, noteChangeSQL, arg)
	}
	if err != nil {
		return fmt.Errorf("count the change of workspace %s: %w", workspaceID, err)
	}
	return nil
}

const noteChangeSQL = `INSERT INTO workspace_changes (workspace_id, n) VALUES (?, 1)
	ON CONFLICT (workspace_id) DO UPDATE SET n = workspace_changes.n + 1`

// changeStmt returns noteChange's statement prepared on the write pool
// when the dialect wants statements cached (SQLite: parsing the upsert
// was most of its cost, ~50 µs of a single-row write), nil otherwise.
// inWrite asks for it before it begins: SQLite's write pool has one
// connection, which the transaction then holds.
func (s *Store) changeStmt(ctx context.Context) *sql.Stmt {
	if s.stmts == nil {
		return nil
	}
	return s.stmts.get(ctx, s.write, s.d.Rebind(noteChangeSQL))
}

// boardWhere renders the condition on deals d for a filter. Every value
// is bound; the workspace condition comes first.
func (s *Store) boardWhere(workspaceID string, f *BoardFilter) (string, []any, error) {
	var b Builder
	b.Add("d.workspace_id = ?", s.WorkspaceArg(workspaceID))
	if f.PipelineID != "" && !f.rowFiltered() {
		b.Add(" AND "+s.selective("d.pipeline_id = ?"), s.d.Bind(crm.KindUUID, f.PipelineID))
	} else if f.PipelineID != "" {
		b.Add(" AND d.pipeline_id = ?", s.d.Bind(crm.KindUUID, f.PipelineID))
	}
	if len(f.Stages) > 0 {
		b.Add(" AND d.stage IN ("+inList(len(f.Stages))+")", boardArgs(f.Stages)...)
	}
	if len(f.NotStages) > 0 {
		b.Add(" AND d.stage NOT IN ("+inList(len(f.NotStages))+")", boardArgs(f.NotStages)...)
	}
	for _, eq := range []struct{ col, v string }{{"d.source", f.Source}, {"d.currency", f.Currency}} {
		if eq.v != "" {
			b.Add(" AND "+eq.col+" = ?", eq.v)
		}
	}
	if f.CloseFrom != "" {
		b.Add(" AND d.expected_close_date >= ?", s.d.Bind(crm.KindDate, f.CloseFrom))
	}
	if f.CloseTo != "" {
		b.Add(" AND d.expected_close_date <= ?", s.d.Bind(crm.KindDate, f.CloseTo))
	}
	if f.Tag != "" {
		if err := s.restFilter(&b, " AND ", RestFilter{Op: pgrest.OpCs, Alias: "d", Col: "d.tags",
			Kind: crm.KindTextArray, Elems: []string{f.Tag}}); err != nil {
			return "", nil, err
		}
	}
	if err := s.searchWhere(&b, workspaceID, f); err != nil {
		return "", nil, err
	}
	return b.String(), b.Args, nil
}

// rowFiltered reports whether the filter tests columns deals_board does
// not hold. A page then reads deals until enough match, best in one
// (created_at, rowid) order through deals_stage: split by currency it
// would read each currency's run that far (three times the rows for
// "?q=customer 42"), so neither the pipeline hint nor the currency
// split applies.
func (f *BoardFilter) rowFiltered() bool {
	return f.Text != "" || f.Phone != "" || f.Email != "" || f.Tag != "" || f.Source != "" || f.CloseFrom != "" || f.CloseTo != ""
}

// selective wraps a condition the planner should take as matching few rows
// (SQLite: unlikely(), restsql.SelectivityHinter). SQLite's sampled
// statistics do not tell one pipeline from another, so for a pipeline
// whose stage ids another, larger pipeline shares it read that stage
// through deals_stage, checking every newer deal of the other pipeline;
// told the pipeline is selective, it reads the pipeline's own entries of
// deals_board (for unfiltered views, see rowFiltered).
func (s *Store) selective(cond string) string {
	if h, ok := s.d.(interface{ Selective(expr string) string }); ok {
		return h.Selective(cond)
	}
	return cond
}

// searchWhere adds the text, phone and email search: any of them matches.
func (s *Store) searchWhere(b *Builder, workspaceID string, f *BoardFilter) error {
	if f.Text == "" && f.Phone == "" && f.Email == "" {
		return nil
	}
	b.Add(" AND (1 = 0")
	if f.Text != "" {
		pat := "%" + likeEscaper.Replace(f.Text) + "%"
		if err := s.restFilter(b, " OR ", RestFilter{Op: pgrest.OpILike, Search: s.columnSearch("deals", "title"), Alias: "d", Col: "d.title", Kind: crm.KindText, Pattern: pat}); err != nil {
			return err
		}
		b.Add(" OR d.contact_id IN (SELECT c.id FROM contacts c WHERE c.workspace_id = ? AND (1 = 0", s.WorkspaceArg(workspaceID))
		for _, col := range []string{"c.first_name", "c.last_name", "COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')"} {
			if err := s.restFilter(b, " OR ", RestFilter{Op: pgrest.OpILike, Search: s.columnSearch("contacts", strings.TrimPrefix(col, "c.")), Alias: "c", Col: col, Kind: crm.KindText, Pattern: pat}); err != nil {
				return err
			}
		}
		b.Add("))")
	}
	for _, id := range []struct{ kind, v string }{{"phone", f.Phone}, {"email", f.Email}} {
		if id.v != "" {
			b.Add(" OR d.contact_id IN (SELECT ci.contact_id FROM contact_identifiers ci WHERE ci.workspace_id = ? AND ci.kind = ? AND ci.value = ?)",
				s.WorkspaceArg(workspaceID), id.kind, id.v)
		}
	}
	b.Add(")")
	return nil
}

// likeEscaper makes a search text literal inside a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// restFilter renders one engine-specific filter leaf through the dialect.
func (s *Store) restFilter(b *Builder, join string, f RestFilter) error {
	d, ok := s.d.(FilterRenderer)
	if !ok {
		return fmt.Errorf("the %s backend cannot filter the board", s.d.Name())
	}
	sqlText, args, err := d.RestFilter(f)
	if err != nil {
		return err
	}
	b.Add(join+sqlText, args...)
	return nil
}

// boardArgs binds a list of strings.
func boardArgs(list []string) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = v
	}
	return out
}
