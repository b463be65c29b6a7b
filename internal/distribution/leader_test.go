package distribution

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLeaderElection runs replicas of the distribution on one Lease (leader_election): exactly one
// exports while the others keep their informers synced; when the leader is killed (SIGKILL) another
// exports a cycle within lease_duration + one interval; when it is stopped (SIGTERM) it releases the
// Lease and another takes over well before lease_duration.
func TestLeaderElection(t *testing.T) {
	kubeconfig, _ := seededCluster(t)
	const (
		interval      = time.Second
		leaseDuration = 6 * time.Second
	)
	lease := fmt.Sprintf("kubestate-le-%d", time.Now().UnixNano()%1e6)
	start := func(name string) *proc {
		p := startCollector(t, name, fmt.Sprintf(`receivers:
  kubestate:
    auth_type: kubeConfig
    kubeconfig: %q
    collection_interval: %s
    resources: [namespaces, configmaps]
    leader_election:
      enabled: true
      lease_name: %s
      lease_namespace: %s
      identity: %s
      lease_duration: %s
      renew_deadline: 4s
      retry_period: 500ms
exporters:
  nop:
service:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [nop]
`, kubeconfig, interval, lease, relNS, name, leaseDuration))
		p.awaitUp(60 * time.Second)
		return p
	}
	// state reads a replica's telemetry: whether it leads, and its completed export cycles.
	state := func(p *proc) (leader bool, cycles float64, err error) {
		text, err := get(p.telemetry)
		if err != nil {
			return false, 0, err
		}
		l, name := sum(text, "otelcol_kubestate_leader")
		if name == "" {
			return false, 0, fmt.Errorf("no otelcol_kubestate_leader")
		}
		for line := range strings.SplitSeq(text, "\n") {
			if strings.HasPrefix(line, "otelcol_kubestate_snapshot_duration") && strings.Contains(line, "_count") {
				f := strings.Fields(line)
				fmt.Sscan(f[len(f)-1], &cycles)
			}
		}
		return l == 1, cycles, nil
	}
	// leaderOf waits until exactly one of ps leads and only it completes cycles over 3 intervals.
	leaderOf := func(ps []*proc, within time.Duration) (*proc, time.Duration) {
		t.Helper()
		var leader *proc
		took := waitFor(t, within, "exactly one replica leads", func() (bool, string) {
			leader = nil
			var desc []string
			for _, p := range ps {
				l, c, err := state(p)
				if err != nil {
					return false, err.Error()
				}
				desc = append(desc, fmt.Sprintf("%s leader=%v cycles=%v", p.name, l, c))
				if l {
					if leader != nil {
						t.Fatalf("two replicas lead at once: %s", strings.Join(desc, ", "))
					}
					leader = p
				}
			}
			if leader == nil {
				return false, strings.Join(desc, ", ")
			}
			_, c, _ := state(leader)
			return c > 0, strings.Join(desc, ", ")
		})
		return leader, took
	}
	exportsAlone := func(leader *proc, ps []*proc) {
		t.Helper()
		before := map[*proc]float64{}
		for _, p := range ps {
			_, before[p], _ = state(p)
		}
		_, c0, _ := state(leader)
		waitFor(t, 10*interval, leader.name+" completes 3 more cycles", func() (bool, string) {
			_, c, _ := state(leader)
			return c >= c0+3, fmt.Sprintf("%v cycles", c)
		})
		for _, p := range ps {
			if p == leader {
				continue
			}
			if l, c, _ := state(p); l || c != before[p] {
				t.Errorf("standby %s exported while %s led: leader=%v, cycles %v -> %v", p.name, leader.name, l, before[p], c)
			}
		}
	}

	a, b := start("replica-a"), start("replica-b")
	leader, _ := leaderOf([]*proc{a, b}, 30*time.Second)
	exportsAlone(leader, []*proc{a, b})
	other := a
	if leader == a {
		other = b
	}

	// SIGKILL: the Lease is not released; the other takes over once it expires.
	killed := time.Now()
	if err := syscall.Kill(-leader.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	next, _ := leaderOf([]*proc{other}, leaseDuration+5*interval+5*time.Second)
	took := time.Since(killed)
	t.Logf("figures: leader SIGKILLed: %s exported a cycle %s later (lease_duration %s, interval %s)", next.name, took.Round(10*time.Millisecond), leaseDuration, interval)
	if took > leaseDuration+2*interval+time.Second {
		t.Errorf("after the leader was killed, %s exported only %s later; want within lease_duration + one interval (%s) plus 1s for the renew loop", next.name, took, leaseDuration+interval)
	}

	// SIGTERM: the leader releases the Lease on shutdown; a standby takes over well before it would expire.
	c := start("replica-c")
	exportsAlone(next, []*proc{next, c})
	stopped := time.Now()
	if _, err := next.sigterm(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	newLeader, _ := leaderOf([]*proc{c}, leaseDuration+5*time.Second)
	took = time.Since(stopped)
	t.Logf("figures: leader SIGTERMed: %s exported a cycle %s later (lease_duration %s)", newLeader.name, took.Round(10*time.Millisecond), leaseDuration)
	if took >= leaseDuration {
		t.Errorf("after the leader stopped, %s took over after %s: the Lease was not released (lease_duration %s)", newLeader.name, took, leaseDuration)
	}
}
