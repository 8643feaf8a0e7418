package crm

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
