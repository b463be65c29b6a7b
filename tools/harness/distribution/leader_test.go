package distribution

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/tools/harness/parity"
)

// Leader election's timing in these tests: a leader that cannot renew gives up after renewDeadline,
// before its Lease (leaseDuration) can pass to another replica.
const (
	leInterval      = time.Second
	leLeaseDuration = 6 * time.Second
	leRenewDeadline = 4 * time.Second
)

// replicas runs replicas of the distribution on one Lease.
type replicas struct {
	t     *testing.T
	lease string
}

func (r replicas) start(name, kubeconfig string) *proc {
	p := startCollector(r.t, name, fmt.Sprintf(`receivers:
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
      renew_deadline: %s
      retry_period: 500ms
exporters:
  nop:
service:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [nop]
`, kubeconfig, leInterval, r.lease, relNS, name, leLeaseDuration, leRenewDeadline))
	p.awaitUp(60 * time.Second)
	return p
}

// state reads a replica's telemetry: whether it leads, and its completed export cycles.
func (r replicas) state(p *proc) (leader bool, cycles float64, err error) {
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

// leaderOf waits until exactly one of ps leads and has completed a cycle; two leaders at once fail.
func (r replicas) leaderOf(ps []*proc, within time.Duration) *proc {
	r.t.Helper()
	var leader *proc
	waitFor(r.t, within, "exactly one replica leads", func() (bool, string) {
		leader = nil
		var desc []string
		for _, p := range ps {
			l, c, err := r.state(p)
			if err != nil {
				return false, err.Error()
			}
			desc = append(desc, fmt.Sprintf("%s leader=%v cycles=%v", p.name, l, c))
			if l {
				if leader != nil {
					r.t.Fatalf("two replicas lead at once: %s", strings.Join(desc, ", "))
				}
				leader = p
			}
		}
		if leader == nil {
			return false, strings.Join(desc, ", ")
		}
		_, c, _ := r.state(leader)
		return c > 0, strings.Join(desc, ", ")
	})
	return leader
}

// exportsAlone checks that leader completes 3 cycles while no other replica of ps exports.
func (r replicas) exportsAlone(leader *proc, ps []*proc) {
	r.t.Helper()
	before := map[*proc]float64{}
	for _, p := range ps {
		_, before[p], _ = r.state(p)
	}
	_, c0, _ := r.state(leader)
	waitFor(r.t, 10*leInterval, leader.name+" completes 3 more cycles", func() (bool, string) {
		_, c, _ := r.state(leader)
		return c >= c0+3, fmt.Sprintf("%v cycles", c)
	})
	for _, p := range ps {
		if p == leader {
			continue
		}
		if l, c, _ := r.state(p); l || c != before[p] {
			r.t.Errorf("standby %s exported while %s led: leader=%v, cycles %v -> %v", p.name, leader.name, l, before[p], c)
		}
	}
}

func newReplicas(t *testing.T) replicas {
	return replicas{t: t, lease: fmt.Sprintf("kubestate-le-%d", time.Now().UnixNano()%1e6)}
}

// TestLeaderElection runs replicas of the distribution on one Lease (leader_election): exactly one
// exports while the others keep their informers synced; when the leader is killed (SIGKILL) another
// exports a cycle within lease_duration + one interval; when it is stopped (SIGTERM) it releases the
// Lease and another takes over well before lease_duration.
func TestLeaderElection(t *testing.T) {
	kubeconfig, _ := seededCluster(t)
	r := newReplicas(t)
	a, b := r.start("replica-a", kubeconfig), r.start("replica-b", kubeconfig)
	leader := r.leaderOf([]*proc{a, b}, 30*time.Second)
	r.exportsAlone(leader, []*proc{a, b})
	other := a
	if leader == a {
		other = b
	}

	// SIGKILL: the Lease is not released; the other takes over once it expires.
	killed := time.Now()
	if err := syscall.Kill(-leader.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	next := r.leaderOf([]*proc{other}, leLeaseDuration+5*leInterval+5*time.Second)
	took := time.Since(killed)
	t.Logf("figures: leader SIGKILLed: %s exported a cycle %s later (lease_duration %s, interval %s)", next.name, took.Round(10*time.Millisecond), leLeaseDuration, leInterval)
	if took > leLeaseDuration+2*leInterval+time.Second {
		t.Errorf("after the leader was killed, %s exported only %s later; want within lease_duration + one interval (%s) plus 1s for the renew loop", next.name, took, leLeaseDuration+leInterval)
	}

	// SIGTERM: the leader releases the Lease on shutdown; a standby takes over well before it would expire.
	c := r.start("replica-c", kubeconfig)
	r.exportsAlone(next, []*proc{next, c})
	stopped := time.Now()
	if _, err := next.sigterm(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	newLeader := r.leaderOf([]*proc{c}, leLeaseDuration+5*time.Second)
	took = time.Since(stopped)
	t.Logf("figures: leader SIGTERMed: %s exported a cycle %s later (lease_duration %s)", newLeader.name, took.Round(10*time.Millisecond), leLeaseDuration)
	if took >= leLeaseDuration {
		t.Errorf("after the leader stopped, %s took over after %s: the Lease was not released (lease_duration %s)", newLeader.name, took, leLeaseDuration)
	}
}

// TestLeaderElectionPartition cuts the leader off the API server (a TCP proxy between them): it must
// stop exporting before its Lease can expire and pass to the standby, so the two never export at
// once, and the standby then takes over.
func TestLeaderElectionPartition(t *testing.T) {
	kubeconfig, _ := seededCluster(t)
	px := testenv.StartProxy(t, strings.TrimPrefix(testenv.Cluster(t).Server, "https://"))
	rc := testenv.RESTConfig(t)
	rc.Host = "https://" + px.Addr()
	viaProxy := filepath.Join(t.TempDir(), "kubeconfig")
	if err := parity.WriteKubeconfig(rc, viaProxy); err != nil {
		t.Fatal(err)
	}
	r := newReplicas(t)
	a := r.start("replica-a", viaProxy)
	r.leaderOf([]*proc{a}, 30*time.Second)
	b := r.start("replica-b", kubeconfig)
	r.exportsAlone(a, []*proc{a, b})

	cut := time.Now()
	px.Cut()
	// Until a stops leading, b must not; a must stop before the Lease it last renewed can expire.
	var stoppedAfter time.Duration
	waitFor(t, leLeaseDuration+10*time.Second, "the partitioned leader stops exporting", func() (bool, string) {
		la, _, errA := r.state(a)
		lb, _, errB := r.state(b)
		if errA != nil || errB != nil {
			return false, fmt.Sprint(errA, errB)
		}
		if la && lb {
			t.Fatalf("both replicas lead %s after the partition", time.Since(cut))
		}
		stoppedAfter = time.Since(cut)
		return !la, "replica-a still leads"
	})
	t.Logf("figures: partitioned leader stopped exporting %s after the cut (renew_deadline %s, lease_duration %s)", stoppedAfter.Round(10*time.Millisecond), leRenewDeadline, leLeaseDuration)
	if stoppedAfter >= leLeaseDuration {
		t.Errorf("the partitioned leader stopped exporting %s after the cut, not before its Lease could expire (%s)", stoppedAfter, leLeaseDuration)
	}
	_, ca, _ := r.state(a)
	next := r.leaderOf([]*proc{a, b}, leLeaseDuration+10*time.Second)
	if next != b {
		t.Fatalf("%s leads after the partition, want replica-b", next.name)
	}
	t.Logf("figures: replica-b exported a cycle %s after the cut", time.Since(cut).Round(10*time.Millisecond))
	if _, c, _ := r.state(a); c != ca {
		t.Errorf("the partitioned replica completed %v more cycles after it stopped leading", c-ca)
	}
}
