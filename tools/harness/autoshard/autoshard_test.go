// Package autoshard tests auto_sharding on the local control plane: a StatefulSet and its pods are
// objects (no controller runs; the test plays the StatefulSet controller), and each shard is the
// receiver, made through its factory, with the pod name the StatefulSet would give it.
package autoshard

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
	"github.com/kubestate/kubestate/tools/harness/parity"
)

func TestMain(m *testing.M) {
	testenv.Main(m, func() error {
		// The Collector's telemetry and klog start goroutines of their own that outlive receivers.
		return goleak.Find(goleak.IgnoreAnyFunction("k8s.io/klog/v2.(*flushDaemon).run.func1"),
			goleak.IgnoreAnyFunction("github.com/dlclark/regexp2/v2.runClock"),
			goleak.IgnoreTopFunction("go.opencensus.io/stats/view.(*worker).start"))
	})
}

// interval is every receiver's collection_interval here.
const interval = time.Second

// podStartDelay is how long a new pod's container takes to start (scheduling, image pull).
const podStartDelay = 2 * interval

// probePeriod is how long after a new shard's first export the StatefulSet reports it ready: the
// readiness probe's period, relative to the interval as in deploy/sharded (10s to 30s).
const probePeriod = interval / 3

// delivery is one export cycle of one receiver (one batch: max_data_points_per_batch is large).
type delivery struct {
	at     time.Time          // when it was handed to the consumer
	series map[string]float64 // live series (name{sorted attributes}) -> value; stale points left out
}

// recorder keeps every cycle a receiver exports.
type recorder struct {
	name  string
	mu    sync.Mutex
	all   []delivery
	stall time.Duration // pull: the longest time between two scrapes past scrapePeriod (the harness, not the receiver)
}

func (r *recorder) consume(_ context.Context, md pmetric.Metrics) error {
	d := delivery{at: time.Now(), series: map[string]float64{}}
	rms := md.ResourceMetrics()
	for i := range rms.Len() {
		sms := rms.At(i).ScopeMetrics()
		for j := range sms.Len() {
			ms := sms.At(j).Metrics()
			for k := range ms.Len() {
				m := ms.At(k)
				var dps pmetric.NumberDataPointSlice
				switch m.Type() {
				case pmetric.MetricTypeGauge:
					dps = m.Gauge().DataPoints()
				case pmetric.MetricTypeSum:
					dps = m.Sum().DataPoints()
				default:
					continue
				}
				for p := range dps.Len() {
					dp := dps.At(p)
					if dp.Flags().NoRecordedValue() {
						continue
					}
					v := dp.DoubleValue()
					if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
						v = float64(dp.IntValue())
					}
					d.series[seriesKey(m.Name(), dp.Attributes())] = v
				}
			}
		}
	}
	r.mu.Lock()
	r.all = append(r.all, d)
	r.mu.Unlock()
	return nil
}

func seriesKey(name string, attrs pcommon.Map) string {
	kv := make([]string, 0, attrs.Len())
	for k, v := range attrs.All() {
		kv = append(kv, k+"="+strconv.Quote(v.AsString()))
	}
	sort.Strings(kv)
	return name + "{" + strings.Join(kv, ",") + "}"
}

// since returns the deliveries handed on at or after t.
func (r *recorder) since(t time.Time) []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := sort.Search(len(r.all), func(i int) bool { return !r.all[i].at.Before(t) })
	return slices.Clone(r.all[i:])
}

func (r *recorder) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.all)
}

// instance is one receiver: a shard pod of the StatefulSet, or the unsharded reference.
type instance struct {
	rec      *recorder
	rcv      receiver.Metrics
	status   *statusHost
	scraping context.CancelFunc // pull only
	scraped  chan struct{}
}

// statusHost keeps the last component status a receiver reported: what the distribution's
// readiness probe reads (deploy/sharded), so a shard is ready once it reports StatusOK.
type statusHost struct {
	mu   sync.Mutex
	last componentstatus.Status
}

func (h *statusHost) GetExtensions() map[component.ID]component.Component { return nil }

func (h *statusHost) Report(ev *componentstatus.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = ev.Status()
}

func (h *statusHost) ready() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last == componentstatus.StatusOK
}

// scrapePeriod is how often a pull-only receiver's page is read: its deliveries.
const scrapePeriod = 200 * time.Millisecond

// startInstance starts a receiver watching the pods of watchNS. Push: each cycle it exports is a
// delivery. Pull (push: false): each scrape of its page, every scrapePeriod, is one.
func startInstance(t *testing.T, name, kubeconfig, watchNS string, auto kubestatereceiver.AutoShardingConfig, pull bool) *instance {
	t.Helper()
	f := kubestatereceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*kubestatereceiver.Config)
	cfg.AuthType, cfg.Kubeconfig = kubestatereceiver.AuthKubeConfig, kubeconfig
	cfg.CollectionInterval = interval
	cfg.MaxDataPointsPerBatch = 1 << 20
	cfg.Resources, cfg.Namespaces = []string{"pods"}, []string{watchNS}
	cfg.AutoSharding = auto
	var url string
	if pull {
		port, err := proc.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		cfg.Pull.Endpoint, cfg.Push = "127.0.0.1:"+strconv.Itoa(port), false
		url = "http://" + cfg.Pull.Endpoint + "/metrics"
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{name: name}
	next, err := consumer.NewMetrics(rec.consume)
	if err != nil {
		t.Fatal(err)
	}
	set := receivertest.NewNopSettings(f.Type())
	set.Logger = zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(testWriter{t, name}), zapcore.InfoLevel))
	rcv, err := f.CreateMetrics(context.Background(), set, cfg, next)
	if err != nil {
		t.Fatal(err)
	}
	host := &statusHost{}
	if err := rcv.Start(context.Background(), host); err != nil {
		t.Fatal(err)
	}
	in := &instance{rec: rec, rcv: rcv, status: host}
	if pull {
		ctx, cancel := context.WithCancel(context.Background())
		in.scraping, in.scraped = cancel, make(chan struct{})
		go func() {
			defer close(in.scraped)
			in.scrape(ctx, url)
		}()
	}
	t.Cleanup(func() { in.stop(t) })
	return in
}

// scrape reads the page every scrapePeriod until ctx ends; a page not served yet (503 before the
// first render) or a failed read is no delivery.
func (in *instance) scrape(ctx context.Context, url string) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	t := time.NewTicker(scrapePeriod)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		at := time.Now()
		set, err := parity.ParseText(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			continue
		}
		d := delivery{at: at, series: make(map[string]float64, len(set.Series))}
		for _, s := range set.Series {
			d.series[s.Key()] = s.Value
		}
		in.rec.mu.Lock()
		if n := len(in.rec.all); n > 0 {
			in.rec.stall = max(in.rec.stall, at.Sub(in.rec.all[n-1].at)-scrapePeriod)
		}
		in.rec.all = append(in.rec.all, d)
		in.rec.mu.Unlock()
	}
}

func (in *instance) stop(t *testing.T) {
	if in.rcv == nil {
		return
	}
	if in.scraping != nil {
		in.scraping()
		<-in.scraped // its requests carry the cancelled context
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := in.rcv.Shutdown(ctx); err != nil {
		t.Errorf("%s: shutdown: %v", in.rec.name, err)
	}
	in.rcv = nil
}

type testWriter struct {
	t    *testing.T
	name string
}

func (w testWriter) Write(p []byte) (int, error) {
	if line := strings.TrimSpace(string(p)); strings.Contains(line, "auto_sharding") || strings.Contains(line, "ERROR") || strings.Contains(line, "WARN") {
		w.t.Logf("%s: %s", w.name, line)
	}
	return len(p), nil
}

// statefulSet plays the StatefulSet controller (Parallel pod management, as deploy/sharded): it
// keeps the StatefulSet object, creates and deletes its pods (objects, with the controller's owner
// reference) and starts and stops the shard that each pod would run.
type statefulSet struct {
	t                *testing.T
	cs               kubernetes.Interface
	ns, name         string
	kubeconfig, pods string // the namespace every receiver watches
	pull             bool
	obj              *appsv1.StatefulSet
	shards           map[int]*instance // running now, by ordinal
	ever             []ordinalInstance // every shard started, in order
}

type ordinalInstance struct {
	ordinal int
	in      *instance
}

func (s *statefulSet) create(replicas int) {
	s.t.Helper()
	labels := map[string]string{"app": s.name}
	sts, err := s.cs.AppsV1().StatefulSets(s.ns).Create(context.Background(), &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: s.name, Namespace: s.ns},
		Spec: appsv1.StatefulSetSpec{
			Replicas:            ptr.To(int32(replicas)),
			ServiceName:         s.name,
			PodManagementPolicy: appsv1.ParallelPodManagement,
			Selector:            &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "otelcol-kubestate", Image: "kubestate/otelcol-kubestate:test"}}},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		s.t.Fatal(err)
	}
	s.obj = sts
}

// scale sets spec.replicas, as kubectl scale does.
func (s *statefulSet) scale(replicas int) {
	s.t.Helper()
	sts, err := s.cs.AppsV1().StatefulSets(s.ns).Get(context.Background(), s.name, metav1.GetOptions{})
	if err != nil {
		s.t.Fatal(err)
	}
	sts.Spec.Replicas = ptr.To(int32(replicas))
	if s.obj, err = s.cs.AppsV1().StatefulSets(s.ns).Update(context.Background(), sts, metav1.UpdateOptions{}); err != nil {
		s.t.Fatal(err)
	}
}

// ready reports n ready replicas for the current generation in the StatefulSet's status.
func (s *statefulSet) ready(n int) {
	s.t.Helper()
	sts, err := s.cs.AppsV1().StatefulSets(s.ns).Get(context.Background(), s.name, metav1.GetOptions{})
	if err != nil {
		s.t.Fatal(err)
	}
	sts.Status.ObservedGeneration = sts.Generation
	sts.Status.Replicas, sts.Status.ReadyReplicas, sts.Status.AvailableReplicas = int32(n), int32(n), int32(n)
	if s.obj, err = s.cs.AppsV1().StatefulSets(s.ns).UpdateStatus(context.Background(), sts, metav1.UpdateOptions{}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *statefulSet) podName(ordinal int) string { return s.name + "-" + strconv.Itoa(ordinal) }

// startPod creates pod <name>-<ordinal> and starts its shard.
func (s *statefulSet) startPod(ordinal int) {
	s.t.Helper()
	s.createPod(ordinal)
	s.runShard(ordinal)
}

// createPod creates pod <name>-<ordinal>, as the controller does before its container runs.
func (s *statefulSet) createPod(ordinal int) {
	s.t.Helper()
	name := s.podName(ordinal)
	_, err := s.cs.CoreV1().Pods(s.ns).Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: s.ns, Labels: map[string]string{"app": s.name},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: s.name, UID: s.obj.UID, Controller: ptr.To(true)}}},
		Spec: corev1.PodSpec{NodeName: "node-0", AutomountServiceAccountToken: ptr.To(false),
			Containers: []corev1.Container{{Name: "otelcol-kubestate", Image: "kubestate/otelcol-kubestate:test"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		s.t.Fatal(err)
	}
}

// runShard starts the shard pod <name>-<ordinal> runs.
func (s *statefulSet) runShard(ordinal int) {
	s.t.Helper()
	name := s.podName(ordinal)
	s.shards[ordinal] = startInstance(s.t, name, s.kubeconfig, s.pods, kubestatereceiver.AutoShardingConfig{Enabled: true, PodName: name, PodNamespace: s.ns}, s.pull)
	s.ever = append(s.ever, ordinalInstance{ordinal, s.shards[ordinal]})
}

// stopPod stops the shard of pod <name>-<ordinal> (Shutdown, as on SIGTERM) and deletes the pod.
func (s *statefulSet) stopPod(ordinal int) {
	s.t.Helper()
	s.shards[ordinal].stop(s.t)
	delete(s.shards, ordinal)
	if err := s.cs.CoreV1().Pods(s.ns).Delete(context.Background(), s.podName(ordinal), metav1.DeleteOptions{GracePeriodSeconds: ptr.To(int64(0))}); err != nil {
		s.t.Fatal(err)
	}
}

// churn creates a pod and deletes the oldest every period until stopped; pause holds it.
type churn struct {
	cs     kubernetes.Interface
	ns     string
	mu     sync.Mutex
	paused bool
	live   []string
	n      int
	errs   []error
}

func (c *churn) pod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: c.ns, Labels: map[string]string{"app": "churn"}},
		Spec: corev1.PodSpec{NodeName: "node-0", AutomountServiceAccountToken: ptr.To(false),
			Containers: []corev1.Container{{Name: "c", Image: "registry.example/app:1"}}},
	}
}

func (c *churn) step(ctx context.Context, remove bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		return
	}
	c.n++
	name := "churn-" + strconv.Itoa(c.n)
	if _, err := c.cs.CoreV1().Pods(c.ns).Create(ctx, c.pod(name), metav1.CreateOptions{}); err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.live = append(c.live, name)
	if remove {
		old := c.live[0]
		c.live = c.live[1:]
		if err := c.cs.CoreV1().Pods(c.ns).Delete(ctx, old, metav1.DeleteOptions{GracePeriodSeconds: ptr.To(int64(0))}); err != nil && !apierrors.IsNotFound(err) {
			c.errs = append(c.errs, err)
		}
	}
}

func (c *churn) run(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.step(ctx, true)
		}
	}
}

func (c *churn) pause(on bool) {
	c.mu.Lock()
	c.paused = on
	c.mu.Unlock()
}

// latest is the series of a receiver's last cycle handed on after t, or nil.
func latest(in *instance, t time.Time) map[string]float64 {
	ds := in.rec.since(t)
	if len(ds) == 0 {
		return nil
	}
	return ds[len(ds)-1].series
}

// converged checks that the last cycles of the shards, all handed on after t, hold the reference's
// last cycle after t exactly: every series in exactly one shard, with the same value.
func converged(ref *instance, shards map[int]*instance, t time.Time) (bool, string) {
	want := latest(ref, t)
	if want == nil {
		return false, "no reference cycle yet"
	}
	owner := map[string]int{}
	for k, in := range shards {
		got := latest(in, t)
		if got == nil {
			return false, fmt.Sprintf("no cycle of shard %d yet", k)
		}
		for key, v := range got {
			if prev, dup := owner[key]; dup {
				return false, fmt.Sprintf("%s exported by shards %d and %d", key, prev, k)
			}
			owner[key] = k
			if w, ok := want[key]; !ok || w != v {
				return false, fmt.Sprintf("shard %d exports %s=%v, the unsharded run %v (present: %v)", k, key, v, w, ok)
			}
		}
	}
	for key := range want {
		if _, ok := owner[key]; !ok {
			return false, fmt.Sprintf("%s of the unsharded run is in no shard", key)
		}
	}
	return true, fmt.Sprintf("%d series in %d shards", len(want), len(shards))
}

// waitFor polls cond every 50ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		ok, msg := cond()
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("%s: not within %s (last: %s)", what, timeout, msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// namespaces creates a namespace for the StatefulSet and its pods and one for the pods the shards
// watch.
func namespaces(ctx context.Context, t *testing.T, cs kubernetes.Interface) (mon, work string) {
	t.Helper()
	suffix := strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
	mon, work = "autoshard-mon-"+suffix, "autoshard-work-"+suffix
	for _, ns := range []string{mon, work} {
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		// No controller-manager creates it; pods are refused without it.
		if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return mon, work
}

// TestAutoShardingHoldIsBounded starts the second shard of a StatefulSet whose status says one of
// two replicas is ready and never says more (the other new pod never comes up): the shard reports
// ready once synced but holds its exports, then exports after two collection intervals anyway.
func TestAutoShardingHoldIsBounded(t *testing.T) {
	cs := testenv.Clientset(t)
	kubeconfig := testenv.Kubeconfig(t)
	ctx := t.Context()
	mon, work := namespaces(ctx, t, cs)
	ch := &churn{cs: cs, ns: work}
	for range 10 {
		ch.step(ctx, false)
	}
	sts := &statefulSet{t: t, cs: cs, ns: mon, name: "kubestate", kubeconfig: kubeconfig, pods: work, shards: map[int]*instance{}}
	sts.create(2)
	sts.ready(1)
	start := time.Now()
	sts.startPod(1)
	waitFor(t, 30*time.Second, "shard 1 reports ready (synced)", func() (bool, string) {
		return sts.shards[1].status.ready(), "not yet"
	})
	readyAfter := time.Since(start)
	waitFor(t, 30*time.Second, "shard 1 exports after its hold", func() (bool, string) {
		return len(sts.shards[1].rec.deliveries()) > 0, "no delivery yet"
	})
	first := sts.shards[1].rec.deliveries()[0].at.Sub(start)
	t.Logf("figures: held shard: ready after %s, first export after %s (hold bound %s)", readyAfter.Round(time.Millisecond), first.Round(time.Millisecond), 2*interval)
	if first < 2*interval {
		t.Errorf("shard 1 exported %s after it started, before its hold of two intervals (%s) ran out, while the StatefulSet reported 1 of 2 replicas ready", first, 2*interval)
	}
	if first > readyAfter+2*interval+5*time.Second {
		t.Errorf("shard 1 exported %s after it started; its hold is two intervals (%s) from its start", first, 2*interval)
	}
}

// TestAutoShardingRescale plays a StatefulSet of auto-sharded receivers scaled 3 → 5 → 2 while
// pods churn (one created and the oldest deleted every 150ms), beside an unsharded receiver. After
// each change the shards' last cycles together hold the unsharded one series for series, each
// series in exactly one shard; over the whole run, no series goes undelivered for more than one
// interval past its schedule, and no two shards deliver a series together for more than one
// interval.
func TestAutoShardingRescale(t *testing.T) {
	t.Run("push", func(t *testing.T) { rescale(t, false) })
	// Pull only, as deploy/sharded: each shard's page, scraped every scrapePeriod.
	t.Run("pull", func(t *testing.T) { rescale(t, true) })
}

func rescale(t *testing.T, pull bool) {
	cs := testenv.Clientset(t)
	kubeconfig := testenv.Kubeconfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mon, work := namespaces(ctx, t, cs)
	ch := &churn{cs: cs, ns: work}
	for range 60 {
		ch.step(ctx, false)
	}
	if len(ch.errs) > 0 {
		t.Fatal(ch.errs)
	}

	ref := startInstance(t, "unsharded", kubeconfig, work, kubestatereceiver.AutoShardingConfig{}, pull)
	sts := &statefulSet{t: t, cs: cs, ns: mon, name: "kubestate", kubeconfig: kubeconfig, pods: work, shards: map[int]*instance{}, pull: pull}
	sts.create(3)
	for k := range 3 {
		sts.startPod(k)
	}
	sts.ready(3)
	waitFor(t, 30*time.Second, "3 shards hold the unsharded output", func() (bool, string) { return converged(ref, sts.shards, time.Now().Add(-interval)) })

	var churning sync.WaitGroup
	churning.Add(1)
	go func() {
		defer churning.Done()
		ch.run(ctx, 150*time.Millisecond)
	}()
	defer func() { cancel(); churning.Wait() }()

	// check lets pods churn through the re-shard for 4 intervals, pauses the churn and waits until
	// the shards' cycles after the pause hold the unsharded output.
	check := func(name string) {
		t.Helper()
		time.Sleep(4 * interval) // churn through the re-shard
		ch.pause(true)
		paused := time.Now()
		// Watch events reach every receiver within a few ms; a cycle that starts 200ms after the
		// pause has seen all of them.
		d := waitFor(t, 5*interval, name+": the shards hold the unsharded output", func() (bool, string) {
			return converged(ref, sts.shards, paused.Add(200*time.Millisecond))
		})
		t.Logf("%s: the shards' cycles equal the unsharded one %s after the churn paused", name, d.Round(time.Millisecond))
		ch.pause(false)
	}

	// 3 → 5: the controller creates pods 3 and 4 at once (Parallel); their containers start
	// podStartDelay later. Shards 0–2 sync their new shards at once but keep exporting their
	// objects; shards 3 and 4 sync without exporting (a pod that starts while some replicas are
	// ready waits for all). Once both report StatusOK (the readiness probe) and a probe period
	// later, the status says 5 ready, and every shard switches on that one event.
	//
	// The phase of the change against the old shards' cycles is chosen so that their next cycle
	// falls right after the new pods report ready: the cycle that would export their objects twice
	// if a shard switched late.
	lead := podStartDelay + probePeriod/2
	last := sts.shards[0].rec.deliveries()
	next := last[len(last)-1].at.Add(interval)
	for time.Until(next) < lead {
		next = next.Add(interval)
	}
	time.Sleep(time.Until(next) - lead) // choosing the phase, not waiting for an event
	up := time.Now()
	sts.scale(5)
	sts.createPod(3)
	sts.createPod(4)
	time.Sleep(podStartDelay) // the containers starting
	sts.runShard(3)
	sts.runShard(4)
	waitFor(t, 30*time.Second, "shards 3 and 4 report ready (synced)", func() (bool, string) {
		return sts.shards[3].status.ready() && sts.shards[4].status.ready(), "not yet"
	})
	time.Sleep(probePeriod) // the kubelet's next readiness probe
	if n := len(sts.shards[3].rec.since(up)) + len(sts.shards[4].rec.since(up)); n > 0 {
		t.Errorf("shards 3 and 4 delivered %d times before the StatefulSet reported every replica ready; they must hold their objects until then", n)
	}
	sts.ready(5)
	check("3 → 5")

	// 5 → 2: the controller deletes pods 2–4 at once; shards 0 and 1 take their objects over.
	down := time.Now()
	sts.scale(2)
	for _, k := range []int{4, 3, 2} {
		sts.stopPod(k)
	}
	sts.ready(2)
	check("5 → 2")

	ch.pause(true)
	if len(ch.errs) > 0 {
		t.Fatalf("churn: %v", ch.errs)
	}

	// Every delivery of every shard process, with its ordinal (those before the first change as
	// well: a series exported by a shard since before it counts from then).
	var all []shardDelivery
	for _, sh := range sts.ever {
		for _, d := range sh.in.rec.deliveries() {
			all = append(all, shardDelivery{sh.ordinal, d})
		}
	}
	// A delivery stands for the time until the next: an interval pushed, a scrape period pulled.
	every := interval
	if pull {
		every = scrapePeriod
	}
	ws := windows(all, every, up, down)
	var stall time.Duration // pulled: the longest the harness itself went without scraping a shard
	for _, sh := range sts.ever {
		sh.in.rec.mu.Lock()
		stall = max(stall, sh.in.rec.stall)
		sh.in.rec.mu.Unlock()
	}
	var series int
	for i, w := range ws {
		series += w.series
		if i == 0 {
			continue // before the first change
		}
		name := []string{"", "3 → 5", "5 → 2"}[i]
		t.Logf("figures: %s: %s", name, w)
		// A handover alone overlaps by less than one interval: growing too, since every shard
		// switches when the StatefulSet reports every replica ready.
		dupLimit := interval
		// Pulled, a page is up to an interval old by design: an object a re-shard moves leaves
		// the old shard's page at the switch and is on the new shard's at its next render, up to an
		// interval later; the scrapes see each up to a scrape period late, and later still when
		// the harness itself stalls (a busy machine, the race detector): that is not the receiver's.
		missLimit := interval
		if pull {
			missLimit += 2*scrapePeriod + stall
		}
		if w.missing > missLimit {
			t.Errorf("%s: %s went unexported for %s past its schedule, more than %s", name, w.missingKey, w.missing, missLimit)
		}
		if w.dup > dupLimit {
			t.Errorf("%s: %s was exported by shards %v together for %s, more than %s", name, w.dupKey, w.dupShards, w.dup, dupLimit)
		}
	}
	t.Logf("figures: %d series, %d pods churned", series, ch.n-60)
	if pull {
		t.Logf("figures: the harness' scrapes of a page paused for up to %s", stall.Round(time.Millisecond))
	}
	if series == 0 {
		t.Fatal("no series delivered: the test proves nothing")
	}
}

type shardDelivery struct {
	shard int
	delivery
}

// figures are the windows measured over every shard's deliveries.
type figures struct {
	series int // distinct series first delivered in the phase

	// missing: the longest time a series went undelivered past its schedule (the gap between two
	// consecutive deliveries of it, by any shard, less one interval).
	missing    time.Duration
	missingKey string
	missingAt  time.Time

	// dup: the longest time two shards both exported a series: a shard exports it from its first
	// delivery of a run until one interval after the last (a run ends where the shard skips it
	// for more than 2.5 intervals). A handover alone (the old shard's last cycle, then the new
	// one's first) overlaps by less than one interval; each cycle both deliver adds about one.
	dup       time.Duration
	dupKey    string
	dupShards [2]int
	dupAt     time.Time
	dupSeries int // series exported by two shards at once for more than one interval
}

func (f figures) String() string {
	return fmt.Sprintf("longest time a series went unexported past its schedule %s (%s); longest time two shards exported a series %s (%s, shards %v); %d series exported by two shards longer than a handover (one delivery period)",
		f.missing.Round(time.Millisecond), f.missingKey, f.dup.Round(time.Millisecond), f.dupKey, f.dupShards, f.dupSeries)
}

// windows measures the figures of each phase: a window counts in the phase of the time it ends
// (missing) or starts (dup); phases are separated by bounds, in order.
func windows(all []shardDelivery, interval time.Duration, bounds ...time.Time) []figures {
	phase := func(t time.Time) int {
		n := 0
		for _, b := range bounds {
			if !t.Before(b) {
				n++
			}
		}
		return n
	}
	type at struct {
		t     time.Time
		shard int
	}
	per := map[string][]at{}
	for _, d := range all {
		for key := range d.series {
			per[key] = append(per[key], at{d.at, d.shard})
		}
	}
	fs := make([]figures, len(bounds)+1)
	type run struct {
		shard      int
		start, end time.Time
	}
	for key, ats := range per {
		slices.SortFunc(ats, func(a, b at) int { return a.t.Compare(b.t) })
		fs[phase(ats[0].t)].series++
		for i := 1; i < len(ats); i++ {
			f := &fs[phase(ats[i].t)]
			if m := ats[i].t.Sub(ats[i-1].t) - interval; m > f.missing {
				f.missing, f.missingKey, f.missingAt = m, key, ats[i].t
			}
		}
		var runs []run
		open := map[int]int{} // shard -> index of its open run
		for _, a := range ats {
			if i, ok := open[a.shard]; ok && a.t.Sub(runs[i].end) <= 5*interval/2 {
				runs[i].end = a.t
				continue
			}
			open[a.shard] = len(runs)
			runs = append(runs, run{a.shard, a.t, a.t})
		}
		dup := make([]bool, len(fs))
		for i := range runs {
			for j := i + 1; j < len(runs); j++ {
				a, b := runs[i], runs[j]
				if a.shard == b.shard {
					continue
				}
				from := maxTime(a.start, b.start)
				d := minTime(a.end, b.end).Add(interval).Sub(from)
				if d <= 0 {
					continue
				}
				f := &fs[phase(from)]
				dup[phase(from)] = dup[phase(from)] || d > interval
				if d > f.dup {
					f.dup, f.dupKey, f.dupShards, f.dupAt = d, key, [2]int{a.shard, b.shard}, from
				}
			}
		}
		for i, d := range dup {
			if d {
				fs[i].dupSeries++
			}
		}
	}
	return fs
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
