package kubestatereceiver

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// connTracker dials the API server and remembers every connection, so Shutdown can close them all:
// an HTTP/2 connection that was streaming watches is not "idle" the instant they end, and its reader
// goroutine would otherwise outlive the receiver. A custom dialer also keeps client-go from sharing
// one cached transport between receivers.
type connTracker struct {
	dialer net.Dialer
	mu     sync.Mutex
	conns  map[*trackedConn]struct{}
	closed bool
}

func newConnTracker() *connTracker {
	return &connTracker{dialer: net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}, conns: map[*trackedConn]struct{}{}}
}

var errReceiverStopped = errors.New("kubestate receiver is shut down")

func (t *connTracker) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := t.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, t: t}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		_ = c.Close()
		return nil, errReceiverStopped
	}
	t.conns[tc] = struct{}{}
	return tc, nil
}

// CloseAll closes every open connection and refuses new ones.
func (t *connTracker) CloseAll() {
	t.mu.Lock()
	conns := t.conns
	t.conns, t.closed = map[*trackedConn]struct{}{}, true
	t.mu.Unlock()
	for c := range conns {
		_ = c.Conn.Close()
	}
}

type trackedConn struct {
	net.Conn
	t    *connTracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.t.mu.Lock()
		delete(c.t.conns, c)
		c.t.mu.Unlock()
	})
	return c.Conn.Close()
}
