package engine

import (
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// flakySource serves ConfigMaps like fakeSource, but its watch can be refused the way a stopped
// apiserver refuses it (ECONNREFUSED), which the reflector retries on its own without calling any
// error handler.
type flakySource struct {
	*fakeSource
	refuse atomic.Bool
	expire atomic.Bool // the next Watch call gets 410 Gone
	closed atomic.Bool // Watch returns client-go's empty watch, as when it stops retrying a closed connection
	mu     sync.Mutex
	cur    *watch.FakeWatcher
	calls  atomic.Int32 // Watch calls made
}

func (s *flakySource) ListWatch(Clients, string, string) cache.ListerWatcher {
	return noWatchList{&cache.ListWatch{
		ListFunc: func(metav1.ListOptions) (kruntime.Object, error) {
			return &corev1.ConfigMapList{ListMeta: metav1.ListMeta{ResourceVersion: "1"}, Items: s.initial}, nil
		},
		WatchFunc: func(metav1.ListOptions) (watch.Interface, error) {
			s.calls.Add(1)
			if s.expire.CompareAndSwap(true, false) {
				return nil, apierrors.NewResourceExpired("too old resource version: 2 (7)")
			}
			if s.closed.Load() {
				return watch.NewEmptyWatch(), nil
			}
			if s.refuse.Load() {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			s.cur = watch.NewFakeWithChanSize(8, false)
			return s.cur, nil
		},
	}}
}

func (s *flakySource) watcher() *watch.FakeWatcher {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// A watch the reflector retries silently (connection refused) must still show in ReadErr and reach
// ReadFailed, and clear once a call succeeds again: otherwise the receiver reports OK while it
// exports stale data.
func TestReadErrSeesSilentlyRetriedWatchFailures(t *testing.T) {
	src := &flakySource{fakeSource: newFakeSource(3, 1)}
	type change struct {
		resource string
		err      error
	}
	changes := make(chan change, 16)
	eng := New(Options{
		Sources: []Source{src},
		Config:  Config{CollectionInterval: time.Hour, ExportTimeout: time.Minute, MaxDataPointsPerBatch: 100},
		Next:    consumertest.NewNop(),
		Hooks:   Hooks{ReadFailed: func(r string, err error) { changes <- change{r, err} }},
		Logger:  zap.NewNop(),
		Scope:   "test",
		Version: "v0",
	})
	startSynced(t, eng)
	if err := eng.ReadErr(); err != nil {
		t.Fatalf("ReadErr after sync = %v, want nil", err)
	}
	waitFor(t, "the first watch", func() bool { return src.watcher() != nil })

	// An event first, so the reflector takes the watch's end as a normal close and re-watches from
	// its resource version (an empty, sub-second watch would make it relist instead).
	src.watcher().Add(configMap(7, 1))
	waitFor(t, "the event's record", func() bool { return eng.Objects()["configmaps"] == 4 })
	src.refuse.Store(true)
	calls := src.calls.Load()
	src.watcher().Stop()

	next := func() change {
		select {
		case c := <-changes:
			return c
		case <-time.After(30 * time.Second):
			t.Fatalf("no ReadFailed call (Watch calls: %d before, %d now)", calls, src.calls.Load())
			return change{}
		}
	}
	c := next()
	if c.resource != "configmaps" || c.err == nil || !errors.Is(c.err, syscall.ECONNREFUSED) {
		t.Fatalf("ReadFailed(%q, %v), want configmaps and the refused connection", c.resource, c.err)
	}
	if err := eng.ReadErr(); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("ReadErr while refused = %v, want the refused connection", err)
	} else if got := err.Error(); got[:len("configmaps: ")] != "configmaps: " {
		t.Fatalf("ReadErr = %q, want it to name the resource", got)
	}
	// The telemetry counts the failure and says how old the data may be.
	st := eng.ReadStats()["configmaps"]
	if st.Failures < 1 {
		t.Fatalf("ReadStats while refused: %d failures, want at least 1", st.Failures)
	}
	waitFor(t, "the failing time to grow", func() bool { return eng.ReadStats()["configmaps"].FailingFor > 0 })
	// Nothing read is lost while the API cannot be read.
	if n := eng.Objects()["configmaps"]; n != 4 {
		t.Fatalf("objects while refused = %d, want 4", n)
	}
	// Retries of the same failure are not reported again; the recovery is.
	src.refuse.Store(false)
	c = next()
	if c.resource != "configmaps" || c.err != nil {
		t.Fatalf("ReadFailed(%q, %v) after recovery, want configmaps and nil", c.resource, c.err)
	}
	if err := eng.ReadErr(); err != nil {
		t.Fatalf("ReadErr after recovery = %v, want nil", err)
	}
	after := eng.ReadStats()["configmaps"]
	if after.FailingFor != 0 || after.Failures < st.Failures {
		t.Fatalf("ReadStats after recovery: %+v, want failing for 0 and at least %d failures", after, st.Failures)
	}
	if n := src.calls.Load(); n < calls+2 {
		t.Fatalf("Watch calls = %d, want at least one refused and one accepted after %d", n, calls)
	}

	// 410 Gone is the protocol asking for a relist, not an outage: no status change.
	src.watcher().Add(configMap(8, 1))
	waitFor(t, "the second event's record", func() bool { return eng.Objects()["configmaps"] == 5 })
	calls = src.calls.Load()
	src.expire.Store(true)
	src.watcher().Stop()
	waitFor(t, "the watch after the 410", func() bool { return src.calls.Load() >= calls+2 && src.watcher() != nil })
	select {
	case c := <-changes:
		t.Fatalf("ReadFailed(%q, %v) after a 410, want no call", c.resource, c.err)
	default:
	}
	if err := eng.ReadErr(); err != nil {
		t.Fatalf("ReadErr after a 410 = %v, want nil", err)
	}
	if got := eng.ReadStats()["configmaps"]; got.Failures != after.Failures || got.FailingFor != 0 {
		t.Fatalf("ReadStats after a 410: %+v, want %d failures as before and failing for 0 (a relist is no failure)", got, after.Failures)
	}
}

// client-go's Watch gives up on a connection that closes before the server answers (EOF: a load
// balancer with no apiserver behind it) by returning an empty watch and no error. That is a failed
// read, not a success: it must show in ReadErr and reach ReadFailed, and clear once a real watch opens.
func TestReadErrSeesWatchesClientGoGaveUpOn(t *testing.T) {
	src := &flakySource{fakeSource: newFakeSource(3, 1)}
	failed := make(chan error, 64)
	eng := New(Options{
		Sources: []Source{src},
		Config:  Config{CollectionInterval: time.Hour, ExportTimeout: time.Minute, MaxDataPointsPerBatch: 100},
		Next:    consumertest.NewNop(),
		Hooks:   Hooks{ReadFailed: func(_ string, err error) { failed <- err }},
	})
	startSynced(t, eng)
	waitFor(t, "the first watch", func() bool { return src.watcher() != nil })
	src.watcher().Add(configMap(7, 1))
	waitFor(t, "the event's record", func() bool { return eng.Objects()["configmaps"] == 4 })
	src.closed.Store(true)
	src.watcher().Stop()

	select {
	case err := <-failed:
		if !errors.Is(err, errWatchClosed) {
			t.Fatalf("ReadFailed(%v), want the closed watch", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no ReadFailed call for an empty watch (Watch calls: %d)", src.calls.Load())
	}
	if err := eng.ReadErr(); !errors.Is(err, errWatchClosed) {
		t.Fatalf("ReadErr = %v, want the closed watch", err)
	}
	src.closed.Store(false)
	deadline := time.After(60 * time.Second)
	for {
		select {
		case err := <-failed:
			if err == nil {
				if err := eng.ReadErr(); err != nil {
					t.Fatalf("ReadErr after recovery = %v, want nil", err)
				}
				return
			}
		case <-deadline:
			t.Fatalf("no recovery after the watch opened again (Watch calls: %d)", src.calls.Load())
		}
	}
}
