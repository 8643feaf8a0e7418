package crm

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParseBulk is the CPU of reading a 10,000-deal body: the
// request, then each item (phones new to the memo, as half of them are in
// a real import):
//
//	go test ./crm -run '^$' -bench ParseBulk -benchmem
func BenchmarkParseBulk(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"default_currency":"SAR","deals":[`)
	for i := range 10000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"title":"Order %d","value":%d.25,"stage":"new","contact_phone":"+2010%08d","create_contact_if_missing":true,"contact_first_name":"Customer %d","tags":["shopify"],"custom_fields":{"shopify_order_id":"%d","items_count":%d}}`,
			i, 100+i%9000, 20000000+i, i, 68000000+i, 1+i%7)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	env := &WriteEnv{Workspace: &Workspace{}, Pipelines: testPipelines()}
	for b.Loop() {
		req, err := ParseBulkRequest(body, 10000)
		if err != nil {
			b.Fatal(err)
		}
		for i, raw := range req.Deals {
			if _, e := ParseDealItem(i, raw, testDeals, env); e != nil {
				b.Fatal(e)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*10000), "ms/deal")
}
