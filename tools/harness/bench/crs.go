package bench

// The custom resource bench (bench -crs N, make bench-crs): N Releases of bench.kubestate.io,
// measured with one custom resource state config (testdata/bench/crs) read unchanged by both sides.

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/testenv/seed"
)

const (
	// CRSDir holds the bench's CRD (crd.yaml) and its custom resource state config (config.yaml),
	// relative to the repository root.
	CRSDir = "testdata/bench/crs"
	// CRSSeriesPerObject is what config.yaml makes of every Release: replicas, suspended, four
	// phase states, info, and one condition series for each of its two conditions.
	CRSSeriesPerObject = 9

	crsNamespaces   = seed.ReleaseNamespaces
	crsNamespaceFmt = seed.ReleaseNamespaceFmt
	crsFieldManager = "kubestate-bench"
)

// Releases is the bench's custom resource.
var Releases = schema.GroupVersionResource{Group: "bench.kubestate.io", Version: "v1", Resource: "releases"}

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// CRSConfigFile is the custom resource state config both sides read.
func CRSConfigFile() string { return filepath.Join(CRSDir, "config.yaml") }

func applyRelease(ctx context.Context, dyn dynamic.Interface, i, rev int) error {
	r := seed.Release(i, rev)
	_, err := dyn.Resource(Releases).Namespace(r.GetNamespace()).Apply(ctx, r.GetName(), r, metav1.ApplyOptions{FieldManager: crsFieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("release %s/%s: %w", r.GetNamespace(), r.GetName(), err)
	}
	return nil
}

// CountReleases counts the bench's Releases in the cluster (0 when the CRD is not there yet).
func CountReleases(ctx context.Context, dyn dynamic.Interface) (int, error) {
	n := 0
	opts := metav1.ListOptions{Limit: 1000}
	for {
		list, err := dyn.Resource(Releases).List(ctx, opts)
		if apierrors.IsNotFound(err) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		for _, r := range list.Items {
			if strings.HasPrefix(r.GetNamespace(), "crs-") {
				n++
			}
		}
		if list.GetContinue() == "" {
			return n, nil
		}
		opts.Continue = list.GetContinue()
	}
}

// SeedReleases creates the bench's CRD, waits until it is served, and server-side applies Releases
// 0..n-1 on workers goroutines (16 when 0), reporting progress to log. Applying is idempotent: a
// reused cluster is brought back to revision 0.
func SeedReleases(ctx context.Context, cs kubernetes.Interface, dyn dynamic.Interface, n, workers int, log io.Writer) error {
	if workers == 0 {
		workers = 16
	}
	start := time.Now()
	if err := applyCRD(ctx, dyn); err != nil {
		return err
	}
	for i := range crsNamespaces {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf(crsNamespaceFmt, i)}}
		if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("namespace %s: %w", ns.Name, err)
		}
	}
	var done atomic.Int64
	var mu sync.Mutex
	lastReport := time.Now()
	err := seed.Parallel(ctx, workers, n, func(ctx context.Context, i int) error {
		if err := applyRelease(ctx, dyn, i, 0); err != nil {
			return err
		}
		d := done.Add(1)
		mu.Lock()
		defer mu.Unlock()
		if time.Since(lastReport) > 5*time.Second {
			fmt.Fprintf(log, "seed: %d/%d releases (%.0f/s)\n", d, n, float64(d)/time.Since(start).Seconds())
			lastReport = time.Now()
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "seed: %d releases in %d namespaces in %.1fs\n", n, crsNamespaces, time.Since(start).Seconds())
	return nil
}

// applyCRD applies crd.yaml and waits (a minute at most) until the apiserver serves it.
func applyCRD(ctx context.Context, dyn dynamic.Interface) error {
	path := filepath.Join(CRSDir, "crd.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	objs, err := seed.Parse(path, data)
	if err != nil {
		return err
	}
	if len(objs) != 1 || objs[0].Obj.GetKind() != "CustomResourceDefinition" {
		return fmt.Errorf("%s: want one CustomResourceDefinition", path)
	}
	crd := objs[0].Obj
	if _, err := dyn.Resource(crdResource).Apply(ctx, crd.GetName(), crd, metav1.ApplyOptions{FieldManager: crsFieldManager, Force: true}); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	deadline := time.NewTimer(time.Minute)
	defer deadline.Stop()
	poll := time.NewTicker(100 * time.Millisecond)
	defer poll.Stop()
	for {
		got, err := dyn.Resource(crdResource).Get(ctx, crd.GetName(), metav1.GetOptions{})
		if err == nil && crdEstablished(got) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("CRD %s not established within a minute (last error: %v)", crd.GetName(), err)
		case <-poll.C:
		}
	}
}

func crdEstablished(crd *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conds {
		if m, _ := c.(map[string]any); m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

// ReleaseChurn keeps the Releases changing as controllers would: updates (a Release moves to its
// next revision: values change, the set of series does not) and replacements (a Release is deleted
// and applied again under the same name).
type ReleaseChurn struct {
	Client             dynamic.Interface
	Releases           int // churned: Releases 0..Releases-1
	UpdatesPerSec      float64
	ReplacementsPerSec float64

	rev atomic.Int64
	mu  sync.Mutex
	rnd *rand.Rand

	Updates, Replacements, Errors atomic.Int64
}

// Run churns until ctx ends.
func (c *ReleaseChurn) Run(ctx context.Context) {
	if c.Releases == 0 {
		return
	}
	c.rnd = rand.New(rand.NewPCG(5, 6))
	var wg sync.WaitGroup
	loop := func(rate float64, op func(context.Context, int, int) error, count *atomic.Int64) {
		atRate(ctx, &wg, rate, func(ctx context.Context) error {
			c.mu.Lock()
			i := c.rnd.IntN(c.Releases)
			c.mu.Unlock()
			return op(ctx, i, int(c.rev.Add(1)))
		}, count, &c.Errors)
	}
	loop(c.UpdatesPerSec, func(ctx context.Context, i, rev int) error { return applyRelease(ctx, c.Client, i, rev) }, &c.Updates)
	loop(c.ReplacementsPerSec, c.replace, &c.Replacements)
	wg.Wait()
}

func (c *ReleaseChurn) replace(ctx context.Context, i, rev int) error {
	r := seed.Release(i, rev)
	err := c.Client.Resource(Releases).Namespace(r.GetNamespace()).Delete(ctx, r.GetName(), metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return applyRelease(ctx, c.Client, i, rev)
}

// CheckSeriesCounts is the bench's parity sanity check: both sides hold every series of the
// Releases, no more and no fewer.
func CheckSeriesCounts(ksm, kubestate, want int) error {
	if ksm == want && kubestate == want {
		return nil
	}
	return fmt.Errorf("series differ: kube-state-metrics %d, kubestate %d, want %d (%d per Release of %s): a parity bug, or a Release the config does not fit",
		ksm, kubestate, want, CRSSeriesPerObject, CRSConfigFile())
}

// CRSResult is a run of the custom resource bench. Result's Pods is unused; CPU and memory are
// summarized as for pods.
type CRSResult struct {
	Result
	Releases int
	Want     int // series a complete delivery holds: Releases × CRSSeriesPerObject
}

// Line is the run's last line.
func (r CRSResult) Line() string {
	return fmt.Sprintf("bench-crs: crs=%d series=%d/%d cpu_ratio=%.2f rss_ratio=%.2f kubestate_cpu_s=%.1f ksm_cpu_s=%.1f kubestate_rss_mb=%.1f ksm_rss_mb=%.1f",
		r.Releases, r.Kubestate.PerCycle, r.KSM.PerCycle, r.CPURatio(), r.RSSRatio(),
		r.Kubestate.CPUTotal.Seconds(), r.KSM.CPUTotal.Seconds(), float64(r.Kubestate.RSSSteady)/1e6, float64(r.KSM.RSSSteady)/1e6)
}

// Table renders both sides and their ratios.
func (r CRSResult) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "custom resources=%d (%d series each)  collection interval %s  steady window %s (%d KSM scrapes, %d kubestate cycles)\n\n",
		r.Releases, CRSSeriesPerObject, r.Interval, r.EndedAt.Sub(r.SteadyFrom).Round(time.Second), r.KSM.Cycles, r.Kubestate.Cycles)
	row := func(name, ksm, ks, ratio string) {
		fmt.Fprintf(&b, "| %-34s | %14s | %14s | %7s |\n", name, ksm, ks, ratio)
	}
	secs := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	mb := func(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
	rt := func(a, b float64) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", a/b)
	}
	first := func(d time.Duration) string {
		if d < 0 {
			return "never"
		}
		return secs(d)
	}
	k, s := r.KSM, r.Kubestate
	row("measure", "kube-state-metrics", "kubestate", "ratio")
	b.WriteString("|------------------------------------|----------------|----------------|---------|\n")
	row("CPU total (start to end of window)", secs(k.CPUTotal), secs(s.CPUTotal), rt(s.CPUTotal.Seconds(), k.CPUTotal.Seconds()))
	row("CPU in the steady window", secs(k.CPUSteady), secs(s.CPUSteady), rt(s.CPUSteady.Seconds(), k.CPUSteady.Seconds()))
	row("start-up CPU (to window start)", secs(k.CPUTotal-k.CPUSteady), secs(s.CPUTotal-s.CPUSteady),
		rt((s.CPUTotal-s.CPUSteady).Seconds(), (k.CPUTotal-k.CPUSteady).Seconds()))
	row("RSS steady (mean)", mb(k.RSSSteady), mb(s.RSSSteady), rt(float64(s.RSSSteady), float64(k.RSSSteady)))
	row("RSS steady (max)", mb(k.RSSSteadyMax), mb(s.RSSSteadyMax), rt(float64(s.RSSSteadyMax), float64(k.RSSSteadyMax)))
	row("RSS peak during start-up (VmHWM)", mb(k.PeakStartup), mb(s.PeakStartup), rt(float64(s.PeakStartup), float64(k.PeakStartup)))
	row("first complete scrape / export", first(k.FirstComplete), first(s.FirstComplete), "")
	row("series per cycle", fmt.Sprint(k.PerCycle), fmt.Sprint(s.PerCycle), rt(float64(s.PerCycle), float64(k.PerCycle)))
	row("bytes per cycle (text / OTLP)", mb(uint64(k.BytesPerCycle)), mb(uint64(s.BytesPerCycle)), rt(float64(s.BytesPerCycle), float64(k.BytesPerCycle)))
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nnote: %s", n)
	}
	if len(r.Notes) > 0 {
		b.WriteByte('\n')
	}
	return b.String()
}

// steadyEqual reports whether the last k deliveries all hold the same, non-zero, number of points:
// a side that has listed everything and evaluates it the same way every cycle.
func steadyEqual(ds []Delivery, k int) (int, bool) {
	if len(ds) < k {
		return 0, false
	}
	n := ds[len(ds)-1].Points
	for _, d := range ds[len(ds)-k:] {
		if d.Points != n {
			return 0, false
		}
	}
	return n, n > 0
}

// CRSSync says, from what both sides delivered so far on a still cluster, whether both deliver
// every series (done), or an error once both have settled (the same count three deliveries in a
// row) on counts that fail CheckSeriesCounts.
func CRSSync(ksm, kubestate []Delivery, want int) (done bool, err error) {
	if n := len(ksm); n > 0 && ksm[n-1].Points == want {
		for _, d := range kubestate {
			if d.Points == want {
				return true, nil
			}
		}
	}
	a, okA := steadyEqual(ksm, 3)
	b, okB := steadyEqual(kubestate, 3)
	if okA && okB {
		return false, CheckSeriesCounts(a, b, want)
	}
	return false, nil
}
