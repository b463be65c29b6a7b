package kubestatereceiver

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubestate/kubestate/internal/engine"
)

// pageRecorder is a Renderer that records which engine's collections it rendered and fails on
// two renders at once (a page renders one call at a time).
type pageRecorder struct {
	t        *testing.T
	hold     chan struct{} // if set, a render of one collection waits for it (a slow render)
	holding  chan struct{} // closed when such a render waits
	inFlight atomic.Int32
	mu       sync.Mutex
	rendered []int // len(cols) of each render: tells the engines apart
}

func (p *pageRecorder) Render(cols []engine.Collection) {
	if p.inFlight.Add(1) > 1 {
		p.t.Error("two renders of the page at once")
	}
	defer p.inFlight.Add(-1)
	if p.hold != nil && len(cols) == 1 {
		close(p.holding)
		<-p.hold
	}
	p.mu.Lock()
	p.rendered = append(p.rendered, len(cols))
	p.mu.Unlock()
}

// During a re-shard both engines' render loops run: only the current engine's renders reach the
// page, never two at once, and the new engine's Stores replace the page at the switch.
func TestRenderGateDuringReshard(t *testing.T) {
	page := &pageRecorder{t: t}
	var mu sync.Mutex
	var current atomic.Int32 // 1: the old engine, 2: the new
	current.Store(1)
	old := &renderGate{mu: &mu, current: func() bool { return current.Load() == 1 }, pages: page}
	next := &renderGate{mu: &mu, current: func() bool { return current.Load() == 2 }, pages: page}
	oldCols, newCols := make([]engine.Collection, 1), make([]engine.Collection, 2)

	var wg sync.WaitGroup
	for _, g := range []struct {
		gate *renderGate
		cols []engine.Collection
	}{{old, oldCols}, {next, newCols}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				g.gate.Render(g.cols)
			}
		}()
	}
	wg.Wait()
	page.mu.Lock()
	for _, n := range page.rendered {
		if n != 1 {
			t.Fatalf("the new engine rendered the page before it was current")
		}
	}
	page.rendered = nil
	page.mu.Unlock()

	current.Store(2)
	next.renderNow()
	old.Render(oldCols)
	if len(page.rendered) != 1 || page.rendered[0] != 2 {
		t.Fatalf("after the switch the page rendered %v, want the new engine's Stores once (2 collections)", page.rendered)
	}
}

// The switch can come while the old engine renders: the new engine's first render waits for it,
// so the page is never rendered by two at once (it would tear its shared buffers).
func TestRenderGateSwitchDuringRender(t *testing.T) {
	page := &pageRecorder{t: t, hold: make(chan struct{}), holding: make(chan struct{})}
	var mu sync.Mutex
	var current atomic.Int32
	current.Store(1)
	old := &renderGate{mu: &mu, current: func() bool { return current.Load() == 1 }, pages: page}
	next := &renderGate{mu: &mu, current: func() bool { return current.Load() == 2 }, pages: page}
	oldDone, newDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(oldDone); old.Render(make([]engine.Collection, 1)) }()
	select {
	case <-page.holding:
	case <-time.After(5 * time.Second):
		t.Fatal("the old engine's render did not start")
	}
	current.Store(2)
	go func() { defer close(newDone); next.Render(make([]engine.Collection, 2)) }()
	select {
	case <-newDone:
		t.Error("the new engine rendered while the old one was still rendering")
	case <-time.After(200 * time.Millisecond): // it must not finish while the old render holds the page
	}
	close(page.hold)
	for _, done := range []chan struct{}{oldDone, newDone} {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a render did not finish")
		}
	}
	if len(page.rendered) != 2 || page.rendered[1] != 2 {
		t.Errorf("renders %v, want the old engine's, then the new one's", page.rendered)
	}
}
