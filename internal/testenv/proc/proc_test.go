package proc

import (
	"net"
	"strconv"
	"testing"
)

// TestFreePortBelowTheEphemeralRange: a port the kernel may give an outgoing connection is never
// handed to a child to listen on, and the port is free.
func TestFreePortBelowTheEphemeralRange(t *testing.T) {
	low := ephemeralLow()
	seen := map[int]bool{}
	for range 50 {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if port >= low {
			t.Fatalf("FreePort gave %d, in the ephemeral range from %d", port, low)
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			t.Fatalf("port %d is not free: %v", port, err)
		}
		l.Close()
		seen[port] = true
	}
	if len(seen) < 40 {
		t.Errorf("50 calls gave %d distinct ports; concurrent callers would collide", len(seen))
	}
}
