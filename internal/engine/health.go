package engine

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/watchlist"
)

// readHealth wraps one informer's ListerWatcher and remembers how its last List or Watch call
// ended. The reflector's error handler is not enough to know whether data is current: the
// reflector retries a refused or throttled watch on its own, without calling it, so an apiserver
// that is down would go unnoticed while the snapshot serves the last objects it saw. Every call
// passes through here, so a failure is seen at once and cleared by the next call that succeeds.
type readHealth struct {
	lw       cache.ListerWatcherWithContext
	inner    cache.ListerWatcher
	resource string
	// changed is called from the reflector's goroutine when the state flips (err != nil: failing,
	// or failing differently; nil: readable again).
	changed func(resource string, err error)

	err          atomic.Pointer[error] // the last call's error; nil after a success
	failures     atomic.Int64          // failed calls, 410s excluded
	failingSince atomic.Int64          // unix nanoseconds of the first failure since the last success; 0 while readable
}

func newReadHealth(resource string, lw cache.ListerWatcher, changed func(string, error)) *readHealth {
	return &readHealth{lw: cache.ToListerWatcherWithContext(lw), inner: lw, resource: resource, changed: changed}
}

func (h *readHealth) ListWithContext(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
	obj, err := h.lw.ListWithContext(ctx, opts)
	h.observe(ctx, err)
	return obj, err
}

// emptyWatch is the type of watch client-go returns, with no error, once it stops retrying a watch
// whose connection closed before the server answered (EOF, timeout): the call read nothing.
var emptyWatch = reflect.TypeOf(watch.NewEmptyWatch())

// errWatchClosed stands for the error client-go does not return in that case.
var errWatchClosed = errors.New("failed to watch: the connection to the API server closed before it answered (client-go stopped retrying and returned an empty watch)")

func (h *readHealth) WatchWithContext(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	w, err := h.lw.WatchWithContext(ctx, opts)
	if err == nil && reflect.TypeOf(w) == emptyWatch {
		h.observe(ctx, errWatchClosed)
		return w, nil
	}
	h.observe(ctx, err)
	return w, err
}

func (h *readHealth) List(opts metav1.ListOptions) (runtime.Object, error) {
	return h.ListWithContext(context.Background(), opts)
}

func (h *readHealth) Watch(opts metav1.ListOptions) (watch.Interface, error) {
	return h.WatchWithContext(context.Background(), opts)
}

// IsWatchListSemanticsUnSupported passes the wrapped ListerWatcher's answer on, so wrapping does
// not change whether the reflector streams its initial list.
func (h *readHealth) IsWatchListSemanticsUnSupported() bool {
	return watchlist.DoesClientNotSupportWatchListSemantics(h.inner)
}

func (h *readHealth) observe(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return // shutting down: a cancelled call says nothing about the apiserver
	}
	if err != nil && (apierrors.IsResourceExpired(err) || apierrors.IsGone(err)) {
		return // 410: the resource version is too old; the reflector relists, as the protocol wants
	}
	var prev *error
	if err == nil {
		prev = h.err.Swap(nil)
		h.failingSince.Store(0)
	} else {
		prev = h.err.Swap(&err)
		h.failures.Add(1)
		h.failingSince.CompareAndSwap(0, time.Now().UnixNano())
	}
	switch {
	case err == nil && prev == nil:
	case err == nil:
		h.changed(h.resource, nil)
	case prev == nil || (*prev).Error() != err.Error():
		h.changed(h.resource, err)
	}
}

// failingFor is how long the informer has been unable to read (0 while its last call succeeded).
func (h *readHealth) failingFor(now time.Time) time.Duration {
	if since := h.failingSince.Load(); since != 0 {
		return now.Sub(time.Unix(0, since))
	}
	return 0
}

// Err is the last call's error, nil if it succeeded.
func (h *readHealth) Err() error {
	if p := h.err.Load(); p != nil {
		return *p
	}
	return nil
}
