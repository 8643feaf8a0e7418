package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectgain/server/crm"
)

// The bulk endpoint's outcome is described in crm (crm/outcome.go), so
// that the HTTP layer renders it without depending on the store.
type (
	BulkResult  = crm.BulkResult
	BulkSummary = crm.BulkSummary
	BulkOutcome = crm.BulkOutcome
)

// Bulk item statuses.
const (
	StatusCreated    = crm.ItemCreated
	StatusSkipped    = crm.ItemSkipped
	StatusFailed     = crm.ItemFailed
	StatusRolledBack = crm.ItemRolledBack
)

// lookupChunk bounds IN lists so any dialect's parameter limit is safe.
const lookupChunk = 500

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
// contacts' (also where a conflict names one).
func hideDryRunIDs(results []BulkResult) {
	madeUp := map[string]bool{}
	for _, r := range results {
		if r.MatchedBy == crm.MatchedByCreated && r.ContactID != nil {
			madeUp[*r.ContactID] = true
		}
	}
	for i := range results {
		for j, c := range results[i].ContactConflicts {
			if madeUp[c.ContactID] { // a contact this dry run would create
				results[i].ContactConflicts[j].ContactID = ""
			}
		}
	}
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
	// Workers take the next parseChunk items until none are left: items
	// differ in cost (a new phone costs ~10 us to parse, a known one is
	// cached), and a request often lists returning customers first, so
	// one fixed share per core left a core idle while the other parsed
	// every new phone.
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				hi := int(next.Add(parseChunk))
				lo := hi - parseChunk
				if lo >= len(raws) {
					return
				}
				parse(lo, min(hi, len(raws)))
			}
		})
	}
	wg.Wait()
}

// parseChunk is how many items a validating worker takes at a time.
const parseChunk = 64

func (s *Store) bulkInTx(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, req *crm.BulkRequest,
	inputs []crm.DealInput, ok []bool, out *BulkOutcome, fail func(int, *crm.Error)) error {
	wsID := env.Workspace.ID
	var err error
	if env.Pipelines, err = s.Pipelines(ctx, tx, wsID); err != nil {
		return err
	}
	// The items are prepared (stage, defaults, ids: in input order, on
	// one goroutine) while the server looks up the contacts they name.
	// The look-up's keys are taken first, from the items that passed
	// validation; one that Prepare then fails only adds its keys to the
	// index, which is read by the keys of the items that remain.
	keys := contactKeys(inputs, ok)
	var idx *contactIndex
	err = alongside(func() { prepareItems(env, inputs, ok, fail) }, func() (err error) {
		idx, err = s.prefetchContacts(ctx, tx, wsID, keys)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.checkCompanies(ctx, tx, wsID, inputs, ok, fail); err != nil {
		return err
	}
	lk, err := s.linkContacts(ctx, tx, env, inputs, ok, idx, fail)
	if err != nil {
		return err
	}
	created := lk.created

	// skip_if_exists: the same title and contact, stored or earlier in
	// this request. The new contacts' rows are bound meanwhile.
	var existing map[pairKey]*crm.Record
	var contactRows [][]any
	err = alongside(func() { contactRows = s.bindRecords(wsID, created) }, func() (err error) {
		if req.SkipIfExists {
			existing, err = s.existingDeals(ctx, tx, wsID, inputs, ok, lk.contactOf, lk.matched)
		}
		return err
	})
	if err != nil {
		return err
	}
	out.Summary.ContactsUpdated = len(lk.updated)
	if len(created) == 0 || req.Atomic && anyFailed(out.Results) {
		// Whether anything is written depends on the deals' results.
		deals := dealResults(req, inputs, ok, lk, existing, out.Results)
		if !summarize(out, req.Atomic, len(inputs), len(created)) || (len(deals) == 0 && len(lk.updated) == 0) {
			return nil
		}
		if err := s.writeContactUpdates(ctx, tx, env, lk); err != nil {
			return err
		}
		if err := s.writeRecords(ctx, tx, env, deals, s.bindRecords(wsID, deals)); err != nil {
			return err
		}
		out.Written = true
		return nil
	}
	// New contacts are written whatever the deals' results are (no item
	// failed, or the request is not atomic): the server inserts them while
	// the results are made and the deals' rows bound.
	var deals []*crm.Record
	var dealRows [][]any
	err = alongside(func() {
		deals = dealResults(req, inputs, ok, lk, existing, out.Results)
		dealRows = s.bindRecords(wsID, deals)
	}, func() error {
		if err := s.writeRecords(ctx, tx, env, created, contactRows); err != nil {
			return err
		}
		return s.writeContactUpdates(ctx, tx, env, lk)
	})
	if err != nil {
		return err
	}
	summarize(out, req.Atomic, len(inputs), len(created))
	if err := s.writeRecords(ctx, tx, env, deals, dealRows); err != nil {
		return err
	}
	out.Written = true
	return nil
}

// alongside runs work on a goroutine of its own while db (statements on
// the request's transaction) runs on the calling one, and returns db's
// error once both are done. work must not touch what db reads or writes.
func alongside(work func(), db func() error) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		work()
	}()
	err := db()
	<-done
	return err
}

// prepareItems runs Prepare (stage resolution, defaults, the deal's id)
// on every valid item, in input order: the deals' v7 ids are the order a
// listing shows one request's deals in.
func prepareItems(env *crm.WriteEnv, inputs []crm.DealInput, ok []bool, fail func(int, *crm.Error)) {
	for i := range inputs {
		if !ok[i] {
			continue
		}
		if e := inputs[i].Prepare(env); e != nil {
			fail(i, e)
		}
	}
}

func anyFailed(results []BulkResult) bool {
	for _, r := range results {
		if r.Status == StatusFailed {
			return true
		}
	}
	return false
}

// writeRecords inserts prepared records of one table, bound by
// bindRecords as rows, and the writes their hooks ask for (a contact's
// identifiers).
func (s *Store) writeRecords(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, recs []*crm.Record, rows [][]any) error {
	if len(recs) == 0 {
		return nil
	}
	t := recs[0].T
	if err := s.insertBound(ctx, tx, t, rows); err != nil {
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
	sum.Created, sum.Skipped, sum.ContactsCreated, sum.ContactsUpdated = 0, 0, 0, 0
	return false
}

// dealResults gives each linked item its result: skipped when
// skip_if_exists finds the same title and contact (stored, or earlier in
// the request), else created. It returns the deals to insert.
func dealResults(req *crm.BulkRequest, inputs []crm.DealInput, ok []bool, lk *contactLinks,
	existing map[pairKey]*crm.Record, results []BulkResult) []*crm.Record {
	newContacts := map[string]bool{}
	for _, c := range lk.created {
		newContacts[c.Str("id")] = true
	}
	var deals []*crm.Record
	usedContacts := map[string]bool{}
	for i := range inputs {
		if !ok[i] {
			continue
		}
		rec := inputs[i].Deal
		cid := lk.contactOf[i]
		isNew := newContacts[cid] && !usedContacts[cid]
		r := BulkResult{Index: i, ContactID: strPtr(cid), MatchedBy: lk.matched[i], IsNewContact: &isNew,
			ContactUpdated: lk.added[i], ContactConflicts: lk.conflicts[i]}
		key := pairKey{cid, rec.Str("title")}
		if d, dup := existing[key]; dup && req.SkipIfExists {
			r.Status, r.Reason, r.DealID, r.Deal = StatusSkipped, "exists", strPtr(d.Str("id")), rowOf(d)
			f := false
			r.IsNewContact = &f
			results[i] = r
			continue
		}
		usedContacts[cid] = true
		rec.Set("contact_id", cid)
		storedForm(rec)
		deals = append(deals, rec)
		if req.SkipIfExists {
			existing[key] = rec
		}
		r.Status, r.DealID, r.Deal = StatusCreated, strPtr(rec.Str("id")), rowOf(rec)
		results[i] = r
	}
	return deals
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
		rows, err := s.query(ctx, tx, `SELECT id FROM companies WHERE workspace_id = ? AND `+cond, append([]any{s.WorkspaceArg(wsID)}, in...)...)
		if err != nil {
			return fmt.Errorf("look up companies: %w", err)
		}
		for rows.Next() {
			var raw any
			if err := rows.Scan(&raw); err != nil {
				rows.Close()
				return err
			}
			id, err := s.scanID(raw)
			if err != nil {
				rows.Close()
				return fmt.Errorf("look up companies: %w", err)
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
	found := map[pairKey]*crm.Record{}
	look := func() error { return s.lookupPairs(ctx, tx, wsID, pairs, want, found) }
	var err error
	if ps, ok := s.d.(PairLookupScope); ok && len(pairs) > 0 {
		err = ps.ScopePairLookup(ctx, tx, look)
	} else {
		err = look()
	}
	return found, err
}

// lookupPairs adds to found, for each of pairs, the first stored deal
// (by created_at, id) with that contact and title.
func (s *Store) lookupPairs(ctx context.Context, tx *sql.Tx, wsID string, pairs []pairKey, want map[pairKey]bool, found map[pairKey]*crm.Record) error {
	deals := s.schema.MustTable("deals")
	per := s.pairChunk(len(pairs))
	for start := 0; start < len(pairs); start += per {
		chunk := pairs[start:min(start+per, len(pairs))]
		q, args := s.pairLookup(deals, wsID, chunk)
		rows, err := s.query(ctx, tx, q, args...)
		if err != nil {
			return fmt.Errorf("look up existing deals: %w", err)
		}
		for rows.Next() {
			d, err := s.scanRecord(deals, rows)
			if err != nil {
				rows.Close()
				return err
			}
			k := pairKey{d.Str("contact_id"), d.Str("title")}
			if want[k] && (found[k] == nil || storedBefore(d, found[k])) {
				found[k] = d
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// storedBefore reports whether deal a comes before deal b in (created_at,
// id) order: the order in which skip_if_exists names the first of several
// stored deals with the same contact and title.
func storedBefore(a, b *crm.Record) bool {
	ta, _ := a.Get("created_at")
	tb, _ := b.Get("created_at")
	if c := compareTimes(ta, tb); c != 0 {
		return c < 0
	}
	return a.Str("id") < b.Str("id")
}

// compareTimes orders two decoded timestamps (time.Time, or RFC 3339
// text).
func compareTimes(a, b any) int {
	return timeValue(a).Compare(timeValue(b))
}

func timeValue(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case string:
		p, _ := time.Parse(time.RFC3339Nano, t)
		return p
	}
	return time.Time{}
}

// pairLookup is the statement that reads the stored deals of a chunk of
// (contact, title) pairs. It has no ORDER BY: lookupPairs picks the
// earliest deal of each pair itself. With one, SQLite (whose sampled
// statistics put ~1,000 deals in a workspace) walked the workspace's
// deals through deals_created to avoid a sort instead of probing
// deals_contact_title: 13 s of CPU for a request of 10,000 at 1,000,000
// deals, 0.25 s without.
func (s *Store) pairLookup(deals *crm.Table, wsID string, chunk []pairKey) (string, []any) {
	cond, in := s.pairCond("d.contact_id", crm.KindUUID, "d.title", crm.KindText, chunk)
	return `SELECT ` + s.readCols(deals, "d") + ` FROM deals d WHERE d.workspace_id = ? AND ` + cond,
		append([]any{s.WorkspaceArg(wsID)}, in...)
}

// PairLookupForTest returns the skip_if_exists look-up's statement and
// arguments for the first chunk of pairs of (contact id, title), as a
// request would look them up, for tests of its plan.
func (s *Store) PairLookupForTest(wsID string, pairs [][2]string) (string, []any) {
	keys := make([]pairKey, len(pairs))
	for i, p := range pairs {
		keys[i] = pairKey{p[0], p[1]}
	}
	q, args := s.pairLookup(s.schema.MustTable("deals"), wsID, keys[:min(len(keys), s.pairChunk(len(keys)))])
	return s.d.Rebind(q), args
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
