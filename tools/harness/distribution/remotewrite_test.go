package distribution

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// prometheusBinary is Debian's prometheus package (2.42), which make test installs when missing.
const prometheusBinary = "/usr/bin/prometheus"

// TestRemoteWriteStaleness exports through the distribution's prometheusremotewrite exporter into a
// real Prometheus (its remote-write receiver) while objects churn: ConfigMaps and pods created and
// deleted every 700ms, and two ConfigMaps deleted and created again under their names in swapped
// order, so each comes back in the other's slot and a cycle holds its stale point and its live point
// at once. Prometheus must reject no sample (its out-of-order, out-of-bounds and too-old counters,
// and the remote-write handler's non-2xx responses, all stay at zero; the exporter fails no point),
// every point the exporter sent is a sample, the re-created ConfigMaps stay live, and every deleted object's series ends (an instant query
// stops returning it: the staleness marker) within one collection interval of the delete, where
// without a stale point it would stay for Prometheus' 5-minute lookback.
//
// Short form: 20s of churn. Long form: $KUBESTATE_RELIABILITY_DURATION.
func TestRemoteWriteStaleness(t *testing.T) {
	kubeconfig, cs := seededCluster(t)
	const (
		interval = 2 * time.Second
		ns       = "kubestate-remotewrite"
	)
	prom := startPrometheus(t)
	ctx := t.Context()
	for _, err := range []error{
		ignoreExists(cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})),
		ignoreExists(cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	cms := cs.CoreV1().ConfigMaps(ns)
	createCM := func(name string) {
		t.Helper()
		if err := ignoreExists(cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})); err != nil {
			t.Fatal(err)
		}
	}
	deleteCM := func(name string) {
		t.Helper()
		if err := cms.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
	}
	const gone = 5 // ConfigMaps that live through the churn and are deleted at the end, at one time
	for i := range gone {
		createCM(fmt.Sprintf("gone-%d", i))
	}
	createCM("pair-a")
	createCM("pair-b")

	cfg := fmt.Sprintf(`receivers:
  kubestate:
    auth_type: kubeConfig
    kubeconfig: %q
    collection_interval: %s
    export_timeout: %s
    max_data_points_per_batch: 500
exporters:
  prometheus_remote_write:
    endpoint: %s/api/v1/write
    tls:
      insecure: true
    # One request at a time: Prometheus takes a series' samples in time order only, and concurrent
    # requests of one cycle could arrive in any order.
    max_batch_request_parallelism: 1
    remote_write_queue:
      num_consumers: 1
service:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [prometheus_remote_write]
`, kubeconfig, interval, interval, prom.url)
	p := startCollector(t, "collector", cfg)
	p.awaitUp(60 * time.Second)
	waitFor(t, 3*interval+10*time.Second, "the first cycle reaches Prometheus", func() (bool, string) {
		n, err := prom.count(fmt.Sprintf(`kube_configmap_info{namespace=%q}`, ns), time.Now())
		return err == nil && n == gone+2, fmt.Sprintf("%d series, %v", n, err)
	})

	churn := 20 * time.Second
	if long {
		churn = longDuration(t)
	}
	pods := cs.CoreV1().Pods(ns)
	rounds := 0
	for start := time.Now(); time.Since(start) < churn; rounds++ {
		createCM(fmt.Sprintf("churn-%d", rounds))
		deleteCM(fmt.Sprintf("churn-%d", rounds-3))
		// Freed slots are reused last-in first-out: a then b deleted, a then b created again, so
		// each takes the other's slot and its old slot's stale point meets its new slot's live one.
		deleteCM("pair-a")
		deleteCM("pair-b")
		createCM("pair-a")
		createCM("pair-b")
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("churn-%d", rounds)},
			Spec: corev1.PodSpec{
				AutomountServiceAccountToken: ptr.To(false),
				Containers:                   []corev1.Container{{Name: "app", Image: "registry.invalid/app:1"}},
			},
		}
		if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := pods.Delete(ctx, fmt.Sprintf("churn-%d", rounds-2), metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond) // the churn's pace, not a synchronisation
	}

	// The end of a series: delete the long-lived ConfigMaps at once and find, to 10ms, the last
	// time an instant query still returns each.
	deleted := time.Now()
	for i := range gone {
		deleteCM(fmt.Sprintf("gone-%d", i))
	}
	waitFor(t, 3*interval+10*time.Second, "two cycles after the deletes reach Prometheus", func() (bool, string) {
		latest, err := prom.latestSample(fmt.Sprintf(`kube_configmap_info{namespace=%q, configmap="pair-a"}`, ns))
		return err == nil && latest.Sub(deleted) >= 2*interval, fmt.Sprintf("latest sample at delete%+v (%v)", latest.Sub(deleted), err)
	})
	var worst time.Duration
	for i := range gone {
		q := fmt.Sprintf(`kube_configmap_info{namespace=%q, configmap="gone-%d"}`, ns, i)
		last, err := prom.lastPresent(q, deleted.Add(-interval), deleted.Add(3*interval), 10*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		end := last.Sub(deleted)
		worst = max(worst, end)
		// Within one interval: the first cycle after the informer saw the delete marks it stale.
		// 300ms for the watch event and timer jitter on a shared machine.
		if end > interval+300*time.Millisecond {
			t.Errorf("%s: still returned %s after the delete; want its series ended within one interval (%s)", q, end.Round(time.Millisecond), interval)
		}
	}
	for _, name := range []string{"pair-a", "pair-b"} {
		if n, err := prom.count(fmt.Sprintf(`kube_configmap_info{namespace=%q, configmap=%q}`, ns, name), time.Now()); err != nil || n != 1 {
			t.Errorf("re-created ConfigMap %s: %d series now (%v), want 1: a stale point hid its live one", name, n, err)
		}
	}

	// Nothing was refused, by Prometheus or by the exporter.
	self, err := get(prom.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var rejected []string
	for _, name := range []string{"prometheus_tsdb_out_of_order_samples_total", "prometheus_tsdb_out_of_bound_samples_total",
		"prometheus_tsdb_too_old_samples_total", "prometheus_tsdb_head_out_of_order_samples_appended_total"} {
		if v, _ := sum(self, name); v != 0 {
			rejected = append(rejected, fmt.Sprintf("%s=%v", name, v))
		}
	}
	written := 0.0
	for _, s := range series(self, "prometheus_http_requests_total") {
		if !strings.Contains(s.labels, `handler="/api/v1/write"`) {
			continue
		}
		if strings.Contains(s.labels, `code="2`) {
			written += s.value
		} else if s.value > 0 {
			rejected = append(rejected, fmt.Sprintf("remote-write requests {%s}=%v", s.labels, s.value))
		}
	}
	// Every point the exporter had accepted must be a sample: Prometheus 2.42 drops a second value
	// for a series' timestamp within one request silently, as if it were an exact duplicate, so
	// only this comparison shows it. Read between two exports (the exporter's count unchanged
	// around Prometheus' own).
	var sent, appended, stale float64
	waitFor(t, 10*interval, "the exporter's and Prometheus' counts read between two exports", func() (bool, string) {
		tel0, err0 := get(p.telemetry)
		self, err1 := get(prom.url + "/metrics")
		tel1, err2 := get(p.telemetry)
		if err := errors.Join(err0, err1, err2); err != nil {
			return false, err.Error()
		}
		sent, _ = sum(tel0, "otelcol_exporter_sent_metric_points")
		sent1, _ := sum(tel1, "otelcol_exporter_sent_metric_points")
		appended, _ = sum(self, "prometheus_tsdb_head_samples_appended_total")
		stale, _ = sum(tel1, "otelcol_kubestate_stale_data_points")
		if v, _ := sum(tel1, "otelcol_exporter_send_failed_metric_points"); v != 0 {
			rejected = append(rejected, fmt.Sprintf("otelcol_exporter_send_failed_metric_points=%v", v))
		}
		return sent == sent1, fmt.Sprintf("sent %v then %v", sent, sent1)
	})
	if appended != sent {
		rejected = append(rejected, fmt.Sprintf("Prometheus appended %v samples of the %v points the exporter sent (%+v)", appended, sent, appended-sent))
	}
	t.Logf("figures: %d churn rounds over %s (interval %s): %v points sent in %v remote-write requests, %v samples appended, %v stale points; deleted series ended at most %s after the delete",
		rounds, churn, interval, sent, written, appended, stale, worst.Round(10*time.Millisecond))
	if len(rejected) > 0 {
		t.Errorf("samples rejected: %s\nPrometheus log:\n%s", strings.Join(rejected, ", "), tailFile(prom.logPath, 20))
	}
	if written == 0 || stale == 0 {
		t.Errorf("the test proved nothing: %v remote-write requests accepted, %v stale points", written, stale)
	}
}

func ignoreExists[T any](_ T, err error) error {
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// promServer is a Prometheus of this test on a free loopback port, with its own storage.
type promServer struct {
	url, logPath string
}

// startPrometheus runs /usr/bin/prometheus with the remote-write receiver on, until the test ends.
func startPrometheus(t *testing.T) *promServer {
	t.Helper()
	if _, err := os.Stat(prometheusBinary); err != nil {
		t.Fatalf("%s: %v (make test installs Debian's prometheus package: apt-get install prometheus)", prometheusBinary, err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s := &promServer{url: "http://" + addr, logPath: filepath.Join(dir, "prometheus.log")}
	logf, err := os.Create(s.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(prometheusBinary, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--web.enable-remote-write-receiver")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	waitFor(t, 30*time.Second, "Prometheus ready", func() (bool, string) {
		select {
		case <-done:
			t.Fatalf("prometheus exited:\n%s", tailFile(s.logPath, 20))
		default:
		}
		_, err := get(s.url + "/-/ready")
		return err == nil, fmt.Sprint(err)
	})
	return s
}

type promResponse struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

func (s *promServer) api(path string, args url.Values) (*promResponse, error) {
	body, err := get(s.url + path + "?" + args.Encode())
	if err != nil {
		return nil, err
	}
	var r promResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s", path, r.Error)
	}
	return &r, nil
}

// count is the number of series an instant query for q returns at t.
func (s *promServer) count(q string, t time.Time) (int, error) {
	r, err := s.api("/api/v1/query_range", url.Values{"query": {q}, "start": {ts(t)}, "end": {ts(t)}, "step": {"1"}})
	if err != nil {
		return 0, err
	}
	return len(r.Data.Result), nil
}

// latestSample is the timestamp of the newest sample of the one series q selects now.
func (s *promServer) latestSample(q string) (time.Time, error) {
	now := time.Now()
	r, err := s.api("/api/v1/query_range", url.Values{"query": {"timestamp(" + q + ")"}, "start": {ts(now)}, "end": {ts(now)}, "step": {"1"}})
	if err != nil {
		return time.Time{}, err
	}
	if len(r.Data.Result) != 1 || len(r.Data.Result[0].Values) != 1 {
		return time.Time{}, fmt.Errorf("%s: %d series, want 1", q, len(r.Data.Result))
	}
	v, _ := r.Data.Result[0].Values[0][1].(string)
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: value %q: %w", q, v, err)
	}
	return time.UnixMilli(int64(f * 1000)), nil
}

// lastPresent is the last time in [from, to], in steps of step, at which an instant query for q
// returns something: just before the series' staleness marker (or its last sample plus the 5-minute
// lookback).
func (s *promServer) lastPresent(q string, from, to time.Time, step time.Duration) (time.Time, error) {
	r, err := s.api("/api/v1/query_range", url.Values{"query": {q}, "start": {ts(from)}, "end": {ts(to)},
		"step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}})
	if err != nil {
		return time.Time{}, err
	}
	var last time.Time
	for _, res := range r.Data.Result {
		for _, v := range res.Values {
			f, _ := v[0].(float64)
			if at := time.UnixMilli(int64(f * 1000)); at.After(last) {
				last = at
			}
		}
	}
	if last.IsZero() {
		return last, fmt.Errorf("%s: no sample between %s and %s", q, from.Format("15:04:05.000"), to.Format("15:04:05.000"))
	}
	return last, nil
}

func ts(t time.Time) string { return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64) }
