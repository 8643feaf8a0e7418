package api

import (
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/loadgen"
)

// BenchmarkBulkDecode is what the bulk endpoint does with a 10,000-deal
// body before any database work, on one core: the pre-scan, the request,
// each item (half the phones new to the memo after the first round).
//
//	go test ./api -run '^$' -bench BulkDecode -benchmem
func BenchmarkBulkDecode(b *testing.B) {
	body := loadgen.BulkBody(loadgen.Deals(1, 10000, 0.5))
	env := &crm.WriteEnv{Workspace: &crm.Workspace{DefaultCurrency: "SAR"}}
	t := crm.DefaultSchema.MustTable("deals")
	for b.Loop() {
		bp, valid := scanJSONBody(body)
		if err := checkBulkBody(body, valid); err != nil || bp != nil {
			b.Fatal(err, bp)
		}
		req, err := crm.ParseValidBulkRequest(body, 10000)
		if err != nil {
			b.Fatal(err)
		}
		for i, raw := range req.Deals {
			if _, e := crm.ParseDealItem(i, raw, t, env); e != nil {
				b.Fatal(e)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*10000), "ms/deal")
}
