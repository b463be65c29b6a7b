package integration

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componentstatus"
	"go.uber.org/zap/zapcore"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/testenv"
)

// API server faults under a running receiver. Every test here restarts or partitions the one
// control plane of this test binary, and leaves it running.
//
// How a "410 Gone" is made reliable: while kube-apiserver is down, the test deletes pods straight
// from etcd (as another API server replica would) and compacts etcd at the revision of the last
// delete. The restarted API server's watch cache starts at that revision and etcd keeps no older
// history, so the receiver's watches, which resume from the resourceVersion they last saw, can only
// be answered with "410 Gone: too old resource version" — from the cache or from etcd alike — and
// the deleted pods can only leave the receiver through a relist. A stalled reflector would export
// them forever. expect410 checks the premise with a watch of its own; with client-go's klog at -v=4
// the receiver's reflectors log `"Watch closed" ... err="too old resource version: 228 (242)"`
// and relist about two seconds later.

// exactly holds for a cycle whose pods (name/uid) are want, each with one kube_pod_info point.
func exactly(want map[string]string) func(*cycle) bool {
	return func(c *cycle) bool {
		if len(c.objects) != len(want) {
			return false
		}
		for name, uid := range want {
			if c.objects[name+"/"+uid] != 1 {
				return false
			}
		}
		return true
	}
}

// duplicates lists objects with more than one kube_pod_info point in a cycle.
func duplicates(c *cycle) []string {
	var out []string
	for k, n := range c.objects {
		if n != 1 {
			out = append(out, fmt.Sprintf("%s x%d", k, n))
		}
	}
	return out
}

func TestAPIServerRestartWithDeletesBehindItsBack(t *testing.T) {
	apiserverRestarts(t, 30, 1)
}

// apiserverRestarts starts the receiver on `pods` pods, then `rounds` times: stops kube-apiserver,
// deletes a third of the pods in etcd behind its back and compacts etcd, restarts it, creates a
// few pods, and waits for the exported snapshot to be exactly the live pods again.
func apiserverRestarts(t *testing.T, pods, rounds int) {
	cluster := testenv.Cluster(t)
	kubeconfig := testenv.Kubeconfig(t)
	leakCheck(t)
	cs := adminClient(t)
	ctx := context.Background()
	etcd := etcdClient{url: cluster.EtcdURL, hc: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}

	ns := makeNamespace(t, cs, "rel-restart")
	live, err := createPods(ctx, cs, ns, "before", 0, pods, 16)
	if err != nil {
		t.Fatal(err)
	}
	sink := newCycleSink("kube_pod_info", "pod", "uid")
	sink.filter, sink.keep = podsIn(ns), 100
	cfg := newConfig()
	cfg.Resources, cfg.Namespaces = []string{"pods", "namespaces"}, []string{ns}
	cfg.CollectionInterval, cfg.ExportTimeout = 200*time.Millisecond, 200*time.Millisecond
	cfg.MaxDataPointsPerBatch = 100 // several batches per cycle (the sink counts a cut cycle apart)
	run := startReceiver(t, cfg, kubeconfig, sink)
	sink.waitCycle(t, 0, time.Minute, fmt.Sprintf("all %d pods are exported once", len(live)), exactly(live))

	for round := 1; round <= rounds; round++ {
		statusBefore := len(run.host.all())
		// A resourceVersion the receiver's watches have already passed: after the restart a watch
		// from it must be refused with 410 Gone, which is what forces the receiver to relist.
		list, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		oldRV := list.ResourceVersion

		// Odd rounds crash it (SIGKILL), even rounds stop it gracefully (SIGTERM; it takes up to
		// 15s to exit, after which the control plane kills it).
		stopping := time.Now()
		if round%2 == 1 {
			crash(t, cluster.APIServerPID)
		}
		if err := cluster.StopAPIServer(); err != nil {
			t.Fatal(err)
		}
		down := time.Now()
		names := slices.Sorted(maps.Keys(live))
		var rev int64
		for _, name := range names[:len(names)/3] {
			deleted, r, err := etcd.deleteKey("/registry/pods/" + ns + "/" + name)
			if err != nil || !deleted {
				t.Fatalf("deleting pod %s in etcd: deleted=%v err=%v", name, deleted, err)
			}
			rev = r
			delete(live, name)
		}
		if err := etcd.compact(rev); err != nil {
			t.Fatal(err)
		}
		// Exports go on from the informer caches while the API server is away.
		n := sink.completed()
		c := sink.waitCycle(t, n, 10*time.Second, "a cycle is exported during the outage", func(*cycle) bool { return true })
		if len(c.objects) != len(names) {
			t.Errorf("during the outage a cycle held %d pods, want the %d last known", len(c.objects), len(names))
		}
		// The status says so: client-go retries the refused watch on its own, and the receiver
		// still sees every failed call (the exported data is the last read, not current).
		if err := pollUntil(20*time.Second, func() bool {
			ev := run.host.last()
			return ev != nil && ev.Status() == componentstatus.StatusRecoverableError
		}); err != nil {
			t.Errorf("status while the API server is down: %v, want a recoverable error", run.host.last().Status())
		}
		startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err = cluster.StartAPIServer(startCtx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		ready := time.Now()
		cyclesDuringOutage := sink.completed() - n
		expect410(t, cs, ns, oldRV)
		more, err := createPods(ctx, cs, ns, fmt.Sprintf("after%d", round), 0, max(5, pods/20), 16)
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(live, more)

		// Recovery, with no restart of the receiver: the pods deleted behind the API server's back
		// are gone, the new ones are there, every pod once.
		got := sink.waitCycle(t, sink.completed(), 3*time.Minute, fmt.Sprintf("the snapshot is the %d live pods, each once", len(live)), exactly(live))
		t.Logf("figures: apiserver-restart round %d (%d pods before, %d deleted in etcd): stopped in %.1fs, down %.1fs, %d cycles exported while down, snapshot current %.1fs after the API server was ready",
			round, len(names), len(names)/3, down.Sub(stopping).Seconds(), ready.Sub(down).Seconds(), cyclesDuringOutage, got.received.Sub(ready).Seconds())

		// Later cycles stay right: nothing comes back, nothing is doubled.
		checked := 0
		sink.waitCycle(t, sink.completed(), 10*time.Second, "three more cycles", func(c *cycle) bool {
			if d := duplicates(c); len(d) > 0 {
				t.Fatalf("duplicated pods after recovery: %v", d)
			}
			if !exactly(live)(c) {
				t.Fatalf("a later cycle differs from the live pods: %d objects, want %d", len(c.objects), len(live))
			}
			checked++
			return checked == 3
		})
		reportStatuses(t, run, statusBefore)
		if err := pollUntil(30*time.Second, func() bool {
			ev := run.host.last()
			return ev != nil && ev.Status() == componentstatus.StatusOK
		}); err != nil {
			t.Errorf("status after recovery: %v, want OK", run.host.last().Status())
		}
	}
	cut, most := sink.batches()
	t.Logf("figures: up to %d batches per cycle, %d cycles cut by export_timeout", most, cut)
	if most < 3 {
		t.Errorf("at most %d batches per cycle; the test is meant to run with several", most)
	}
}

// expect410 checks that a watch from rv is refused as expired (410 Gone / "too old resource
// version"), from the API server's cache or from etcd.
func expect410(t *testing.T, cs kubernetes.Interface, ns, rv string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		w, err := cs.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: rv})
		if err == nil {
			var ev watch.Event
			ok := false
			select {
			case ev, ok = <-w.ResultChan():
			case <-ctx.Done():
			}
			w.Stop()
			if ok && ev.Type == watch.Error {
				err = apierrors.FromObject(ev.Object)
			} else if ok {
				t.Fatalf("a watch from resourceVersion %s after the restart got a %s event, want 410 Gone", rv, ev.Type)
			}
		}
		switch {
		case apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
			return
		case apierrors.IsTooManyRequests(err) || err == nil: // watch cache still initializing
		default:
			t.Fatalf("watch from resourceVersion %s after the restart: %v, want 410 Gone", rv, err)
		}
		if ctx.Err() != nil {
			t.Fatalf("no 410 Gone for a watch from resourceVersion %s within 30s (last: %v)", rv, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// crash kills a control plane process (and its process group) with SIGKILL, as a crash would; the
// control plane's Stop* then only reaps it.
func crash(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatal("process not running")
	}
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}

// reportStatuses logs the status events since index from and the receiver's error logs.
func reportStatuses(t *testing.T, run *running, from int) {
	t.Helper()
	var seq []string
	for _, ev := range run.host.all()[from:] {
		s := ev.Status().String()
		if ev.Err() != nil {
			s += "(" + firstLine(ev.Err().Error(), 120) + ")"
		}
		seq = append(seq, s)
	}
	t.Logf("status events during the fault: %v", seq)
	for _, e := range run.logs.FilterLevelExact(zapcore.ErrorLevel).All() {
		t.Logf("receiver error log: %s %v", e.Message, e.ContextMap())
	}
}

func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

func TestEtcdRestartUnderReceiver(t *testing.T) {
	cluster := testenv.Cluster(t)
	kubeconfig := testenv.Kubeconfig(t)
	leakCheck(t)
	cs := adminClient(t)
	ctx := context.Background()

	ns, pods, sink, run := watchedPods(t, cs, kubeconfig, "rel-etcd", 20)
	statusBefore := len(run.host.all())

	stopping := time.Now()
	crash(t, cluster.EtcdPID)
	if err := cluster.StopEtcd(); err != nil {
		t.Fatal(err)
	}
	down := time.Now()
	n := sink.completed()
	sink.waitCycle(t, n, 5*time.Second, "a cycle is exported while etcd is down", exactly(pods))
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := cluster.StartEtcd(startCtx); err != nil {
		t.Fatal(err)
	}
	etcdUp := time.Now()
	// The API server reconnects to etcd on its own (same client URL); wait until it serves writes.
	var more map[string]string
	if err := pollUntil(2*time.Minute, func() bool {
		var err error
		more, err = createPods(ctx, cs, ns, "after", 0, 5, 5)
		return err == nil
	}); err != nil {
		t.Fatalf("the API server did not serve writes within 2 minutes of etcd's restart: %v", err)
	}
	writable := time.Now()
	names := slices.Sorted(maps.Keys(pods))
	if err := deletePods(ctx, cs, ns, names[:5], 5); err != nil {
		t.Fatal(err)
	}
	for _, name := range names[:5] {
		delete(pods, name)
	}
	maps.Copy(pods, more)
	got := sink.waitCycle(t, sink.completed(), 3*time.Minute, "the snapshot is the 20 live pods, each once", exactly(pods))
	t.Logf("figures: etcd-restart: etcd killed (SIGKILL) in %.1fs, down %.1fs, API server writable %.1fs after etcd was up, receiver current %.1fs after that",
		down.Sub(stopping).Seconds(), etcdUp.Sub(down).Seconds(), writable.Sub(etcdUp).Seconds(), got.received.Sub(writable).Seconds())
	reportStatuses(t, run, statusBefore)
}

// TestPartitionBetweenReceiverAndAPIServer cuts every connection between the receiver and the API
// server (a TCP proxy in between) while pods are deleted and created through the API, then heals
// it: the watches resume (or relist) and the snapshot is the live pods again, without a restart.
func TestPartitionBetweenReceiverAndAPIServer(t *testing.T) {
	cluster := testenv.Cluster(t)
	leakCheck(t)
	cs := adminClient(t)
	ctx := context.Background()
	px := testenv.StartProxy(t, strings.TrimPrefix(cluster.Server, "https://"))
	kubeconfig := writeKubeconfig(t, "https://"+px.Addr(), cluster.AdminToken, cluster.CAData)

	ns, pods, sink, run := watchedPods(t, cs, kubeconfig, "rel-partition", 30)
	statusBefore := len(run.host.all())

	cut := time.Now()
	px.Cut()
	names := slices.Sorted(maps.Keys(pods))
	if err := deletePods(ctx, cs, ns, names[:10], 10); err != nil {
		t.Fatal(err)
	}
	for _, name := range names[:10] {
		delete(pods, name)
	}
	more, err := createPods(ctx, cs, ns, "during", 0, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(pods, more)
	// Some 8 seconds (40 cycles) of partition, so the reflectors back off as in a real one.
	n := sink.completed()
	sink.waitCycle(t, n+40, time.Minute, "cycles go on during the partition", func(c *cycle) bool { return len(c.objects) == 30 })
	healed := time.Now()
	px.Restore()
	got := sink.waitCycle(t, sink.completed(), 2*time.Minute, "the snapshot is the 25 live pods, each once", exactly(pods))
	t.Logf("figures: partition: cut %.1fs, receiver current %.1fs after the partition healed",
		healed.Sub(cut).Seconds(), got.received.Sub(healed).Seconds())
	reportStatuses(t, run, statusBefore)
}

// watchedPods creates n pods in a new namespace and a receiver exporting that namespace's pods every
// 200 ms (150 ms export_timeout, batches of 100 points) into a sink of their kube_pod_info points, and waits until a cycle
// holds each pod exactly once.
func watchedPods(t *testing.T, cs kubernetes.Interface, kubeconfig, prefix string, n int) (string, map[string]string, *cycleSink, *running) {
	t.Helper()
	ns := makeNamespace(t, cs, prefix)
	pods, err := createPods(context.Background(), cs, ns, "before", 0, n, 8)
	if err != nil {
		t.Fatal(err)
	}
	sink := newCycleSink("kube_pod_info", "pod", "uid")
	sink.filter, sink.keep = podsIn(ns), 100
	cfg := newConfig()
	cfg.Resources, cfg.Namespaces = []string{"pods"}, []string{ns}
	cfg.CollectionInterval, cfg.ExportTimeout = 200*time.Millisecond, 150*time.Millisecond
	cfg.MaxDataPointsPerBatch = 100 // several batches per cycle
	run := startReceiver(t, cfg, kubeconfig, sink)
	sink.waitCycle(t, 0, 30*time.Second, fmt.Sprintf("all %d pods are exported once", n), exactly(pods))
	return ns, pods, sink, run
}
