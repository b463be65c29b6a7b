package integration

// Helpers for the reliability tests (fault injection on the real control plane): a kubeconfig for
// any identity, a TCP proxy that can partition the receiver from the API server, direct etcd
// access over its JSON gateway, and a consumer that reassembles exported batches into cycles.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/points"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// writeKubeconfig writes a kubeconfig for server with a bearer token, as a user would hand the
// receiver (auth_type: kubeConfig).
func writeKubeconfig(t *testing.T, server, token string, ca []byte) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.CurrentContext = "c"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// running is a receiver started through its factory with observable logs, status and telemetry.
type running struct {
	r      receiver.Metrics
	host   *statusHost
	logs   *observer.ObservedLogs
	tel    *componenttest.Telemetry
	cycles *cycleSink
}

// startReceiver starts a receiver with cfg (auth_type kubeConfig on kubeconfig). It is shut down,
// and its telemetry closed, at the end of the test.
func startReceiver(t *testing.T, cfg *kubestatereceiver.Config, kubeconfig string, sink *cycleSink) *running {
	t.Helper()
	cfg.AuthType, cfg.Kubeconfig = kubestatereceiver.AuthKubeConfig, kubeconfig
	core, logs := observer.New(zap.InfoLevel)
	tel := componenttest.NewTelemetry()
	set := receivertest.NewNopSettings(typ)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	set.Logger = zap.New(core)
	r, err := kubestatereceiver.NewFactory().CreateMetrics(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	sink.failures = func() []int64 {
		var sent []int64
		for _, e := range logs.FilterMessage("export failed").All() {
			sent = append(sent, e.ContextMap()["points_sent"].(int64))
		}
		return sent
	}
	host := &statusHost{}
	if err := r.Start(context.Background(), host); err != nil {
		t.Fatal(err)
	}
	run := &running{r: r, host: host, logs: logs, tel: tel, cycles: sink}
	t.Cleanup(func() { run.stop(t) })
	return run
}

func (run *running) stop(t *testing.T) {
	t.Helper()
	if run.r == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := run.r.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	run.r = nil
	_ = run.tel.Shutdown(context.Background())
}

// gauge reads one of the receiver's own gauges (e.g. otelcol_kubestate_objects) per resource.
func (run *running) gauge(t *testing.T, name string) map[string]int64 {
	t.Helper()
	m, err := run.tel.GetMetric(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := map[string]int64{}
	g, ok := m.Data.(metricdata.Gauge[int64])
	if !ok {
		t.Fatalf("%s is %T, not an int64 gauge", name, m.Data)
	}
	for _, dp := range g.DataPoints {
		res, _ := dp.Attributes.Value("resource")
		out[res.AsString()] = dp.Value
	}
	return out
}

// counter reads an int64 sum of the receiver's telemetry (0 if nothing was recorded yet).
func (run *running) counter(t *testing.T, name string) int64 {
	t.Helper()
	m, err := run.tel.GetMetric(name)
	if err != nil {
		return 0
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("%s is %T, not an int64 sum", name, m.Data)
	}
	var total int64
	for _, dp := range sum.DataPoints {
		total += dp.Value
	}
	return total
}

// statuses returns the status events so far.
func (h *statusHost) all() []*componentstatus.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.events)
}

// cycle is one collection cycle reassembled from its batches (they share a timestamp).
type cycle struct {
	ts       pcommon.Timestamp
	received time.Time // first batch
	points   int
	batches  int
	// objects maps "<key>" of every point of the tracked metric to the number of its points.
	objects map[string]int
	// stale does the same for its stale points (NoRecordedValue: series gone since the last cycle).
	stale map[string]int
	names map[string]bool // metric names seen
}

// cycleSink is the next consumer: it groups batches into cycles by timestamp and keeps, per
// cycle, the objects of one metric (kube_pod_info by default) keyed by some of its attributes.
// A cycle is complete once a batch of a later cycle arrives (the engine runs one at a time). A
// cycle of several batches that missed export_timeout arrives as a prefix: it is counted as cut,
// never as completed, so every cycle the checks see is a whole snapshot.
type cycleSink struct {
	metric string
	keys   []string
	filter func(pcommon.Map) bool // nil keeps every point
	keep   int                    // complete cycles kept (older ones dropped); 0 keeps all
	onDone func(*cycle)           // called with each completed cycle, under the sink's lock
	// failures lists, for each cycle that failed so far, how many points it delivered (the engine
	// logs each failed cycle before the next one starts); set by startReceiver.
	failures func() []int64

	mu       sync.Mutex
	cur      *cycle
	done     []*cycle
	nDone    int
	cut      int // cycles that arrived only in part
	failed   int // failures() at the last completed cycle
	maxBatch int // most batches in one cycle
	notify   chan struct{}
	consumer.Metrics
}

func newCycleSink(metric string, keys ...string) *cycleSink {
	s := &cycleSink{metric: metric, keys: keys, notify: make(chan struct{}, 1)}
	s.Metrics, _ = consumer.NewMetrics(s.consume)
	return s
}

func (s *cycleSink) consume(_ context.Context, md pmetric.Metrics) error {
	var ts pcommon.Timestamp
	objs, stale := map[string]int{}, map[string]int{}
	names := map[string]bool{}
	n := md.DataPointCount()
	points.Each(md, func(m pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		names[m.Name()] = true
		ts = points.Cycle(dp)
		if m.Name() != s.metric {
			return true
		}
		attrs := dp.Attributes()
		if s.filter != nil && !s.filter(attrs) {
			return true
		}
		var b strings.Builder
		for n, key := range s.keys {
			if n > 0 {
				b.WriteByte('/')
			}
			v, _ := attrs.Get(key)
			b.WriteString(v.Str())
		}
		if dp.Flags().NoRecordedValue() {
			stale[b.String()]++
		} else {
			objs[b.String()]++
		}
		return true
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.cur.ts != ts {
		s.finish()
	}
	if s.cur == nil {
		s.cur = &cycle{ts: ts, received: time.Now(), objects: map[string]int{}, stale: map[string]int{}, names: map[string]bool{}}
	}
	s.cur.points += n
	s.cur.batches++
	s.maxBatch = max(s.maxBatch, s.cur.batches)
	for k, n := range objs {
		s.cur.objects[k] += n
	}
	for k, n := range stale {
		s.cur.stale[k] += n
	}
	for n := range names {
		s.cur.names[n] = true
	}
	return nil
}

func (s *cycleSink) finish() {
	c := s.cur
	s.cur = nil
	if s.failures != nil {
		// Cycles that failed since the last one finished: c, if it delivered points, and any that
		// delivered none (their deadline passed before a batch was handed on).
		all := s.failures()
		failed := false
		for _, sent := range all[s.failed:] {
			failed = failed || sent > 0
		}
		s.failed = len(all)
		if failed {
			s.cut++
			return
		}
	}
	if s.onDone != nil {
		s.onDone(c)
	}
	s.done = append(s.done, c)
	s.nDone++
	if s.keep > 0 && len(s.done) > s.keep {
		s.done = slices.Delete(s.done, 0, len(s.done)-s.keep)
	}
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// batches says how many cycles arrived only in part (cut by export_timeout), and the most batches
// one cycle had.
func (s *cycleSink) batches() (cut, most int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cut, s.maxBatch
}

// completed is the number of cycles completed so far.
func (s *cycleSink) completed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nDone
}

// waitCycle waits, up to timeout, for a cycle completed after cycle number `after` for which ok
// holds, and returns it.
func (s *cycleSink) waitCycle(t *testing.T, after int, timeout time.Duration, what string, ok func(*cycle) bool) *cycle {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last *cycle
	for {
		s.mu.Lock()
		first := min(max(len(s.done)-(s.nDone-after), 0), len(s.done))
		for _, c := range s.done[first:] {
			last = c
			if ok(c) {
				s.mu.Unlock()
				return c
			}
		}
		after = max(after, s.nDone)
		s.mu.Unlock()
		remaining := time.Until(deadline)
		if remaining <= 0 {
			desc := "no cycle completed"
			if last != nil {
				desc = fmt.Sprintf("last cycle: %d points, %d tracked objects", last.points, len(last.objects))
			}
			t.Fatalf("no exported cycle where %s within %s (%s)", what, timeout, desc)
		}
		select {
		case <-s.notify:
		case <-time.After(min(remaining, 100*time.Millisecond)):
		}
	}
}

// podsIn is a cycleSink filter for one namespace.
func podsIn(ns string) func(pcommon.Map) bool {
	return func(m pcommon.Map) bool {
		v, ok := m.Get("namespace")
		return ok && v.Str() == ns
	}
}

// leakCheck verifies, after every cleanup registered later (receiver shutdown, client
// connections), that the test left no goroutine behind. Processes the control plane restarts have
// a waiter goroutine of their own; those belong to the control plane, not to the test.
func leakCheck(t *testing.T) {
	t.Helper()
	opts := []goleak.Option{goleak.IgnoreCurrent(),
		goleak.IgnoreAnyFunction("github.com/kubestate/kubestate/internal/testenv/controlplane.(*Cluster).launch.func1")}
	t.Cleanup(func() { goleak.VerifyNone(t, opts...) })
}

// adminClient is an admin clientset whose connections are closed when the test ends.
func adminClient(t *testing.T) kubernetes.Interface {
	t.Helper()
	cfg := testenv.RESTConfig(t)
	tr := newDialTracker()
	cfg.Dial = tr.DialContext
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.CloseAll)
	return cs
}

// --- workload helpers ---

// makeNamespace creates a namespace with its default ServiceAccount (no controller-manager here).
func makeNamespace(t *testing.T, cs kubernetes.Interface, prefix string) string {
	t.Helper()
	ctx := context.Background()
	ns, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().ServiceAccounts(ns.Name).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

func simplePod(ns, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": "churn"}},
		Spec: corev1.PodSpec{
			NodeName:                     "node-0",
			AutomountServiceAccountToken: new(bool),
			Containers:                   []corev1.Container{{Name: "c", Image: "registry.example/app:1"}},
		},
	}
}

// createPods creates pods name-<from>..name-<to-1> with workers in parallel and returns their UIDs by name.
func createPods(ctx context.Context, cs kubernetes.Interface, ns, prefix string, from, to, workers int) (map[string]string, error) {
	var mu sync.Mutex
	uids := map[string]string{}
	err := seed.Parallel(ctx, workers, to-from, func(ctx context.Context, i int) error {
		i += from
		name := prefix + "-" + strconv.Itoa(i)
		p, err := cs.CoreV1().Pods(ns).Create(ctx, simplePod(ns, name), metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create pod %s: %w", name, err)
		}
		mu.Lock()
		uids[name] = string(p.UID)
		mu.Unlock()
		return nil
	})
	return uids, err
}

// deletePods deletes the named pods with workers in parallel (grace period 0: no kubelet here).
func deletePods(ctx context.Context, cs kubernetes.Interface, ns string, names []string, workers int) error {
	zero := int64(0)
	return seed.Parallel(ctx, workers, len(names), func(ctx context.Context, i int) error {
		err := cs.CoreV1().Pods(ns).Delete(ctx, names[i], metav1.DeleteOptions{GracePeriodSeconds: &zero})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete pod %s: %w", names[i], err)
		}
		return nil
	})
}

// --- etcd, over its JSON gRPC gateway (plain HTTP on loopback) ---

type etcdClient struct {
	url string
	hc  *http.Client // without keep-alives: no idle connection outlives a request
}

func (e etcdClient) post(path string, body, out any) error {
	b, _ := json.Marshal(body)
	resp, err := e.hc.Post(e.url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("etcd %s: %s: %s", path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

type etcdHeader struct {
	Header struct {
		Revision string `json:"revision"`
	} `json:"header"`
	Deleted string `json:"deleted"`
}

// deleteKey removes one key behind the API server's back and returns etcd's revision after it.
func (e etcdClient) deleteKey(key string) (deleted bool, revision int64, err error) {
	var out etcdHeader
	if err := e.post("/v3/kv/deleterange", map[string]string{"key": base64.StdEncoding.EncodeToString([]byte(key))}, &out); err != nil {
		return false, 0, err
	}
	rev, _ := strconv.ParseInt(out.Header.Revision, 10, 64)
	return out.Deleted == "1", rev, nil
}

// compact discards etcd's history up to revision: any watch from an older resourceVersion can
// only get "410 Gone" (resource version too old) from then on.
func (e etcdClient) compact(revision int64) error {
	return e.post("/v3/kv/compaction", map[string]any{"revision": strconv.FormatInt(revision, 10), "physical": true}, nil)
}

// dialTracker dials and remembers connections so a test can close its clients' connections (and
// so their goroutines end) before checking for leaks.
type dialTracker struct {
	d     net.Dialer
	mu    sync.Mutex
	conns []net.Conn
}

func newDialTracker() *dialTracker { return &dialTracker{d: net.Dialer{Timeout: 10 * time.Second}} }

func (d *dialTracker) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.d.DialContext(ctx, network, addr)
	if err == nil {
		d.mu.Lock()
		d.conns = append(d.conns, c)
		d.mu.Unlock()
	}
	return c, err
}

func (d *dialTracker) CloseAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		_ = c.Close()
	}
	d.conns = nil
}

// --- memory ---

type memStats struct {
	HeapInuseMB float64
	RSSMB       float64
}

// measureMemory collects garbage, returns freed pages to the OS, and reports heap in use and RSS.
func measureMemory() memStats {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memStats{HeapInuseMB: float64(ms.HeapInuse) / (1 << 20), RSSMB: float64(rssBytes()) / (1 << 20)}
}

func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

var errTimeout = errors.New("timed out")

// pollUntil polls cond every 50ms until it holds or timeout passes.
func pollUntil(timeout time.Duration, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return errTimeout
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}
