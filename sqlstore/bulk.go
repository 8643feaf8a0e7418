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
	Deal         *Row          `json:"deal,omitempty"`
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
	env := &crm.WriteEnv{Workspace: ws, Now: crm.FormatTime(s.Now()), Defaults: req.Defaults()}
	parseItems(req.Deals, s.schema.MustTable("deals"), env, inputs, ok, out.Results)

	var werr error
	run := func(tx *sql.Tx) error {
		werr = s.bulkInTx(ctx, tx, env, req, inputs, ok, out, fail)
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
		hideDryRunIDs(out.Results)
	}
	return out, nil
}

// hideDryRunIDs blanks the ids a dry run made up: the deals' and the new
// contacts'.
func hideDryRunIDs(results []BulkResult) {
	for i := range results {
		r := &results[i]
		if r.Status != StatusCreated {
			continue
		}
		r.DealID = nil
		if r.Deal != nil {
			r.Deal.Set("id", nil)
		}
		if *r.IsNewContact {
			r.ContactID = nil
			if r.Deal != nil {
				r.Deal.Set("contact_id", nil)
			}
		}
	}
}

var errRollback = fmt.Errorf("rollback")

// parallelParseMin is the request size from which items are validated on
// all cores: validation (JSON, phone parsing) is pure and a third of a
// large request's time.
const parallelParseMin = 512

// parseItems validates every item (before any database work), filling
// inputs and ok, and a failed result for each bad item.
func parseItems(raws []json.RawMessage, t *crm.Table, env *crm.WriteEnv, inputs []crm.DealInput, ok []bool, results []BulkResult) {
	parse := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			in, e := crm.ParseDealItem(i, raws[i], t, env)
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

func (s *Store) bulkInTx(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, req *crm.BulkRequest,
	inputs []crm.DealInput, ok []bool, out *BulkOutcome, fail func(int, *crm.Error)) error {
	wsID := env.Workspace.ID
	var err error
	if env.Pipelines, err = s.Pipelines(ctx, tx, wsID); err != nil {
		return err
	}
	for i := range inputs {
		if !ok[i] {
			continue
		}
		if e := inputs[i].Prepare(env); e != nil {
			fail(i, e)
		}
	}
	idx, err := s.prefetchContacts(ctx, tx, wsID, inputs, ok)
	if err != nil {
		return err
	}
	if err := s.checkCompanies(ctx, tx, wsID, inputs, ok, fail); err != nil {
		return err
	}
	contactOf, matched, created, err := s.linkContacts(env, inputs, ok, idx, fail)
	if err != nil {
		return err
	}

	// skip_if_exists: the same title and contact, stored or earlier in
	// this request.
	var existing map[pairKey]*crm.Record
	if req.SkipIfExists {
		if existing, err = s.existingDeals(ctx, tx, wsID, inputs, ok, contactOf, matched); err != nil {
			return err
		}
	}
	newContacts := map[string]bool{}
	for _, c := range created {
		newContacts[c.Str("id")] = true
	}
	var deals []*crm.Record
	usedContacts := map[string]bool{}
	for i := range inputs {
		if !ok[i] {
			continue
		}
		rec := inputs[i].Deal
		cid := contactOf[i]
		isNew := newContacts[cid] && !usedContacts[cid]
		r := BulkResult{Index: i, ContactID: strPtr(cid), MatchedBy: matched[i], IsNewContact: &isNew}
		key := pairKey{cid, rec.Str("title")}
		if d, dup := existing[key]; dup && req.SkipIfExists {
			r.Status, r.Reason, r.DealID, r.Deal = StatusSkipped, "exists", strPtr(d.Str("id")), rowOf(d)
			f := false
			r.IsNewContact = &f
			out.Results[i] = r
			continue
		}
		usedContacts[cid] = true
		rec.Set("contact_id", cid)
		deals = append(deals, rec)
		if req.SkipIfExists {
			existing[key] = rec
		}
		r.Status, r.DealID, r.Deal = StatusCreated, strPtr(rec.Str("id")), rowOf(rec)
		out.Results[i] = r
	}
	if !summarize(out, req.Atomic, len(inputs), len(created)) || (len(deals) == 0 && len(created) == 0) {
		return nil
	}
	if err := s.writeRecords(ctx, tx, env, created); err != nil {
		return err
	}
	if err := s.writeRecords(ctx, tx, env, deals); err != nil {
		return err
	}
	out.Written = true
	return nil
}

// writeRecords inserts prepared records of one table and the writes their
// hooks ask for (a contact's identifiers).
func (s *Store) writeRecords(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, recs []*crm.Record) error {
	if len(recs) == 0 {
		return nil
	}
	t := recs[0].T
	if err := s.insertRecords(ctx, tx, env.Workspace.ID, t, recs); err != nil {
		return err
	}
	var effects []crm.Effect
	for _, r := range recs {
		effects = append(effects, t.After(env, nil, r)...)
	}
	return s.applyEffects(ctx, tx, env, effects)
}

// summarize counts the results and reports whether anything is to be
// written: an atomic request with a failure rolls every item back.
func summarize(out *BulkOutcome, atomic bool, total, contactsCreated int) bool {
	sum := &out.Summary
	sum.Total = total
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
	sum.ContactsCreated = contactsCreated
	if !atomic || sum.Failed == 0 {
		return true
	}
	for i := range out.Results {
		if st := out.Results[i].Status; st == StatusCreated || st == StatusSkipped {
			out.Results[i] = BulkResult{Index: i, Status: StatusRolledBack, Reason: "atomic: another item failed, nothing was written"}
			sum.RolledBack++
		}
	}
	sum.Created, sum.Skipped, sum.ContactsCreated = 0, 0, 0
	return false
}

// linkContacts links every item in input order; contacts created for
// earlier items are visible to later ones. It returns each item's contact
// and how it was found, and the contacts to create (prepared records).
func (s *Store) linkContacts(env *crm.WriteEnv, inputs []crm.DealInput, ok []bool, idx *contactIndex,
	fail func(int, *crm.Error)) ([]string, []crm.MatchedBy, []*crm.Record, error) {
	contacts := s.schema.MustTable("contacts")
	contactOf := make([]string, len(inputs))
	matched := make([]crm.MatchedBy, len(inputs))
	var created []*crm.Record
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
			c, err := newContactRecord(env, contacts, in)
			if err != nil {
				return nil, nil, nil, err
			}
			id = c.Str("id")
			created = append(created, c)
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
	return contactOf, matched, created, nil
}

// newContactRecord is the contact a bulk item creates, prepared as every
// contact insert is.
func newContactRecord(env *crm.WriteEnv, t *crm.Table, in *crm.DealInput) (*crm.Record, error) {
	c := t.NewRecord()
	c.Set("id", newID())
	list := func(v string) []string {
		if v == "" {
			return []string{}
		}
		return []string{v}
	}
	c.Set("phones", list(in.ContactPhone))
	c.Set("emails", list(in.ContactEmail))
	if in.FirstName != nil {
		c.Set("first_name", *in.FirstName)
	}
	if in.LastName != nil {
		c.Set("last_name", *in.LastName)
	}
	if src, set := in.Deal.Get("source"); set {
		c.Set("source", src)
	}
	if e := t.PrepareInsert(env, c); e != nil {
		return nil, e
	}
	return c, nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
	}{{crm.IdentPhone, phones, idx.phones}, {crm.IdentEmail, emails, idx.emails}} {
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
		if cid := companyOf(inputs[i]); ok[i] && cid != "" && !seen[cid] {
			seen[cid] = true
			ids = append(ids, cid)
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
		if cid := companyOf(inputs[i]); ok[i] && cid != "" && !found[cid] {
			fail(i, crm.Errorf(crm.CodeCompanyNotFound, "company_id %s is not a company of this workspace", cid).
				WithHint("create the company with POST /functions/v1/rest-api-proxy/companies, or omit company_id"))
		}
	}
	return nil
}

func companyOf(in crm.DealInput) string {
	if in.Deal == nil {
		return ""
	}
	return in.Deal.Str("company_id")
}

// existingDeals finds stored deals with the same contact and title as an
// item whose contact already existed.
func (s *Store) existingDeals(ctx context.Context, tx *sql.Tx, wsID string, inputs []crm.DealInput, ok []bool,
	contactOf []string, matched []crm.MatchedBy) (map[pairKey]*crm.Record, error) {
	want := map[pairKey]bool{}
	var pairs []pairKey
	for i := range inputs {
		if ok[i] && matched[i] != crm.MatchedByCreated {
			k := pairKey{contactOf[i], inputs[i].Deal.Str("title")}
			if !want[k] {
				want[k] = true
				pairs = append(pairs, k)
			}
		}
	}
	deals := s.schema.MustTable("deals")
	found := map[pairKey]*crm.Record{}
	per := s.pairChunk(len(pairs))
	for start := 0; start < len(pairs); start += per {
		chunk := pairs[start:min(start+per, len(pairs))]
		cond, in := s.pairCond("d.contact_id", crm.KindUUID, "d.title", crm.KindText, chunk)
		rows, err := s.query(ctx, tx, `SELECT `+s.readCols(deals, "d")+` FROM deals d WHERE d.workspace_id = ? AND `+cond+` ORDER BY d.created_at, d.id`, append([]any{wsID}, in...)...)
		if err != nil {
			return nil, fmt.Errorf("look up existing deals: %w", err)
		}
		for rows.Next() {
			d, err := s.scanRecord(deals, rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			k := pairKey{d.Str("contact_id"), d.Str("title")}
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
