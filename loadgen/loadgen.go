// Package loadgen makes the synthetic requests that benchmarks and the
// cgload command send: realistic shop orders as bulk deal bodies.
package loadgen

import (
	"bytes"
	"fmt"
)

// Deal is one generated order, the fields a bulk item carries.
type Deal struct {
	Title, Phone, FirstName string
	Value                   string // decimal, e.g. "1234.25"
	OrderID                 string
	Items                   int
	NewContact              bool // the phone is new in batch (not named by batch 0)
}

// Deals returns n orders numbered from batch*n. In batch 0 every phone is
// new; in later batches a share 1-newRatio of the orders reuse a phone of
// batch 0, so the contact exists.
func Deals(batch, n int, newRatio float64) []Deal {
	out := make([]Deal, n)
	reuse := 0
	if newRatio < 1 {
		reuse = int(1/(1-newRatio) + 0.5)
	}
	for i := range out {
		id := batch*n + i
		phone, isNew := 20000000+id, true
		if batch > 0 && reuse > 0 && i%reuse == 0 {
			phone, isNew = 20000000+i, false
		}
		out[i] = Deal{
			Title: fmt.Sprintf("Order %d", id), Phone: fmt.Sprintf("+2010%d", phone), FirstName: fmt.Sprintf("Customer %d", id),
			Value: fmt.Sprintf("%d.25", 100+id%9000), OrderID: fmt.Sprint(68000000 + id), Items: 1 + id%7, NewContact: isNew,
		}
	}
	return out
}

// BulkBody is the create-deals-bulk request for deals.
func BulkBody(deals []Deal) []byte {
	var b bytes.Buffer
	b.Grow(len(deals) * 260)
	b.WriteString(`{"default_currency":"SAR","deals":[`)
	for i, d := range deals {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"title":%q,"value":%s,"stage":"new","contact_phone":%q,"create_contact_if_missing":true,"contact_first_name":%q,"tags":["shopify"],"custom_fields":{"shopify_order_id":%q,"items_count":%d}}`,
			d.Title, d.Value, d.Phone, d.FirstName, d.OrderID, d.Items)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
