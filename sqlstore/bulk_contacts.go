package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/connectgain/server/crm"
)

// Linking a bulk request's items to contacts: one batched look-up of the
// contacts the items name, then, in input order, the linking rules
// (crm.Link), a new contact when asked, and the enrichment of a contact
// found by phone or email with what the item adds (crm.Enrich).

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

// add records that contact id has phone and email (either may be "").
func (c *contactIndex) add(id, phone, email string) {
	c.ids[id] = true
	if phone != "" {
		if _, ok := c.phones[phone]; !ok {
			c.phones[phone] = id
		}
	}
	if email != "" {
		if _, ok := c.emails[email]; !ok {
			c.emails[email] = id
		}
	}
}

// contactLinks is what linking a request's items decided.
type contactLinks struct {
	contactOf []string        // each item's contact
	matched   []crm.MatchedBy // how it was found
	created   []*crm.Record   // contacts to insert (prepared)
	// updated lists the stored contacts items add to; old holds them as
	// stored, cur as they become, changed the columns that change.
	updated []string
	old     map[string]*crm.Record
	cur     map[string]*crm.Record
	changed map[string][]string
	// Per item: what it added to its contact, and what it could not.
	added     [][]string
	conflicts [][]crm.IdentifierConflict
}

// linkContacts links every item in input order; contacts created or
// completed for earlier items are visible to later ones.
func (s *Store) linkContacts(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, inputs []crm.DealInput, ok []bool,
	idx *contactIndex, fail func(int, *crm.Error)) (*contactLinks, error) {
	contacts := s.schema.MustTable("contacts")
	lk := &contactLinks{contactOf: make([]string, len(inputs)), matched: make([]crm.MatchedBy, len(inputs)),
		added: make([][]string, len(inputs)), conflicts: make([][]crm.IdentifierConflict, len(inputs)),
		changed: map[string][]string{}}
	var err error
	ids, cols := enrichCandidates(inputs, ok, idx)
	if lk.old, err = s.loadRecords(ctx, tx, env.Workspace.ID, contacts, cols, ids); err != nil {
		return nil, fmt.Errorf("load contacts: %w", err)
	}
	lk.cur = make(map[string]*crm.Record, len(lk.old))
	for id, r := range lk.old {
		lk.cur[id] = r.Clone()
	}
	createdByID := map[string]*crm.Record{}
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
		switch {
		case by == crm.MatchedByCreated:
			c, err := newContactRecord(env, contacts, in)
			if err != nil {
				return nil, err
			}
			id = c.Str("id")
			lk.created = append(lk.created, c)
			createdByID[id] = c
			idx.add(id, in.ContactPhone, in.ContactEmail)
		case createdByID[id] != nil:
			lk.added[i], lk.conflicts[i] = crm.Enrich(in, by, createdByID[id], idx)
			idx.add(id, in.ContactPhone, in.ContactEmail)
		case lk.cur[id] != nil:
			lk.added[i], lk.conflicts[i] = crm.Enrich(in, by, lk.cur[id], idx)
			if len(lk.added[i]) > 0 {
				lk.noteChange(id, lk.added[i])
				idx.add(id, in.ContactPhone, in.ContactEmail)
			}
		}
		lk.contactOf[i], lk.matched[i] = id, by
	}
	return lk, nil
}

func (lk *contactLinks) noteChange(id string, cols []string) {
	if _, ok := lk.changed[id]; !ok {
		lk.updated = append(lk.updated, id)
	}
	for _, c := range cols {
		if !slices.Contains(lk.changed[id], c) {
			lk.changed[id] = append(lk.changed[id], c)
		}
	}
}

// enrichCandidates lists the stored contacts that items may add to, and
// the columns to load of them: a contact an item's phone finds, when the
// item names an email the index does not give that contact (its emails
// are needed), one an item's email finds, when it names a phone (its
// phones), and either, when the item names a first or last name. What the
// index shows a contact has needs no look-up: a request of returning
// customers loads only their names, or nothing.
func enrichCandidates(inputs []crm.DealInput, ok []bool, idx *contactIndex) ([]string, []string) {
	var ids []string
	seen := map[string]bool{}
	need := map[string]bool{}
	add := func(id string, cols ...string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
		for _, c := range cols {
			need[c] = true
		}
	}
	for i := range inputs {
		in := &inputs[i]
		if !ok[i] || in.ContactID != "" {
			continue
		}
		id, byPhone := idx.phones[in.ContactPhone]
		if !byPhone {
			var byEmail bool
			if id, byEmail = idx.emails[in.ContactEmail]; !byEmail {
				continue
			}
		}
		if byPhone && in.ContactEmail != "" && idx.emails[in.ContactEmail] != id {
			add(id, "emails")
		}
		if !byPhone && in.ContactPhone != "" && idx.phones[in.ContactPhone] != id {
			add(id, "phones")
		}
		if in.FirstName != nil || in.LastName != nil {
			add(id, "first_name", "last_name")
		}
	}
	cols := []string{"id"}
	for _, c := range []string{"first_name", "last_name", "phones", "emails"} {
		if need[c] {
			cols = append(cols, c)
		}
	}
	return ids, cols
}

// writeContactUpdates stores what items added to stored contacts, through
// the same update path as a REST PATCH (their identifiers follow).
func (s *Store) writeContactUpdates(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, lk *contactLinks) error {
	if len(lk.updated) == 0 {
		return nil
	}
	olds := make([]*crm.Record, len(lk.updated))
	recs := make([]*crm.Record, len(lk.updated))
	for i, id := range lk.updated {
		olds[i] = lk.old[id]
		recs[i] = olds[i].T.NewRecord()
		recs[i].Set("id", id)
		for _, c := range lk.changed[id] {
			v, _ := lk.cur[id].Get(c)
			recs[i].Set(c, v)
		}
	}
	return s.updateRecords(ctx, tx, env, olds, recs)
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

// prefetchContacts loads, in a few IN (or ArrayLookup) queries, every
// contact of keys (by id, phone or email).
func (s *Store) prefetchContacts(ctx context.Context, tx *sql.Tx, wsID string, keys contactKeyLists) (*contactIndex, error) {
	idx := &contactIndex{ids: map[string]bool{}, phones: map[string]string{}, emails: map[string]string{}}
	if err := s.lookupContactIDs(ctx, tx, wsID, keys.ids, idx.ids); err != nil {
		return nil, err
	}
	if err := s.lookupIdentifiers(ctx, tx, wsID, crm.IdentPhone, keys.phones, idx.phones); err != nil {
		return nil, err
	}
	if err := s.lookupIdentifiers(ctx, tx, wsID, crm.IdentEmail, keys.emails, idx.emails); err != nil {
		return nil, err
	}
	return idx, nil
}

// contactKeyLists are the distinct contact ids, phones and emails that a
// request's items name, in input order.
type contactKeyLists struct{ ids, phones, emails []string }

// contactKeys lists the distinct contact ids, phones and emails the valid
// items name.
func contactKeys(inputs []crm.DealInput, ok []bool) (keys contactKeyLists) {
	type seenKey struct {
		list *[]string
		v    string
	}
	seen := make(map[seenKey]bool, len(inputs))
	add := func(list *[]string, v string) {
		if k := (seenKey{list, v}); v != "" && !seen[k] {
			seen[k] = true
			*list = append(*list, v)
		}
	}
	for i := range inputs {
		if !ok[i] {
			continue
		}
		in := &inputs[i]
		add(&keys.ids, in.ContactID)
		add(&keys.phones, in.ContactPhone)
		add(&keys.emails, in.ContactEmail)
	}
	return keys
}

// lookupContactIDs marks in found which of ids are the workspace's contacts.
func (s *Store) lookupContactIDs(ctx context.Context, tx *sql.Tx, wsID string, ids []string, found map[string]bool) error {
	for _, chunk := range s.lookupChunks(ids) {
		cond, in := s.inCond("id", crm.KindUUID, chunk)
		rows, err := s.query(ctx, tx, `SELECT id FROM contacts WHERE workspace_id = ? AND `+cond, append([]any{s.WorkspaceArg(wsID)}, in...)...)
		if err != nil {
			return fmt.Errorf("look up contact ids: %w", err)
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
				return fmt.Errorf("look up contact ids: %w", err)
			}
			found[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// lookupIdentifiers maps each of vals (normalised phones or emails, by
// kind) that a contact of the workspace holds to that contact's id.
func (s *Store) lookupIdentifiers(ctx context.Context, tx *sql.Tx, wsID, kind string, vals []string, dst map[string]string) error {
	for _, chunk := range s.lookupChunks(vals) {
		cond, in := s.inCond("value", crm.KindText, chunk)
		rows, err := s.query(ctx, tx, `SELECT value, contact_id FROM contact_identifiers WHERE workspace_id = ? AND kind = ? AND `+cond, append([]any{s.WorkspaceArg(wsID), kind}, in...)...)
		if err != nil {
			return fmt.Errorf("look up contact %ss: %w", kind, err)
		}
		for rows.Next() {
			var v string
			var raw any
			if err := rows.Scan(&v, &raw); err != nil {
				rows.Close()
				return err
			}
			id, err := s.scanID(raw)
			if err != nil {
				rows.Close()
				return fmt.Errorf("look up contact %ss: %w", kind, err)
			}
			// Several contacts may share a phone (see the schema): the
			// oldest wins, and v7 ids sort by creation time.
			if cur, ok := dst[v]; !ok || id < cur {
				dst[v] = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
