package restsql

import (
	"strconv"
	"sync"
	"testing"
)

// TestDoorkeeperAdmitsOnSecondSight: a key is refused the first time and
// admitted from the second; keys never repeated are all refused; the
// table is safe to share (run with -race).
func TestDoorkeeperAdmitsOnSecondSight(t *testing.T) {
	var d Doorkeeper[string]
	if d.Admit("a") {
		t.Fatal("a key was admitted on its first sight")
	}
	if !d.Admit("a") || !d.Admit("a") {
		t.Fatal("a key was refused on its second and third sight")
	}
	admitted := 0
	for i := range 1000 {
		if d.Admit("once-" + strconv.Itoa(i)) {
			admitted++
		}
	}
	if admitted > 0 {
		t.Errorf("%d of 1,000 keys seen once were admitted", admitted)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				d.Admit(strconv.Itoa(g*1000 + i%50))
			}
		})
	}
	wg.Wait()
}
