package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/connectgain/server/web"
)

// TestBrowser uses the dashboard as a sales team would, in headless
// Chromium, on every backend: sign in, read the board, drag a card, move
// one with the keyboard, see a deal posted through the API appear, open
// a deal, find a contact by a differently formatted phone, sign out, and
// be refused a move with a read key.
func TestBrowser(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := mustChrome(t, 1280, 800)
			e := mustStartEnv(t, b.Open(t), web.Config{})
			e.bulk(seedDeals)
			signIn(t, ctx, e, e.write)
			t.Run("columns", func(t *testing.T) {
				checkColumns(t, ctx, map[string]string{
					"new": "1: EGP 8,900.00", "lead": "1: SAR 4,500.00", "qualified": "2: SAR 11,523.00 | USD 250.50",
					"proposal": "1: USD 1,200.00", "won": "1: SAR 3,000.00", "lost": "0: No deals"})
			})
			t.Run("drag", func(t *testing.T) { testDrag(t, ctx, e) })
			t.Run("keyboard", func(t *testing.T) { testKeyboardMove(t, ctx, e) })
			t.Run("live", func(t *testing.T) { testLive(t, ctx, e) })
			t.Run("deal page", func(t *testing.T) { testDealPage(t, ctx, e) })
			t.Run("contact search", func(t *testing.T) { testContactSearch(t, ctx, e) })
			t.Run("sign out", func(t *testing.T) { testSignOut(t, ctx, e) })
			t.Run("read key", func(t *testing.T) { testReadKey(t, ctx, e) })
		})
	}
}

func signIn(t testing.TB, ctx context.Context, e *env, key string) {
	t.Helper()
	do(t, ctx, "sign in",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#key")),
		chromedp.SendKeys(chromedp.CSS("#key"), key),
		chromedp.Submit(chromedp.CSS("#key")),
		chromedp.WaitVisible(chromedp.CSS("#board")))
}

// columnsJS reads every column as "stage=count: total | total".
const columnsJS = `[...document.querySelectorAll('#board .col')].map(c => c.dataset.stage + '=' +
  c.querySelector('.count').textContent.trim() + ': ' +
  [...c.querySelectorAll('.sums .total')].map(x => x.textContent.trim()).join(' | '))`

func checkColumns(t *testing.T, ctx context.Context, want map[string]string) {
	t.Helper()
	got := eval[[]string](t, ctx, columnsJS)
	order := []string{"new", "lead", "qualified", "proposal", "won", "lost"}
	if len(got) != len(order) {
		t.Fatalf("columns = %q, want six", got)
	}
	for i, st := range order {
		if w := st + "=" + want[st]; got[i] != w {
			t.Errorf("column %d = %q, want %q", i, got[i], w)
		}
	}
}

// center returns the viewport centre of the element a selector finds.
func center(t *testing.T, ctx context.Context, sel string) (float64, float64) {
	t.Helper()
	xy := eval[[]float64](t, ctx, fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.scrollIntoView({block: 'nearest', inline: 'nearest'});
	  const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + Math.min(r.height / 2, 40)]; })()`, sel))
	return xy[0], xy[1]
}

func testDrag(t *testing.T, ctx context.Context, e *env) {
	id := e.dealIDs["Order 1001"]
	fx, fy := center(t, ctx, "#deal-"+id+" .value")
	tx, ty := center(t, ctx, `.col[data-stage="proposal"] .cards`)
	do(t, ctx, "drag", chromedp.DragAndDropXY(fx, fy, tx, ty, 15))
	poll(t, ctx, "the card in Proposal and the totals updated",
		`!!document.querySelector('.col[data-stage="proposal"] #deal-`+id+`') && document.querySelector('#head-proposal .count').textContent.trim() === '2'`, 5*time.Second)
	if msg := eval[string](t, ctx, `document.getElementById('status').textContent`); !strings.Contains(msg, "Moved") {
		t.Errorf("status after drag = %q", msg)
	}
	if got := eval[bool](t, ctx, `location.pathname === '/' && !!window.performance`); !got {
		t.Fatal("the page navigated")
	}
	checkColumns(t, ctx, map[string]string{
		"new": "1: EGP 8,900.00", "lead": "1: SAR 4,500.00", "qualified": "1: USD 250.50",
		"proposal": "2: SAR 11,523.00 | USD 1,200.00", "won": "1: SAR 3,000.00", "lost": "0: No deals"})
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#board")))
	if !eval[bool](t, ctx, `!!document.querySelector('.col[data-stage="proposal"] #deal-`+id+`')`) {
		t.Fatal("after reload the dragged card is not in Proposal")
	}
	if got := e.stageOf(id); got != "proposal" {
		t.Fatalf("stored stage = %s", got)
	}
	if ch := e.stageChanges(id); len(ch) != 1 || ch[0]["from_stage"] != "qualified" || ch[0]["to_stage"] != "proposal" {
		t.Fatalf("deal_stage_changes = %v", ch)
	}
}

func testKeyboardMove(t *testing.T, ctx context.Context, e *env) {
	id := e.dealIDs["Order 1005"]
	do(t, ctx, "choose Won with the keyboard", chromedp.Focus(chromedp.CSS("#mv-"+id)), chromedp.KeyEvent(kb.ArrowDown))
	if v := eval[string](t, ctx, `document.getElementById('mv-`+id+`').value`); v != "won" {
		t.Fatalf("after ArrowDown the stage list shows %q", v)
	}
	do(t, ctx, "press Move", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter))
	poll(t, ctx, "the card in Won", `!!document.querySelector('.col[data-stage="won"] #deal-`+id+`') && document.querySelector('#head-won .count').textContent.trim() === '2'`, 5*time.Second)
	if got := e.stageOf(id); got != "won" {
		t.Fatalf("stored stage = %s", got)
	}
	if focused := eval[string](t, ctx, `document.activeElement.id`); focused != "mv-"+id {
		t.Errorf("focus after the move is on %q, want the card's stage list", focused)
	}
}

func testLive(t *testing.T, ctx context.Context, e *env) {
	eval[bool](t, ctx, `window.__noReload = true`)
	e.bulk(`{"deals":[{"title":"Live order 77","value":640,"currency":"SAR","stage":"new","contact_email":"sara@example.com"}]}`)
	poll(t, ctx, "the new deal on the open board", `window.__noReload === true &&
	  document.querySelector('.col[data-stage="new"]').textContent.includes('Live order 77') &&
	  document.querySelector('#head-new .count').textContent.trim() === '2'`, 10*time.Second)
}

func testDealPage(t *testing.T, ctx context.Context, e *env) {
	do(t, ctx, "open the deal", chromedp.Click(chromedp.CSS(`#deal-`+e.dealIDs["Order 1001"]+` a.title`)), chromedp.WaitVisible(chromedp.CSS(".custom")))
	custom := eval[string](t, ctx, `document.querySelector('table.custom').innerText`)
	for _, want := range []string{"shopify_order_id", "1001", "items_count", "3"} {
		if !strings.Contains(custom, want) {
			t.Errorf("custom fields table lacks %q: %q", want, custom)
		}
	}
	hist := eval[[]string](t, ctx, `[...document.querySelectorAll('table.history tbody tr')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`)
	if len(hist) != 2 || !strings.Contains(hist[0], "(created) qualified") || !strings.Contains(hist[1], "qualified proposal") || !strings.Contains(hist[1], "UTC") {
		t.Errorf("stage history = %q", hist)
	}
	if c := eval[string](t, ctx, `document.getElementById('c-h').parentElement.innerText`); !strings.Contains(c, "Ahmed Hassan") || !strings.Contains(c, "+201017177777") {
		t.Errorf("contact box = %q", c)
	}
}

func testContactSearch(t *testing.T, ctx context.Context, e *env) {
	do(t, ctx, "search contacts by phone",
		chromedp.Navigate(e.srv.URL+"/contacts"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="q"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "00 20 101-717-7777"),
		chromedp.Submit(chromedp.CSS(`input[name="q"]`)))
	poll(t, ctx, "the search results", `location.search.includes('q=') && document.readyState === 'complete' && document.querySelectorAll('table.list tbody tr').length === 1`, 5*time.Second)
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll('table.list tbody tr')].map(r => r.innerText)`)
	if len(rows) != 1 || !strings.Contains(rows[0], "Ahmed Hassan") {
		t.Fatalf("contacts found = %q", rows)
	}
	do(t, ctx, "open the contact", chromedp.Click(chromedp.CSS("table.list a")))
	poll(t, ctx, "the contact page", `location.pathname.startsWith('/contacts/') && !!document.querySelector('table.deals')`, 5*time.Second)
	if s := eval[string](t, ctx, `document.querySelector('.sums').innerText`); !strings.Contains(s, "SAR 11,523.00") || !strings.Contains(s, "USD 250.50") {
		t.Errorf("contact totals = %q", s)
	}
}

func testSignOut(t *testing.T, ctx context.Context, e *env) {
	do(t, ctx, "sign out", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#board")),
		chromedp.Click(chromedp.CSS("form.signout button")))
	poll(t, ctx, "the sign-in page", `location.pathname === '/signin' && document.readyState === 'complete'`, 5*time.Second)
	do(t, ctx, "open a page signed out", chromedp.Navigate(e.srv.URL+"/contacts"), chromedp.WaitVisible(chromedp.CSS("#key")))
	if !eval[bool](t, ctx, `location.pathname === '/signin' && !document.cookie.includes('cg_session')`) {
		t.Fatal("still signed in after signing out")
	}
}

func testReadKey(t *testing.T, ctx context.Context, e *env) {
	signIn(t, ctx, e, e.read)
	id := e.dealIDs["Order 1002"]
	if !eval[bool](t, ctx, `document.getElementById('mv-`+id+`').disabled && document.getElementById('readonly-note').innerText.includes('read-only key')`) {
		t.Fatal("a read key's controls are not disabled and labelled")
	}
	fx, fy := center(t, ctx, "#deal-"+id+" .value")
	tx, ty := center(t, ctx, `.col[data-stage="won"] .cards`)
	do(t, ctx, "drag with a read key", chromedp.DragAndDropXY(fx, fy, tx, ty, 15))
	poll(t, ctx, "the refusal", `document.getElementById('status').textContent.includes('read-only')`, 3*time.Second)
	// Past the disabled controls, the server itself refuses.
	res := eval[string](t, ctx, `fetch('/deals/`+id+`/stage', {method: 'POST', body: new URLSearchParams({stage: 'won'}),
	  headers: {Accept: 'application/json', 'X-CSRF-Token': document.querySelector('meta[name="csrf-token"]').content}})
	  .then(r => r.json().then(b => r.status + ' ' + b.message))`)
	if !strings.HasPrefix(res, "403 ") || !strings.Contains(res, "read-only") {
		t.Fatalf("server answer to a read key's move = %q", res)
	}
	if got := e.stageOf(id); got != "lead" {
		t.Fatalf("a read key moved the deal to %s", got)
	}
}
