package kubestatereceiver

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver/internal/metadata"
)

// scriptedState plays the engine's read state; onReadErr, if set, runs inside ReadErr once.
type scriptedState struct {
	err       atomic.Pointer[error]
	stuck     atomic.Int64
	onReadErr atomic.Pointer[func()]
	pending   atomic.Pointer[[]string] // resources whose initial list has not completed
}

func (s *scriptedState) ReadErr() error {
	if f := s.onReadErr.Swap(nil); f != nil {
		(*f)()
		return nil // the state as it was read, before f changed it
	}
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}
func (s *scriptedState) HasSynced() bool {
	p := s.pending.Load()
	return p == nil || len(*p) == 0
}
func (s *scriptedState) Synced() map[string]bool {
	out := map[string]bool{"namespaces": true}
	if p := s.pending.Load(); p != nil {
		for _, res := range *p {
			out[res] = false
		}
	}
	return out
}
func (s *scriptedState) StuckFor() time.Duration { return time.Duration(s.stuck.Load()) }
func (s *scriptedState) fail(err error) {
	if err == nil {
		s.err.Store(nil)
		return
	}
	s.err.Store(&err)
}

type statusHost struct {
	mu     sync.Mutex
	events []*componentstatus.Event
}

func (h *statusHost) GetExtensions() map[component.ID]component.Component { return nil }
func (h *statusHost) Report(ev *componentstatus.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, ev)
}
func (h *statusHost) last() *componentstatus.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) == 0 {
		return nil
	}
	return h.events[len(h.events)-1]
}

func newStatusReceiver(t *testing.T) (*kubestateReceiver, *scriptedState, *statusHost) {
	t.Helper()
	tb, err := metadata.NewTelemetryBuilder(componenttest.NewNopTelemetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig()
	st, host := &scriptedState{}, &statusHost{}
	return &kubestateReceiver{cfg: cfg, set: receivertest.NewNopSettings(metadata.Type), telemetry: tb, host: host, state: st}, st, host
}

func wantStatus(t *testing.T, host *statusHost, want componentstatus.Status, msg string) {
	t.Helper()
	ev := host.last()
	if ev == nil || ev.Status() != want || (msg != "" && (ev.Err() == nil || !strings.Contains(ev.Err().Error(), msg))) {
		if ev == nil {
			t.Fatalf("no status, want %v with %q", want, msg)
		}
		t.Fatalf("status %v (%v), want %v with %q", ev.Status(), ev.Err(), want, msg)
	}
}

// A resource that starts failing while a successful cycle reports must leave the status an error,
// whichever report comes last: here the reflector's report runs just after the cycle read the
// (still healthy) state and before the cycle reported.
func TestStatusCycleReportCannotHideAReadFailure(t *testing.T) {
	r, st, host := newStatusReceiver(t)
	r.updateStatus(nil)
	wantStatus(t, host, componentstatus.StatusOK, "")
	refused := errors.New("connection refused")
	done := make(chan struct{})
	f := func() {
		st.fail(refused)
		go func() { defer close(done); r.readFailed("pods", refused) }()
		// Give the reflector's report the chance to run first (it may not, if it must wait).
		select {
		case <-done:
		case <-time.After(200 * time.Millisecond):
		}
	}
	st.onReadErr.Store(&f)
	r.cycleDone(engine.CycleStats{})
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the reflector's report did not return")
	}
	wantStatus(t, host, componentstatus.StatusRecoverableError, "connection refused")
}

// Status follows every source at once: a resource readable again does not clear an export failure,
// a successful cycle does not clear a read failure, and a stuck cycle says so until it ends.
func TestStatusCombinesReadExportAndStuck(t *testing.T) {
	r, st, host := newStatusReceiver(t)
	r.cycleDone(engine.CycleStats{SnapshotStats: engine.SnapshotStats{Batches: 2, Errors: []error{errors.New("backend said no")}}})
	wantStatus(t, host, componentstatus.StatusRecoverableError, "export failed for 1 of 2 batches")
	r.readFailed("pods", nil) // pods readable again: the export still failed
	wantStatus(t, host, componentstatus.StatusRecoverableError, "export failed for 1 of 2 batches")

	st.fail(errors.New("forbidden"))
	r.readFailed("pods", errors.New("forbidden"))
	r.cycleDone(engine.CycleStats{})
	wantStatus(t, host, componentstatus.StatusRecoverableError, "cannot read from the Kubernetes API, exporting what was read last: list/watch pods: forbidden")
	st.fail(nil)
	r.readFailed("pods", nil)
	wantStatus(t, host, componentstatus.StatusOK, "")

	st.stuck.Store(int64(7 * time.Second))
	r.stuck(7 * time.Second)
	wantStatus(t, host, componentstatus.StatusRecoverableError, "export stuck for 7s past export_timeout (10s)")
	st.stuck.Store(int64(12 * time.Second))
	r.cycleSkipped() // a later tick refreshes the message
	wantStatus(t, host, componentstatus.StatusRecoverableError, "export stuck for 12s")
	st.stuck.Store(0)
	r.cycleDone(engine.CycleStats{})
	wantStatus(t, host, componentstatus.StatusOK, "")
}

// Many reports from many goroutines: the last status always matches the last state (-race).
func TestStatusConcurrentReports(t *testing.T) {
	r, st, host := newStatusReceiver(t)
	refused := errors.New("connection refused")
	for i := range 200 {
		var wg sync.WaitGroup
		failing := i%2 == 0
		wg.Add(3)
		go func() { defer wg.Done(); r.cycleDone(engine.CycleStats{}) }()
		go func() {
			defer wg.Done()
			if failing {
				st.fail(refused)
				r.readFailed("pods", refused)
			} else {
				st.fail(nil)
				r.readFailed("pods", nil)
			}
		}()
		go func() { defer wg.Done(); r.updateStatus(nil) }()
		wg.Wait()
		if got := host.last().Status(); (got == componentstatus.StatusOK) == failing {
			t.Fatalf("round %d: status %v with the resource failing=%v", i, got, failing)
		}
	}
}

// Until every informer has synced the status is an error naming what is still listing, so a
// readiness probe on the component status says not ready; then OK. Start reports it before it
// returns (the Collector would otherwise mark the receiver OK).
func TestStatusNotReadyUntilSynced(t *testing.T) {
	r, st, host := newStatusReceiver(t)
	st.pending.Store(&[]string{"pods", "configmaps"})
	r.updateStatus(nil)
	wantStatus(t, host, componentstatus.StatusRecoverableError, "informers not synced: the initial list of configmaps, pods has not completed")

	// A read failure while listing is reported with it.
	st.fail(errors.New("connection refused"))
	r.readFailed("pods", errors.New("connection refused"))
	wantStatus(t, host, componentstatus.StatusRecoverableError, "informers not synced")
	wantStatus(t, host, componentstatus.StatusRecoverableError, "list/watch pods: connection refused")

	st.fail(nil)
	r.readFailed("pods", nil)
	st.pending.Store(&[]string{"configmaps"})
	r.updateStatus(nil)
	wantStatus(t, host, componentstatus.StatusRecoverableError, "the initial list of configmaps has not completed")
	st.pending.Store(nil)
	r.updateStatus(nil) // the engine's Synced hook
	wantStatus(t, host, componentstatus.StatusOK, "")
}

// A failure that persists is reported once, so its event keeps the time it began: health checks
// (healthcheckv2's recovery_duration) measure how long a component has been failing from it. A
// new message is a new event.
func TestStatusPersistentFailureKeepsItsTime(t *testing.T) {
	r, st, host := newStatusReceiver(t)
	denied := errors.New(`configmaps is forbidden: User "x" cannot list resource "configmaps"`)
	st.fail(denied)
	for range 5 {
		r.readFailed("configmaps", denied) // the reflector retries, failing the same way
		r.cycleDone(engine.CycleStats{})   // cycles go on
	}
	host.mu.Lock()
	n := len(host.events)
	host.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d events for one persisting failure, want 1 (each new event restarts its recovery_duration)", n)
	}
	r.cycleDone(engine.CycleStats{SnapshotStats: engine.SnapshotStats{Batches: 1, Errors: []error{errors.New("backend said no")}}})
	wantStatus(t, host, componentstatus.StatusRecoverableError, "export failed for 1 of 1 batches")
	host.mu.Lock()
	n = len(host.events)
	host.mu.Unlock()
	if n != 2 {
		t.Fatalf("%d events after the message changed, want 2", n)
	}
}
