package crm

// The bulk endpoint's outcome, in the response's shape: the store
// (sqlstore.CreateDealsBulk) fills it, the HTTP layer renders it.

// Bulk item statuses.
const (
	ItemCreated    = "created"
	ItemSkipped    = "skipped"
	ItemFailed     = "failed"
	ItemRolledBack = "rolled_back"
)

// BulkResult is the outcome of one bulk item, in the response's shape.
type BulkResult struct {
	Index        int       `json:"index"`
	Status       string    `json:"status"`
	DealID       *string   `json:"deal_id,omitempty"`
	ContactID    *string   `json:"contact_id,omitempty"`
	IsNewContact *bool     `json:"is_new_contact,omitempty"`
	MatchedBy    MatchedBy `json:"matched_by,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Deal         *Row      `json:"deal,omitempty"`
	// ContactUpdated lists the columns the item added to the contact it
	// was linked to by phone or email (phones, emails, first_name,
	// last_name); ContactConflicts the phones and emails it names that
	// another contact has, which are not moved.
	ContactUpdated   []string             `json:"contact_updated,omitempty"`
	ContactConflicts []IdentifierConflict `json:"contact_conflicts,omitempty"`
	Error            *Error               `json:"-"`
}

// BulkSummary counts the results.
type BulkSummary struct {
	Total           int `json:"total"`
	Created         int `json:"created"`
	Skipped         int `json:"skipped"`
	Failed          int `json:"failed"`
	ContactsCreated int `json:"contacts_created"`
	// ContactsUpdated counts the stored contacts items added to.
	ContactsUpdated int `json:"contacts_updated,omitempty"`
	RolledBack      int `json:"rolled_back,omitempty"`
}

// BulkOutcome is what the bulk endpoint did (or, for a dry run, would do).
type BulkOutcome struct {
	Summary BulkSummary
	Results []BulkResult
	// Written is false when nothing was committed (dry run, atomic
	// failure, or every item failed).
	Written bool
}
