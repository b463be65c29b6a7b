package integration

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/testenv"
)

// Churn: pods are created and deleted in waves while the receiver snapshots every 100ms. Checked
// on every exported cycle:
//   - no pod appears twice in one snapshot;
//   - each pod's presence is one unbroken run of cycles: once a snapshot has left a pod out after
//     its delete was handled, no later snapshot has it again (no resurrection through reused
//     store slots or stale records), and no live pod drops out and comes back;
//   - every exported pod is one the test created, with its UID (no torn or foreign records).
//
// At the end the record count (otelcol_kubestate_objects) is back to its baseline, the snapshot
// holds no churned pod, and heap and RSS are back near their baseline.
//
// This plain form churns 2,000 pods; `make reliability` runs the 30,000-pod form
// (TestChurnLong, build tag reliability).

type churnSize struct {
	total, wave, workers int
	interval             time.Duration
}

func TestChurn(t *testing.T) {
	runChurn(t, churnSize{total: 2000, wave: 500, workers: 16, interval: 250 * time.Millisecond})
}

// churnCheck follows every pod across completed cycles.
type churnCheck struct {
	mu        sync.Mutex
	cycles    int
	prev      map[string]bool
	ended     map[string]bool
	seen      map[string]bool
	staled    map[string]int // pod -> cycles that carried stale points for it
	problems  []string
	maxPods   int
	deletedAt map[string]time.Time // pod name -> when the deletes of its wave returned
	maxLag    time.Duration        // deletes returned -> first snapshot without the pod
}

func newChurnCheck() *churnCheck {
	return &churnCheck{prev: map[string]bool{}, ended: map[string]bool{}, seen: map[string]bool{}, staled: map[string]int{}, deletedAt: map[string]time.Time{}}
}

func (cc *churnCheck) problem(format string, args ...any) {
	if len(cc.problems) < 20 {
		cc.problems = append(cc.problems, fmt.Sprintf(format, args...))
	}
}

func (cc *churnCheck) onCycle(c *cycle) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.cycles++
	cc.maxPods = max(cc.maxPods, len(c.objects))
	for key, n := range c.objects {
		if n != 1 {
			cc.problem("cycle %d: pod %s has %d kube_pod_info points", cc.cycles, key, n)
		}
		if cc.ended[key] {
			cc.problem("cycle %d: pod %s is back after a snapshot without it", cc.cycles, key)
		}
		if cc.seen[key] && !cc.prev[key] && !cc.ended[key] {
			cc.problem("cycle %d: pod %s missing from a snapshot while it lived", cc.cycles, key)
		}
		cc.seen[key] = true
	}
	for key, n := range c.stale {
		cc.staled[key]++
		if n != 1 {
			cc.problem("cycle %d: pod %s has %d stale kube_pod_info points", cc.cycles, key, n)
		}
		if c.objects[key] > 0 {
			cc.problem("cycle %d: pod %s is both live and stale", cc.cycles, key)
		}
	}
	for key := range cc.prev {
		if c.objects[key] == 0 {
			cc.ended[key] = true
			name, _, _ := strings.Cut(key, "/")
			if at, ok := cc.deletedAt[name]; ok {
				cc.maxLag = max(cc.maxLag, c.received.Sub(at))
			}
		}
	}
	cc.prev = make(map[string]bool, len(c.objects))
	for key := range c.objects {
		cc.prev[key] = true
	}
}

func runChurn(t *testing.T, sz churnSize) {
	testenv.Cluster(t)
	kubeconfig := testenv.Kubeconfig(t)
	leakCheck(t)
	cs := adminClient(t)
	ctx := context.Background()
	ns := makeNamespace(t, cs, "rel-churn")

	check := newChurnCheck()
	sink := newCycleSink("kube_pod_info", "pod", "uid")
	sink.filter, sink.keep, sink.onDone = podsIn(ns), 4, check.onCycle
	cfg := newConfig()
	// namespaces keeps every cycle non-empty, so cycles are seen even with no churned pod alive.
	cfg.Resources, cfg.Namespaces = []string{"pods", "namespaces"}, []string{ns}
	cfg.CollectionInterval, cfg.ExportTimeout = sz.interval, sz.interval
	// Several batches per cycle; a cycle cut by export_timeout arrives as a prefix, which the sink
	// counts apart, so every cycle the checks see is a complete snapshot.
	cfg.MaxDataPointsPerBatch = 500
	run := startReceiver(t, cfg, kubeconfig, sink)
	sink.waitCycle(t, 0, 30*time.Second, "a first cycle", func(*cycle) bool { return true })
	base := measureMemory()
	baseObjects := run.gauge(t, "otelcol_kubestate_objects")["pods"]

	start := time.Now()
	created := map[string]string{} // name -> uid
	var prevWave []string
	peak := base
	peakObjects := int64(0)
	for from := 0; from < sz.total; from += sz.wave {
		to := min(from+sz.wave, sz.total)
		uids, err := createPods(ctx, cs, ns, "churn", from, to, sz.workers)
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(created, uids)
		// The wave is exported whole by a complete cycle before the previous one is deleted: a
		// pod's life spans at least one delivered snapshot, however many cycles a loaded machine
		// cuts (a pod that lived only through cut cycles would never be seen, by design).
		sink.waitCycle(t, sink.completed(), 2*time.Minute, fmt.Sprintf("every pod of wave %d-%d is exported", from, to), func(c *cycle) bool {
			for name, uid := range uids {
				if c.objects[name+"/"+uid] == 0 {
					return false
				}
			}
			return true
		})
		// Two waves alive: the high point of records and memory.
		m := measureMemory()
		peak.HeapInuseMB, peak.RSSMB = max(peak.HeapInuseMB, m.HeapInuseMB), max(peak.RSSMB, m.RSSMB)
		peakObjects = max(peakObjects, run.gauge(t, "otelcol_kubestate_objects")["pods"])
		if err := deleteAndRecord(ctx, t, cs, ns, prevWave, sz.workers, check); err != nil {
			t.Fatal(err)
		}
		prevWave = slices.Collect(maps.Keys(uids))
	}
	if err := deleteAndRecord(ctx, t, cs, ns, prevWave, sz.workers, check); err != nil {
		t.Fatal(err)
	}
	churnTime := time.Since(start)

	// Back to baseline: the snapshot holds no churned pod and the store no record of one.
	sink.waitCycle(t, sink.completed(), 2*time.Minute, "no churned pod is exported", func(c *cycle) bool { return len(c.objects) == 0 })
	if err := pollUntil(30*time.Second, func() bool { return run.gauge(t, "otelcol_kubestate_objects")["pods"] == baseObjects }); err != nil {
		t.Errorf("otelcol_kubestate_objects{resource=pods} = %d after churn, want the baseline %d", run.gauge(t, "otelcol_kubestate_objects")["pods"], baseObjects)
	}
	n := sink.completed()
	sink.waitCycle(t, n+5, 10*time.Second, "five more cycles", func(*cycle) bool { return true })

	check.mu.Lock()
	problems, cycles, maxPods, maxLag := slices.Clone(check.problems), check.cycles, check.maxPods, check.maxLag
	var foreign []string
	for key := range check.seen {
		name, uid, _ := strings.Cut(key, "/")
		if created[name] != uid {
			foreign = append(foreign, key)
		}
	}
	seen := len(check.seen)
	// Every pod that left the snapshot got a stale point: exactly once if no cycle was dropped; at
	// least once otherwise (a dropped cycle's stale points are sent again by the next).
	cut := run.logs.FilterMessage("export failed").Len()
	var staleWrong []string
	missing := 0
	for key := range check.ended {
		n := check.staled[key]
		if n == 0 {
			missing++
		}
		if (cut == 0 && n != 1) || (cut > 0 && n == 0) {
			staleWrong = append(staleWrong, fmt.Sprintf("%s:%d", key, n))
		}
	}
	staledPods := len(check.staled)
	check.seen, check.ended, check.prev, check.deletedAt = nil, nil, nil, nil // not part of the memory figure
	check.mu.Unlock()
	created = nil

	end := measureMemory()
	t.Logf("figures: churn: %d pods created and deleted in %.1fs (%.0f pods/s) in waves of %d; %d cycles checked, %d distinct pods exported, at most %d at once; records %d -> peak %d -> %d; the last deleted pod of a wave left the snapshot at most %.0fms after the wave's deletes returned",
		sz.total, churnTime.Seconds(), float64(sz.total)/churnTime.Seconds(), sz.wave, cycles, seen, maxPods, baseObjects, peakObjects, run.gauge(t, "otelcol_kubestate_objects")["pods"], float64(maxLag.Milliseconds()))
	t.Logf("figures: churn memory (test process, receiver in it; after GC): heap in use %.1f MB -> peak %.1f MB -> %.1f MB; RSS %.1f MB -> peak %.1f MB -> %.1f MB",
		base.HeapInuseMB, peak.HeapInuseMB, end.HeapInuseMB, base.RSSMB, peak.RSSMB, end.RSSMB)

	stalePoints := run.counter(t, "otelcol_kubestate_stale_data_points")
	t.Logf("cycles cut by export_timeout (dropped): %d; pods marked stale once gone: %d (%d without); otelcol_kubestate_stale_data_points %d", cut, staledPods, missing, stalePoints)
	if stalePoints < int64(staledPods) {
		t.Errorf("otelcol_kubestate_stale_data_points = %d, want at least one per pod marked stale (%d)", stalePoints, staledPods)
	}
	if len(staleWrong) > 0 {
		slices.Sort(staleWrong)
		t.Errorf("%d deleted pods were not marked stale as they should (pod:times), e.g. %v", len(staleWrong), staleWrong[:min(5, len(staleWrong))])
	}
	partial, most := sink.batches()
	t.Logf("figures: up to %d batches per cycle (max_data_points_per_batch %d), %d cycles arrived only in part", most, cfg.MaxDataPointsPerBatch, partial)
	if most < 3 {
		t.Errorf("at most %d batches per cycle; the test is meant to run with several", most)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if len(foreign) > 0 {
		slices.Sort(foreign)
		t.Errorf("%d exported pods were never created by the test (or carry another UID), e.g. %v", len(foreign), foreign[:min(5, len(foreign))])
	}
	if seen != sz.total {
		// Every pod lived through at least one complete cycle (waited for above), so each must have
		// been seen by the check.
		t.Errorf("%d distinct pods exported, want all %d", seen, sz.total)
	}
	// Memory: what churn added must be (mostly) given back. Allowed residue: 25% of the peak
	// growth plus 8 MB (maps do not shrink, the store keeps its high-water slot directory).
	if growth, residue := peak.HeapInuseMB-base.HeapInuseMB, end.HeapInuseMB-base.HeapInuseMB; residue > 0.25*growth+8 {
		t.Errorf("heap in use %.1f MB after churn, baseline %.1f MB, peak %.1f MB: %.1f MB not given back", end.HeapInuseMB, base.HeapInuseMB, peak.HeapInuseMB, residue)
	}
}

func deleteAndRecord(ctx context.Context, t *testing.T, cs kubernetes.Interface, ns string, names []string, workers int, check *churnCheck) error {
	t.Helper()
	if len(names) == 0 {
		return nil
	}
	if err := deletePods(ctx, cs, ns, names, workers); err != nil {
		return err
	}
	now := time.Now()
	check.mu.Lock()
	for _, n := range names {
		check.deletedAt[n] = now
	}
	check.mu.Unlock()
	return nil
}
