package web_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/connectgain/server/web"
)

var screenshotDir = flag.String("screenshots", "", "write the dashboard screenshots (PNG) to this directory")

// TestScreenshots writes the README's screenshots of the dashboard:
//
//	go test ./web -run TestScreenshots -args -screenshots=../docs
func TestScreenshots(t *testing.T) {
	if *screenshotDir == "" {
		t.Skip("writes docs/*.png only when run with -args -screenshots=../docs")
	}
	e := mustStartEnv(t, storetest.MustOpenSQLite(t), web.Config{})
	dealID, contactID := seedShowcase(t, e)
	ctx := mustChrome(t, 1280, 800)
	do(t, ctx, "sign-in page", chromedp.Navigate(e.srv.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#key")))
	shoot(t, ctx, "dashboard-signin.png")
	signIn(t, ctx, e, e.write)
	shoot(t, ctx, "dashboard-board.png")
	do(t, ctx, "deal page", chromedp.Navigate(e.srv.URL+"/deals/"+dealID), chromedp.WaitVisible(chromedp.CSS(".custom")))
	shoot(t, ctx, "dashboard-deal.png")
	do(t, ctx, "contact page", chromedp.Navigate(e.srv.URL+"/contacts/"+contactID), chromedp.WaitVisible(chromedp.CSS("table.deals")))
	shoot(t, ctx, "dashboard-contact.png")
	do(t, ctx, "contacts list", chromedp.Navigate(e.srv.URL+"/contacts"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	shoot(t, ctx, "dashboard-contacts.png")
	do(t, ctx, "phone board", chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#board")))
	shoot(t, ctx, "dashboard-board-phone.png")
}

// shoot saves the viewport as a PNG.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	time.Sleep(150 * time.Millisecond) // let fonts and layout settle
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(*screenshotDir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", filepath.Join(*screenshotDir, name))
}

// seedShowcase fills the workspace as a shop's sales team would have it:
// Arabic and English names, SAR, EGP and USD, some deals sitting for
// weeks, one deal moved along with custom fields. It returns that deal's
// id and its contact's.
func seedShowcase(t *testing.T, e *env) (string, string) {
	t.Helper()
	people := []struct{ first, last, phone, email string }{
		{"Ahmed", "Hassan", "+201017177777", "ahmed@example.com"},
		{"سارة", "محمد", "+966501234567", ""},
		{"Omar", "Farouk", "+971501112233", "omar@farouk.ae"},
		{"ليلى", "عبد الله", "+966551234321", ""},
		{"Nour", "El-Din", "+201223344556", "nour@example.com"},
		{"خالد", "الحربي", "+966509876543", ""},
		{"Mona", "Adel", "+201001234000", "mona.adel@example.com"},
		{"Youssef", "Ali", "+14155550123", "youssef@example.com"},
	}
	titles := []string{"Shopify order #1042", "طلب متجر ٢٠٣", "Annual plan renewal", "Wholesale dates 40 kg",
		"Corporate gifts Q1", "عرض أسعار مكيفات", "Uniforms for 120 staff", "Website redesign", "Catering – Ramadan iftar",
		"طلب جملة عطور", "Laptop fleet refresh", "Spare parts contract", "Event booth 3x3", "تجديد الاشتراك السنوي",
		"Coffee beans, monthly", "Solar panels install", "Office fit-out", "Training workshop", "Mobile app MVP", "Printing 5,000 flyers"}
	stages := []string{"new", "lead", "qualified", "proposal", "won", "lost", "new", "lead", "qualified", "proposal",
		"new", "lead", "qualified", "proposal", "won", "new", "lead", "qualified", "proposal", "new"}
	currencies := []string{"SAR", "SAR", "USD", "EGP", "SAR", "SAR", "USD", "EGP", "SAR", "SAR"}
	var deals []string
	for i, title := range titles {
		p := people[i%len(people)]
		d := map[string]any{"title": title, "value": float64((i*7919)%45000+500) + float64(i%4)*0.25, "currency": currencies[i%len(currencies)],
			"stage": stages[i], "contact_phone": p.phone, "create_contact_if_missing": true, "contact_first_name": p.first,
			"contact_last_name": p.last, "probability": []int{10, 25, 50, 75, 90}[i%5], "source": []string{"shopify", "website", "referral"}[i%3],
			"tags": []string{[]string{"vip", "wholesale", "retail"}[i%3]}, "expected_close_date": fmt.Sprintf("2027-0%d-%02d", 1+i%6, 1+i*3%28)}
		if p.email != "" {
			d["contact_email"] = p.email
		}
		if i == 0 {
			d["custom_fields"] = map[string]any{"shopify_order_id": "1042", "items_count": 3, "gift_wrap": true, "ملاحظة": "التوصيل بعد العصر"}
		}
		b, _ := json.Marshal(d)
		deals = append(deals, string(b))
	}
	// Half the deals were created three weeks ago: past the 14-day mark.
	real := e.store.Now
	e.store.Now = func() time.Time { return real().Add(-21 * 24 * time.Hour) }
	e.bulk(`{"deals":[` + strings.Join(deals[:8], ",") + `]}`)
	e.store.Now = real
	e.bulk(`{"deals":[` + strings.Join(deals[8:], ",") + `]}`)
	id := e.dealIDs[titles[0]]
	for _, st := range []string{"lead", "qualified"} {
		if res, b := e.api("PATCH", "/functions/v1/rest-api-proxy/deals?id=eq."+id, e.write, `{"stage":"`+st+`"}`); res.StatusCode != 200 {
			t.Fatalf("move: %s", b)
		}
	}
	_, b := e.api("GET", "/functions/v1/rest-api-proxy/deals?select=contact_id&id=eq."+id, e.write, "")
	var rows []struct {
		ContactID string `json:"contact_id"`
	}
	_ = json.Unmarshal(b, &rows)
	return id, rows[0].ContactID
}
