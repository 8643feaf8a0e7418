package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/connectgain/server/crm"
)

// Bulk item statuses.
const (
	StatusCreated    = "created"
	StatusSkipped    = "skipped"
	StatusFailed     = "failed"
	StatusRolledBack = "rolled_back"
)

// BulkResult is the outcome of one bulk item, in the response's shape.
type BulkResult struct {
	Index        int           `json:"index"`
	Status       string        `json:"status"`
	DealID       *string       `json:"deal_id,omitempty"`
	ContactID    *string       `json:"contact_id,omitempty"`
	IsNewContact *bool         `json:"is_new_contact,omitempty"`
	MatchedBy    crm.MatchedBy `json:"matched_by,omitempty"`
	Reason       string        `json:"reason,omitempty"`
	Deal         *crm.Deal     `json:"deal,omitempty"`
	Error        *crm.Error    `json:"-"`
}

// BulkSummary counts the results.
type BulkSummary struct {
	Total           int `json:"total"`
	Created         int `json:"created"`
	Skipped         int `json:"skipped"`
	Failed          int `json:"failed"`
	ContactsCreated int `json:"contacts_created"`
	RolledBack      int `json:"rolled_back,omitempty"`
}

// BulkOutcome is what CreateDealsBulk did (or, for a dry run, would do).
type BulkOutcome struct {
	Summary BulkSummary
	Results []BulkResult
	// Written is false when nothing was committed (dry run, atomic
	// failure, or every item failed).
	Written bool
}

// identifier kinds in contact_identifiers.
const (
	identPhone = "phone"
	identEmail = "email"
)

// lookupChunk bounds IN lists so any dialect's parameter limit is safe.
const lookupChunk = 500

// contactIndex is the crm.ContactLookup of one bulk request.
type contactIndex struct {
	ids    map[string]bool
	phones map[string]string
	emails map[string]string
}

func (c *contactIndex) ContactExists(id string) bool { return c.ids[id] }
func (c *contactIndex) ContactByPhone(p string) (string, bool) {
	id, ok := c.phones[p]
	return id, ok
}
func (c *contactIndex) ContactByEmail(e string) (string, bool) {
	id, ok := c.emails[e]
	return id, ok
}

// newContact is a contact the request creates.
type newContact struct {
	id, phone, email  string
	first, last, from *string
}

type pairKey struct{ contact, title string }

// CreateDealsBulk validates every item, links contacts, and writes the
// request in one transaction (none for a dry run). Item problems are
// results, not errors; the error is for the request as a whole (database
// trouble, a cancelled context).
func (s *Store) CreateDealsBulk(ctx context.Context, p *crm.Principal, req *crm.BulkRequest) (*BulkOutcome, error) {
	ws := &p.Workspace
	out := &BulkOutcome{Results: make([]BulkResult, len(req.Deals))}
	inputs := make([]crm.DealInput, len(req.Deals))
	ok := make([]bool, len(req.Deals))
	fail := func(i int, e *crm.Error) {
		out.Results[i] = BulkResult{Index: i, Status: StatusFailed, Error: e}
		ok[i] = false
	}
	parseItems(req.Deals, ws.PhoneRegion, inputs, ok, out.Results)

	var werr error
	run := func(tx *sql.Tx) error {
		werr = s.bulkInTx(ctx, tx, ws, req, inputs, ok, out, fail)
		if werr != nil {
			return werr
		}
		if req.DryRun || !out.Written {
			return errRollback
		}
		return nil
	}
	err := s.inWrite(ctx, ws.ID, run)
	if err != nil && err != errRollback {
		return nil, err
	}
	if out.Written && !req.DryRun {
		s.noteWrites(ctx, out.Summary.Created+out.Summary.ContactsCreated)
	}
	if req.DryRun {
		out.Written = false
		for i := range out.Results {
			r := &out.Results[i]
			if r.Status == StatusCreated {
				r.DealID = nil
				if r.Deal != nil {
					r.Deal.ID = nil
				}
				if *r.IsNewContact {
					r.ContactID = nil
					if r.Deal != nil {
						r.Deal.ContactID = nil
					}
				}
			}
		}
	}
	return out, nil
}

var errRollback = fmt.Errorf("rollback")

// parallelParseMin is the request size from which items are validated on
// all cores: validation (JSON, phone parsing) is pure and a third of a
// large request's time.
const parallelParseMin = 512

// parseItems validates every item (before any database work), filling
// inputs and ok, and a failed result for each bad item.
func parseItems(raws []json.RawMessage, region string, inputs []crm.DealInput, ok []bool, results []BulkResult) {
	parse := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			in, e := crm.ParseDealItem(i, raws[i], region)
			if e != nil {
				results[i] = BulkResult{Index: i, Status: StatusFailed, Error: e}
				continue
			}
			inputs[i], ok[i] = in, true
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if len(raws) < parallelParseMin || workers == 1 {
		parse(0, len(raws))
		return
	}
	var wg sync.WaitGroup
	per := (len(raws) + workers - 1) / workers
	for lo := 0; lo < len(raws); lo += per {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			parse(lo, hi)
		}(lo, min(lo+per, len(raws)))
	}
	wg.Wait()
}

func (s *Store) bulkInTx(ctx context.Context, tx *sql.Tx, ws *crm.Workspace, req *crm.BulkRequest,
	inputs []crm.DealInput, ok []bool, out *BulkOutcome, fail func(int, *crm.Error)) error {
	pipes, err := s.Pipelines(ctx, tx, ws.ID)
	if err != nil {
		return err
	}
	for i := range inputs {
		if !ok[i] {
			continue
		}
		if e := inputs[i].Resolve(req, ws, pipes); e != nil {
			fail(i, e)
		}
	}
	idx, err := s.prefetchContacts(ctx, tx, ws.ID, inputs, ok)
	if err != nil {
		return err
	}
	if err := s.checkCompanies(ctx, tx, ws.ID, inputs, ok, fail); err != nil {
		return err
	}

	// Link every item in input order; contacts created for earlier items
	// are visible to later ones.
	contactOf := make([]string, len(inputs))
	matched := make([]crm.MatchedBy, len(inputs))
	var created []newContact
	for i := range inputs {
		if !ok[i] {
			continue
		}
		in := &inputs[i]
		id, by, e := crm.Link(in, idx)
		if e != nil {
			fail(i, e)
			continue
		}
		if by == crm.MatchedByCreated {
			id = newID()
			created = append(created, newContact{id: id, phone: in.ContactPhone, email: in.ContactEmail, first: in.FirstName, last: in.LastName, from: in.Source})
			idx.ids[id] = true
			if in.ContactPhone != "" {
				idx.phones[in.ContactPhone] = id
			}
			if in.ContactEmail != "" {
				idx.emails[in.ContactEmail] = id
			}
		}
		contactOf[i], matched[i] = id, by
	}

	// skip_if_exists: the same title and contact, stored or earlier in
	// this request.
	var existing map[pairKey]*crm.Deal
	if req.SkipIfExists {
		if existing, err = s.existingDeals(ctx, tx, ws.ID, inputs, ok, contactOf, matched); err != nil {
			return err
		}
	}
	newContacts := map[string]bool{}
	for _, c := range created {
		newContacts[c.id] = true
	}
	now := s.Now().UTC()
	stamp := crm.FormatTime(now)
	var deals []*crm.Deal
	usedContacts := map[string]bool{}
	for i := range inputs {
		if !ok[i] {
			continue
		}
		in := &inputs[i]
		cid := contactOf[i]
		isNew := newContacts[cid] && !usedContacts[cid]
		r := BulkResult{Index: i, ContactID: strPtr(cid), MatchedBy: matched[i], IsNewContact: &isNew}
		key := pairKey{cid, in.Title}
		if d, dup := existing[key]; dup && req.SkipIfExists {
			r.Status, r.Reason, r.DealID, r.Deal = StatusSkipped, "exists", d.ID, d
			f := false
			r.IsNewContact = &f
			out.Results[i] = r
			continue
		}
		usedContacts[cid] = true
		d := dealFromInput(in, newID(), cid, stamp)
		deals = append(deals, d)
		if req.SkipIfExists {
			existing[key] = d
		}
		r.Status, r.DealID, r.Deal = StatusCreated, d.ID, d
		out.Results[i] = r
	}

	// Count, and decide whether anything is written.
	sum := &out.Summary
	sum.Total = len(inputs)
	for _, r := range out.Results {
		switch r.Status {
		case StatusCreated:
			sum.Created++
		case StatusSkipped:
			sum.Skipped++
		case StatusFailed:
			sum.Failed++
		}
	}
	// Only contacts that a created deal links to are created (a contact
	// made for an item that was then skipped cannot exist: skipping needs
	// a stored deal, which a new contact does not have).
	sum.ContactsCreated = len(created)
	if req.Atomic && sum.Failed > 0 {
		for i := range out.Results {
			if st := out.Results[i].Status; st == StatusCreated || st == StatusSkipped {
				out.Results[i] = BulkResult{Index: i, Status: StatusRolledBack, Reason: "atomic: another item failed, nothing was written"}
				sum.RolledBack++
			}
		}
		sum.Created, sum.Skipped, sum.ContactsCreated = 0, 0, 0
		return nil
	}
	if len(deals) == 0 && len(created) == 0 {
		return nil
	}
	if err := s.insertContacts(ctx, tx, ws.ID, created, stamp); err != nil {
		return err
	}
	if err := s.insertDeals(ctx, tx, ws.ID, deals); err != nil {
		return err
	}
	out.Written = true
	return nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func dealFromInput(in *crm.DealInput, id, contactID, stamp string) *crm.Deal {
	tags := in.Tags
	if tags == nil {
		tags = []string{}
	}
	return &crm.Deal{
		ID: &id, Title: in.Title, Value: crm.Amount{Decimal: in.Value}, Currency: in.Currency, Stage: in.Stage,
		PipelineID: in.PipelineID, ContactID: strPtr(contactID), CompanyID: strPtr(in.CompanyID),
		ExpectedCloseDate: in.CloseDate, Probability: in.Probability, Source: in.Source, Tags: tags,
		CustomFields: in.CustomFields, CreatedAt: stamp, UpdatedAt: stamp,
	}
}

// prefetchContacts loads, in a few IN (or ArrayLookup) queries, every contact the items name
// by id, phone or email.
func (s *Store) prefetchContacts(ctx context.Context, tx *sql.Tx, wsID string, inputs []crm.DealInput, ok []bool) (*contactIndex, error) {
	idx := &contactIndex{ids: map[string]bool{}, phones: map[string]string{}, emails: map[string]string{}}
	var ids, phones, emails []string
	seen := map[string]bool{}
	for i := range inputs {
		if !ok[i] {
			continue
		}
		in := &inputs[i]
		add := func(list *[]string, v, kind string) {
			if v != "" && !seen[kind+v] {
				seen[kind+v] = true
				*list = append(*list, v)
			}
		}
		add(&ids, in.ContactID, "i")
		add(&phones, in.ContactPhone, "p")
		add(&emails, in.ContactEmail, "e")
	}
	for _, chunk := range s.lookupChunks(ids) {
		cond, in := s.inCond("id", crm.KindUUID, chunk)
		rows, err := s.query(ctx, tx, `SELECT id FROM contacts WHERE workspace_id = ? AND `+cond, append([]any{wsID}, in...)...)
		if err != nil {
			return nil, fmt.Errorf("look up contact ids: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			idx.ids[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, kv := range []struct {
		kind string
		vals []string
		dst  map[string]string
	}{{identPhone, phones, idx.phones}, {identEmail, emails, idx.emails}} {
		for _, chunk := range s.lookupChunks(kv.vals) {
			cond, in := s.inCond("value", crm.KindText, chunk)
			rows, err := s.query(ctx, tx, `SELECT value, contact_id FROM contact_identifiers WHERE workspace_id = ? AND kind = ? AND `+cond, append([]any{wsID, kv.kind}, in...)...)
			if err != nil {
				return nil, fmt.Errorf("look up contact %ss: %w", kv.kind, err)
			}
			for rows.Next() {
				var v, id string
				if err := rows.Scan(&v, &id); err != nil {
					rows.Close()
					return nil, err
				}
				// Several contacts may share a phone (see the schema): the
				// oldest wins, and v7 ids sort by creation time.
				if cur, ok := kv.dst[v]; !ok || id < cur {
					kv.dst[v] = id
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return idx, nil
}

// checkCompanies fails items whose company_id is not a company of the
// workspace.
func (s *Store) checkCompanies(ctx context.Context, tx *sql.Tx, wsID string, inputs []crm.DealInput, ok []bool, fail func(int, *crm.Error)) error {
	var ids []string
	seen := map[string]bool{}
	for i := range inputs {
		if ok[i] && inputs[i].CompanyID != "" && !seen[inputs[i].CompanyID] {
			seen[inputs[i].CompanyID] = true
			ids = append(ids, inputs[i].CompanyID)
		}
	}
	found := map[string]bool{}
	for _, chunk := range s.lookupChunks(ids) {
		cond, in := s.inCond("id", crm.KindUUID, chunk)
		rows, err := s.query(ctx, tx, `SELECT id FROM companies WHERE workspace_id = ? AND `+cond, append([]any{wsID}, in...)...)
		if err != nil {
			return fmt.Errorf("look up companies: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			found[id] = true
		}
		rows.Close()
	}
	for i := range inputs {
		if ok[i] && inputs[i].CompanyID != "" && !found[inputs[i].CompanyID] {
			fail(i, crm.Errorf(crm.CodeCompanyNotFound, "company_id %s is not a company of this workspace", inputs[i].CompanyID).
				WithHint("create the company with POST /functions/v1/rest-api-proxy/companies, or omit company_id"))
		}
	}
	return nil
}

// existingDeals finds stored deals with the same contact and title as an
// item whose contact already existed.
func (s *Store) existingDeals(ctx context.Context, tx *sql.Tx, wsID string, inputs []crm.DealInput, ok []bool,
	contactOf []string, matched []crm.MatchedBy) (map[pairKey]*crm.Deal, error) {
	want := map[pairKey]bool{}
	var pairs []pairKey
	for i := range inputs {
		if ok[i] && matched[i] != crm.MatchedByCreated {
			k := pairKey{contactOf[i], inputs[i].Title}
			if !want[k] {
				want[k] = true
				pairs = append(pairs, k)
			}
		}
	}
	found := map[pairKey]*crm.Deal{}
	per := s.pairChunk(len(pairs))
	for start := 0; start < len(pairs); start += per {
		chunk := pairs[start:min(start+per, len(pairs))]
		cond, in := s.pairCond("d.contact_id", crm.KindUUID, "d.title", crm.KindText, chunk)
		rows, err := s.query(ctx, tx, `SELECT `+s.dealReadCols("d")+` FROM deals d WHERE d.workspace_id = ? AND `+cond+` ORDER BY d.created_at, d.id`, append([]any{wsID}, in...)...)
		if err != nil {
			return nil, fmt.Errorf("look up existing deals: %w", err)
		}
		for rows.Next() {
			d, err := s.scanDeal(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			k := pairKey{*d.ContactID, d.Title}
			if want[k] && found[k] == nil {
				found[k] = d
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// dealColumns are the columns of crm.Deal, in order.
var dealColumns = crm.Tables["deals"].Columns

func (s *Store) dealReadCols(alias string) string {
	parts := make([]string, len(dealColumns))
	for i, c := range dealColumns {
		parts[i] = s.d.ReadExpr(alias+"."+c.Name, c.Kind)
	}
	return strings.Join(parts, ", ")
}

func (s *Store) scanDeal(rows *sql.Rows) (*crm.Deal, error) {
	raw := make([]any, len(dealColumns))
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	v := make([]any, len(raw))
	for i, c := range dealColumns {
		x, err := s.d.Decode(c.Kind, raw[i])
		if err != nil {
			return nil, fmt.Errorf("read deals.%s: %w", c.Name, err)
		}
		v[i] = x
	}
	str := func(i int) string { x, _ := v[i].(string); return x }
	opt := func(i int) *string {
		if x, ok := v[i].(string); ok {
			return &x
		}
		return nil
	}
	d := &crm.Deal{ID: opt(0), Title: str(1), Value: crm.Amount{Decimal: decimalOf(v[2])}, Currency: str(3), Stage: str(4),
		PipelineID: str(5), ContactID: opt(6), CompanyID: opt(7), ExpectedCloseDate: opt(8), Source: opt(10)}
	if n, ok := v[9].(int64); ok {
		p := int(n)
		d.Probability = &p
	}
	d.Tags, _ = v[11].([]string)
	if d.Tags == nil {
		d.Tags = []string{}
	}
	d.CustomFields, _ = v[12].(json.RawMessage)
	d.CreatedAt = crm.FormatTime(timeOf(v[13]))
	d.UpdatedAt = crm.FormatTime(timeOf(v[14]))
	return d, nil
}

var (
	contactInsertCols  = []string{"workspace_id", "id", "first_name", "last_name", "phones", "emails", "source", "tags", "custom_fields", "created_at", "updated_at"}
	contactInsertKinds = []crm.Kind{crm.KindUUID, crm.KindUUID, crm.KindText, crm.KindText, crm.KindTextArray, crm.KindTextArray, crm.KindText, crm.KindTextArray, crm.KindJSON, crm.KindTime, crm.KindTime}
	identInsertCols    = []string{"workspace_id", "kind", "value", "contact_id"}
	identInsertKinds   = []crm.Kind{crm.KindUUID, crm.KindText, crm.KindText, crm.KindUUID}
	dealInsertCols     = []string{"workspace_id", "id", "title", "value", "currency", "stage", "pipeline_id", "contact_id", "company_id", "expected_close_date", "probability", "source", "tags", "custom_fields", "created_at", "updated_at"}
	dealInsertKinds    = []crm.Kind{crm.KindUUID, crm.KindUUID, crm.KindText, crm.KindDecimal, crm.KindText, crm.KindText, crm.KindUUID, crm.KindUUID, crm.KindUUID, crm.KindDate, crm.KindInt, crm.KindText, crm.KindTextArray, crm.KindJSON, crm.KindTime, crm.KindTime}
)

func (s *Store) insertContacts(ctx context.Context, tx *sql.Tx, wsID string, cs []newContact, stamp string) error {
	if len(cs) == 0 {
		return nil
	}
	now := s.d.Bind(crm.KindTime, stamp)
	empty := s.d.Bind(crm.KindTextArray, []string{})
	emptyObj := s.d.Bind(crm.KindJSON, json.RawMessage("{}"))
	rows := make([][]any, 0, len(cs))
	var idents [][]any
	for _, c := range cs {
		phones, emails := empty, empty
		if c.phone != "" {
			phones = s.d.Bind(crm.KindTextArray, []string{c.phone})
			idents = append(idents, []any{wsID, identPhone, c.phone, c.id})
		}
		if c.email != "" {
			emails = s.d.Bind(crm.KindTextArray, []string{c.email})
			idents = append(idents, []any{wsID, identEmail, c.email, c.id})
		}
		rows = append(rows, []any{wsID, c.id, nullable(c.first), nullable(c.last), phones, emails, nullable(c.from), empty, emptyObj, now, now})
	}
	if err := s.insertRows(ctx, tx, "contacts", contactInsertCols, contactInsertKinds, rows); err != nil {
		return fmt.Errorf("insert contacts: %w", err)
	}
	if err := s.insertRows(ctx, tx, "contact_identifiers", identInsertCols, identInsertKinds, idents); err != nil {
		return fmt.Errorf("insert contact identifiers: %w", err)
	}
	return nil
}

func (s *Store) insertDeals(ctx context.Context, tx *sql.Tx, wsID string, deals []*crm.Deal) error {
	rows := make([][]any, 0, len(deals))
	for _, d := range deals {
		var prob any
		if d.Probability != nil {
			prob = *d.Probability
		}
		now := s.d.Bind(crm.KindTime, d.CreatedAt)
		rows = append(rows, []any{wsID, *d.ID, d.Title, s.d.Bind(crm.KindDecimal, d.Value.Decimal), d.Currency, d.Stage, d.PipelineID,
			nullable(d.ContactID), nullable(d.CompanyID), nullableDate(s.d, d.ExpectedCloseDate), prob, nullable(d.Source),
			s.d.Bind(crm.KindTextArray, d.Tags), s.d.Bind(crm.KindJSON, d.CustomFields), now, now})
	}
	if err := s.insertRows(ctx, tx, "deals", dealInsertCols, dealInsertKinds, rows); err != nil {
		return fmt.Errorf("insert deals: %w", err)
	}
	return nil
}

// RowInserter is an optional Dialect capability: write many rows of one
// table in a single round trip (PostgreSQL: one INSERT ... SELECT FROM
// unnest of one array per column). Values are already passed through Bind.
// Without it, insertRows sends multi-row VALUES statements.
type RowInserter interface {
	InsertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, kinds []crm.Kind, rows [][]any) error
}

// insertRows writes rows (each already bound) to table.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, kinds []crm.Kind, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if ri, ok := s.d.(RowInserter); ok {
		return s.d.Error(ri.InsertRows(ctx, tx, table, cols, kinds, rows))
	}
	per := min(insertChunk, s.d.MaxParams()/len(cols))
	head := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `
	// Full chunks share one prepared statement: parsing an 8,000-parameter
	// INSERT once per chunk cost more than executing it.
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, per*len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		if len(chunk) < per {
			if _, err := s.exec(ctx, tx, head+placeholders(len(chunk), len(cols)), args...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			var err error
			if full, err = tx.PrepareContext(ctx, s.d.Rebind(head+placeholders(per, len(cols)))); err != nil {
				return s.d.Error(err)
			}
		}
		if _, err := full.ExecContext(ctx, args...); err != nil {
			return s.d.Error(err)
		}
	}
	return nil
}

// insertChunk is the rows per multi-row INSERT.
const insertChunk = 250

func nullable(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func nullableDate(d Dialect, s *string) any {
	if s == nil {
		return nil
	}
	return d.Bind(crm.KindDate, *s)
}

func chunks(list []string, n int) [][]string {
	var out [][]string
	for start := 0; start < len(list); start += n {
		out = append(out, list[start:min(start+n, len(list))])
	}
	return out
}

func anySlice(list []string) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = v
	}
	return out
}
