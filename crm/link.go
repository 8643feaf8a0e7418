package crm

import "strings"

// MatchedBy says how a bulk item's contact was found.
type MatchedBy string

const (
	MatchedByID      MatchedBy = "contact_id"
	MatchedByPhone   MatchedBy = "phone"
	MatchedByEmail   MatchedBy = "email"
	MatchedByCreated MatchedBy = "created"
)

// ContactLookup answers the linking rules' questions about one workspace's
// contacts. The store fills one per request with a few batched queries and
// adds the contacts the request itself creates, so that later items link to
// them.
type ContactLookup interface {
	ContactExists(id string) bool
	ContactByPhone(e164 string) (id string, ok bool)
	ContactByEmail(email string) (id string, ok bool)
}

// Link applies the linking rules in order: contact_id (must exist), a
// contact with the phone, a contact with the email, a new contact when
// create_contact_if_missing, else contact_not_found. For MatchedByCreated
// the returned id is empty: the caller creates the contact.
func Link(in *DealInput, l ContactLookup) (string, MatchedBy, *Error) {
	if in.ContactID != "" {
		if l.ContactExists(in.ContactID) {
			return in.ContactID, MatchedByID, nil
		}
		return "", "", Errorf(CodeContactNotFound, "contact_id %s is not a contact of this workspace", in.ContactID).
			WithHint("look the contact up with GET /functions/v1/rest-api-proxy/contacts, or send contact_phone/contact_email with create_contact_if_missing: true")
	}
	if in.ContactPhone != "" {
		if id, ok := l.ContactByPhone(in.ContactPhone); ok {
			return id, MatchedByPhone, nil
		}
	}
	if in.ContactEmail != "" {
		if id, ok := l.ContactByEmail(in.ContactEmail); ok {
			return id, MatchedByEmail, nil
		}
	}
	if in.CreateContact {
		return "", MatchedByCreated, nil
	}
	e := Errorf(CodeContactNotFound, "contact not found")
	switch {
	case in.ContactPhone != "" && in.ContactEmail != "":
		e = e.WithDetails("no contact has phone %s or email %s", in.ContactPhone, in.ContactEmail)
	case in.ContactPhone != "":
		e = e.WithDetails("no contact has phone %s", in.ContactPhone)
	default:
		e = e.WithDetails("no contact has email %s", in.ContactEmail)
	}
	return "", "", e.WithHint(`add "create_contact_if_missing": true to create the contact`)
}

// Prepare completes the item's deal as every insert of a deal is
// completed (Table.PrepareInsert): defaults, then the deals hook resolves
// currency, pipeline and stage from the item, the request's defaults
// (env.Defaults) and the workspace's.
func (in *DealInput) Prepare(env *WriteEnv) *Error { return in.Deal.T.PrepareInsert(env, in.Deal) }

// IdentifierConflict is a phone or email a bulk item names that another
// contact already has: it is not moved to the item's contact.
type IdentifierConflict struct {
	Field     string `json:"field"` // phones or emails
	Value     string `json:"value"`
	ContactID string `json:"contact_id,omitempty"` // the contact that has it (none in a dry run that would create it)
}

// Enrich completes the contact an item was linked to by phone or email
// (contact holds its current phones, emails, first_name and last_name)
// with what the item names and the contact lacks: the item's email for a
// contact found by phone, its phone for one found by email, and first
// and last names the contact has not got. It returns the columns it
// changed, in table order. An identifier another contact has (by the
// lookup) is not added: it is returned as a conflict. A column the record
// does not hold (not loaded) is left alone.
func Enrich(in *DealInput, by MatchedBy, contact *Record, l ContactLookup) ([]string, []IdentifierConflict) {
	if by != MatchedByPhone && by != MatchedByEmail {
		return nil, nil
	}
	id := contact.Str("id")
	var added []string
	var conflicts []IdentifierConflict
	addIdent := func(col, v string, owner func(string) (string, bool)) {
		if v == "" {
			return
		}
		other, owned := owner(v)
		cur, loaded := contact.Get(col)
		list, _ := cur.([]string)
		if (owned && other == id) || !loaded || contains(list, v) {
			return // it has it, or what it has is not known (not loaded)
		}
		if owned {
			conflicts = append(conflicts, IdentifierConflict{Field: col, Value: v, ContactID: other})
			return
		}
		contact.Set(col, append(append([]string{}, list...), v))
		added = append(added, col)
	}
	addIdent("phones", in.ContactPhone, l.ContactByPhone)
	addIdent("emails", in.ContactEmail, l.ContactByEmail)
	for _, f := range []struct {
		col string
		v   *string
	}{{"first_name", in.FirstName}, {"last_name", in.LastName}} {
		if f.v == nil || strings.TrimSpace(*f.v) == "" || !contact.IsSet(f.col) || strings.TrimSpace(contact.Str(f.col)) != "" {
			continue
		}
		contact.Set(f.col, *f.v)
		added = append(added, f.col)
	}
	return added, conflicts
}
