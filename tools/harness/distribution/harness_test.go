package distribution

// Harness for the reliability tests: runs the built collector as a child process and measures it
// from outside, the way an operator would.
//
//   - goroutines: the collector exposes no goroutine count in its telemetry (v0.165 has only
//     otelcol_process_*: cpu, rss, heap, sys memory, uptime), so the child runs with
//     GODEBUG=schedtrace=1000,scheddetail=1 and the runtime itself lists every goroutine on stderr
//     once a second; the collector's own logs go to a file, so stderr holds only that list.
//   - RSS, threads and open descriptors: /proc/<pid>.
//   - receiver telemetry (otelcol_kubestate_*): the collector's internal telemetry, pulled from a
//     Prometheus reader on a free loopback port (service.telemetry.metrics.readers).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/testenv"
	child "github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// ---- the collector process ----

type proc struct {
	t         *testing.T
	name      string
	cmd       *exec.Cmd
	pid       int
	started   time.Time
	logPath   string // the collector's zap log
	errPath   string // stderr: the runtime's goroutine list
	telemetry string // base URL of the internal telemetry endpoint
	done      chan struct{}
	exitedAt  time.Time
	waitErr   error
	sched     *schedReader
}

// startCollector runs _build/otelcol-kubestate with the pipeline config plus a telemetry config the
// harness writes (logs to a file, a Prometheus pull reader on a free port). It is killed (its whole
// process group) when the test ends, unless it has exited. env is added to the environment.
func startCollector(t *testing.T, name, pipeline string, env ...string) *proc {
	t.Helper()
	return startCollectorBinary(t, collector(t), name, pipeline, env...)
}

// startCollectorBinary is startCollector with another build of the distribution.
func startCollectorBinary(t *testing.T, bin, name, pipeline string, env ...string) *proc {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, name: name, logPath: filepath.Join(dir, "collector.log"), errPath: filepath.Join(dir, "stderr.txt"), done: make(chan struct{})}
	port := freePort(t)
	p.telemetry = fmt.Sprintf("http://127.0.0.1:%d/metrics", port)
	telemetry := fmt.Sprintf(`service:
  telemetry:
    logs:
      level: info
      output_paths: [%q]
      error_output_paths: [%q]
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
`, p.logPath, p.logPath, port)
	pipeCfg, telCfg := filepath.Join(dir, "pipeline.yaml"), filepath.Join(dir, "telemetry.yaml")
	if err := os.WriteFile(pipeCfg, []byte(pipeline), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(telCfg, []byte(telemetry), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr, err := os.Create(p.errPath)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	p.cmd = exec.Command(bin, "--config", pipeCfg, "--config", telCfg)
	p.cmd.Stdout, p.cmd.Stderr = stderr, stderr
	p.cmd.Env = append(append(os.Environ(), "GODEBUG=schedtrace=1000,scheddetail=1"), env...)
	// Its own process group, killed at cleanup; and killed by the kernel should this test binary die
	// without cleaning up (a -timeout panic).
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.pid, p.started = p.cmd.Process.Pid, time.Now()
	go func() {
		err := p.cmd.Wait()
		p.exitedAt, p.waitErr = time.Now(), err
		close(p.done)
	}()
	p.sched = &schedReader{path: p.errPath}
	t.Cleanup(func() {
		if !p.exited() {
			_ = syscall.Kill(-p.pid, syscall.SIGKILL)
			select {
			case <-p.done:
			case <-time.After(10 * time.Second):
				t.Errorf("%s: pid %d not reaped 10s after SIGKILL", name, p.pid)
			}
		}
		if t.Failed() {
			t.Logf("%s: last lines of %s:\n%s", name, p.logPath, tailFile(p.logPath, 40))
		}
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// awaitUp waits until the telemetry endpoint answers and every informer reports synced.
func (p *proc) awaitUp(timeout time.Duration) {
	p.t.Helper()
	waitFor(p.t, timeout, p.name+": telemetry up and informers synced", func() (bool, string) {
		if p.exited() {
			p.t.Fatalf("%s exited early: %v\n%s", p.name, p.waitErr, tailFile(p.logPath, 40))
		}
		text, err := get(p.telemetry)
		if err != nil {
			return false, err.Error()
		}
		synced := series(text, "otelcol_kubestate_informer_synced")
		if len(synced) == 0 {
			return false, "no otelcol_kubestate_informer_synced yet"
		}
		for _, s := range synced {
			if s.value != 1 {
				return false, "not synced: " + s.labels
			}
		}
		return true, ""
	})
}

// sigterm sends SIGTERM and waits up to limit for the process to exit; it returns how long that took.
func (p *proc) sigterm(limit time.Duration) (time.Duration, error) {
	p.t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	select {
	case <-p.done:
		return p.exitedAt.Sub(start), p.waitErr
	case <-time.After(limit):
		return time.Since(start), fmt.Errorf("%s still running %s after SIGTERM", p.name, limit)
	}
}

func (p *proc) log() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

// rssKB is VmRSS from /proc/<pid>/status.
func (p *proc) rssKB() int { return procStatus(p.pid, "VmRSS") }

func (p *proc) threads() int { return procStatus(p.pid, "Threads") }

func (p *proc) fds() int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.pid))
	if err != nil {
		return -1
	}
	return len(ents)
}

func procStatus(pid int, key string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	return -1
}

// sample is one look at the process from outside.
type sample struct {
	goroutines, rssKB, threads, fds int
	heap                            float64 // otelcol_process_runtime_heap_alloc_bytes
}

func (s sample) String() string {
	return fmt.Sprintf("goroutines=%d rss=%.1fMiB heap=%.1fMiB threads=%d fds=%d", s.goroutines, float64(s.rssKB)/1024, s.heap/(1<<20), s.threads, s.fds)
}

// measure takes n consecutive goroutine listings (one a second) and returns the medians.
func (p *proc) measure(n int) sample {
	p.t.Helper()
	var gs, rss, th, fd []int
	for i := range n {
		gs = append(gs, p.sched.next(p.t, i > 0))
		rss, th, fd = append(rss, p.rssKB()), append(th, p.threads()), append(fd, p.fds())
	}
	out := sample{goroutines: median(gs), rssKB: median(rss), threads: median(th), fds: median(fd)}
	if text, err := get(p.telemetry); err == nil {
		out.heap, _ = sum(text, "otelcol_process_runtime_heap_alloc_bytes")
	}
	return out
}

func median(v []int) int {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// schedReader follows the runtime's schedtrace output (GODEBUG=schedtrace=1000,scheddetail=1) and
// counts the live goroutines of each listing.
type schedReader struct {
	path    string
	off     int64
	partial []byte
	cur     int
	open    bool // inside a listing
	blocks  int  // completed listings
	last    int  // live goroutines in the last completed listing
	taken   int  // blocks when next last returned
}

var gLine = regexp.MustCompile(`^\s+G\d+: status=(\d+)\(`)

func (s *schedReader) poll() {
	f, err := os.Open(s.path)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(s.off, io.SeekStart); err != nil {
		return
	}
	b, _ := io.ReadAll(f)
	s.off += int64(len(b))
	b = append(s.partial, b...)
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		line := string(b[:i])
		b = b[i+1:]
		if strings.HasPrefix(line, "SCHED ") {
			if s.open {
				s.last, s.blocks = s.cur, s.blocks+1
			}
			s.cur, s.open = 0, true
			continue
		}
		if m := gLine.FindStringSubmatch(line); m != nil {
			st, _ := strconv.Atoi(m[1])
			switch st &^ 0x1000 { // _Gscan bit
			case 0, 6: // _Gidle, _Gdead: not goroutines
			default:
				s.cur++
			}
		}
	}
	s.partial = slices.Clone(b)
}

// next returns the live goroutine count of the first listing that starts after the call, or with
// following, of the listing after the one returned last.
func (s *schedReader) next(t *testing.T, following bool) int {
	t.Helper()
	s.poll()
	want := s.blocks + 2
	if following {
		want = s.taken + 1
	}
	defer func() { s.taken = s.blocks }()
	deadline := time.Now().Add(10 * time.Second)
	for s.blocks < want {
		if time.Now().After(deadline) {
			t.Fatalf("no goroutine listing from the runtime in %s for 10s (GODEBUG schedtrace)", s.path)
		}
		time.Sleep(100 * time.Millisecond)
		s.poll()
	}
	return s.last
}

// longDuration is how long the long form keeps the load on: $KUBESTATE_RELIABILITY_DURATION, or 5m.
func longDuration(t *testing.T) time.Duration {
	t.Helper()
	v := os.Getenv("KUBESTATE_RELIABILITY_DURATION")
	if v == "" {
		return 5 * time.Minute
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("KUBESTATE_RELIABILITY_DURATION=%q: want a positive duration such as 10m", v)
	}
	return d
}

// ---- polling ----

// waitFor polls cond every 100ms until it holds or timeout passes; the message of the last failed
// poll goes into the failure.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) time.Duration {
	t.Helper()
	start := time.Now()
	last := ""
	for {
		ok, msg := cond()
		if ok {
			return time.Since(start)
		}
		last = msg
		if time.Since(start) > timeout {
			t.Fatalf("%s: not within %s (last: %s)", what, timeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ---- Prometheus text ----

var client = &http.Client{Timeout: 10 * time.Second}

func get(url string) (string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(b), nil
}

type promSeries struct {
	name, labels string
	value        float64
	ts           time.Time // the sample's timestamp, when the exporter sends them (send_timestamps)
}

// series returns the samples of metric name (exactly, or with a _total suffix) in Prometheus text.
func series(text, name string) []promSeries {
	var out []promSeries
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		n := strings.IndexAny(line, "{ ")
		if n < 0 || (line[:n] != name && line[:n] != name+"_total") {
			continue
		}
		labels, rest := "", line[n:]
		if rest[0] == '{' {
			end := strings.LastIndexByte(rest, '}')
			labels, rest = rest[1:end], rest[end+1:]
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue
		}
		ps := promSeries{name: line[:n], labels: labels, value: v}
		if len(f) > 1 {
			if ms, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				ps.ts = time.UnixMilli(ms)
			}
		}
		out = append(out, ps)
	}
	return out
}

// sum adds up every series of name; the second result is the exact exported name ("" if absent).
func sum(text, name string) (float64, string) {
	total, exported := 0.0, ""
	for _, s := range series(text, name) {
		total += s.value
		exported = s.name
	}
	return total, exported
}

// find returns the series of name with every label in want (`key="value"` strings) and value v.
func find(text, name string, v float64, want ...string) (promSeries, bool) {
	for _, s := range series(text, name) {
		if s.value != v {
			continue
		}
		ok := true
		for _, w := range want {
			if !strings.Contains(","+s.labels+",", ","+w+",") {
				ok = false
				break
			}
		}
		if ok {
			return s, true
		}
	}
	return promSeries{}, false
}

// ---- network helpers (127.0.0.1 only) ----

func freePort(t *testing.T) int {
	t.Helper()
	port, err := child.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// blackhole accepts TCP connections and never reads from or writes to them: a downstream that hangs.
type blackhole struct {
	ln       net.Listener
	mu       sync.Mutex
	conns    []net.Conn
	accepted int
}

func newBlackhole(t *testing.T) *blackhole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{ln: ln}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			b.conns, b.accepted = append(b.conns, c), b.accepted+1
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		select { // Accept returns at once once the listener is closed
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("the blackhole's accept loop did not end")
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, c := range b.conns {
			c.Close()
		}
	})
	return b
}

func (b *blackhole) addr() string { return b.ln.Addr().String() }

func (b *blackhole) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.accepted
}

// hungClients is the seed's repro: clients that send GET /metrics and never read the response. Their
// receive buffers are small and they advertise a network-sized MSS, so the server's write blocks
// after some tens of KiB, as it would across a real network.
type hungClients struct {
	server int // the server's port
	conns  []net.Conn
}

func openHungClients(t *testing.T, addr string, n int) *hungClients {
	t.Helper()
	_, port, _ := net.SplitHostPort(addr)
	h := &hungClients{}
	h.server, _ = strconv.Atoi(port)
	d := net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = errors.Join(
				syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096),
				// Loopback's 64 KiB MSS lets the kernel grow the server's send buffer past a whole
				// page; a network-sized MSS keeps it at tens of KiB, so the handler blocks in Write.
				syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_MAXSEG, 1400))
		})
		if err != nil {
			return err
		}
		return serr
	}}
	t.Cleanup(func() {
		for _, c := range h.conns {
			c.Close()
		}
	})
	for range n {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		h.conns = append(h.conns, c)
		if _, err := fmt.Fprintf(c, "GET /metrics HTTP/1.1\r\nHost: %s\r\nUser-Agent: hung-client\r\n\r\n", addr); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// stuck returns how many of the clients hold a server response stuck mid-write: the server has
// bytes queued for the client (its send queue is not empty) and fewer bytes than a full response
// have left the handler (server send queue + client receive queue < size). The handler of such a
// request is blocked in Write.
func (h *hungClients) stuck(size int) (int, string) {
	q, err := tcpQueues()
	if err != nil {
		return 0, err.Error()
	}
	n := 0
	var detail []string
	for _, c := range h.conns {
		cp := c.LocalAddr().(*net.TCPAddr).Port
		srv := q[[2]int{h.server, cp}]
		cli := q[[2]int{cp, h.server}]
		if srv.tx > 0 && srv.tx+cli.rx < size {
			n++
		}
		if len(detail) < 3 {
			detail = append(detail, fmt.Sprintf("server tx=%d client rx=%d", srv.tx, cli.rx))
		}
	}
	return n, strings.Join(detail, "; ")
}

type queues struct{ tx, rx int }

// tcpQueues reads /proc/net/tcp: local port, remote port -> send and receive queue bytes.
func tcpQueues() (map[[2]int]queues, error) {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return nil, err
	}
	out := map[[2]int]queues{}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		lp, rp := hexPort(f[1]), hexPort(f[2])
		txrx := strings.SplitN(f[4], ":", 2)
		tx, _ := strconv.ParseInt(txrx[0], 16, 64)
		rx, _ := strconv.ParseInt(txrx[1], 16, 64)
		out[[2]int{lp, rp}] = queues{int(tx), int(rx)}
	}
	return out, nil
}

func hexPort(addr string) int {
	_, p, _ := strings.Cut(addr, ":")
	n, _ := strconv.ParseInt(p, 16, 32)
	return int(n)
}

// ---- the cluster ----

var seedOnce struct {
	sync.Once
	err error
}

// seededCluster starts this binary's control plane and applies the repository's fixtures once, so
// each snapshot holds a few thousand points (a Prometheus page of several hundred KB).
func seededCluster(t *testing.T) (kubeconfig string, cs kubernetes.Interface) {
	t.Helper()
	kubeconfig, cs = testenv.Kubeconfig(t), testenv.Clientset(t)
	seedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		a, err := seed.NewApplier(testenv.RESTConfig(t), nil)
		if err != nil {
			seedOnce.err = err
			return
		}
		if _, err := a.ApplyDir(ctx, "../../../testdata/fixtures"); err != nil {
			seedOnce.err = err
			return
		}
		_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: relNS}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			seedOnce.err = err
		}
	})
	if seedOnce.err != nil {
		t.Fatalf("seeding the test cluster: %v", seedOnce.err)
	}
	return kubeconfig, cs
}

const relNS = "kubestate-reliability"

// stateChanger makes changes a user would see: it updates one Deployment's replicas and creates a
// ConfigMap and a Secret per change (resources early and late in a snapshot).
type stateChanger struct {
	cs     kubernetes.Interface
	deploy string
	n      int
}

func newStateChanger(t *testing.T, cs kubernetes.Interface, name string) *stateChanger {
	t.Helper()
	labels := map[string]string{"app": name}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: relNS},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](0),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.invalid/app:1"}}},
			},
		},
	}
	ctx := context.Background()
	_ = cs.AppsV1().Deployments(relNS).Delete(ctx, name, metav1.DeleteOptions{}) // from an earlier run against an external cluster
	if _, err := cs.AppsV1().Deployments(relNS).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return &stateChanger{cs: cs, deploy: name}
}

// change applies the next change. check says whether a Prometheus page shows all of it and, if so,
// the latest timestamp of the series that do (the cycle that delivered them).
func (s *stateChanger) change(t *testing.T) (check func(text string) (bool, time.Time), desc string) {
	t.Helper()
	s.n++
	ctx := context.Background()
	patch := fmt.Sprintf(`{"spec":{"replicas":%d}}`, s.n)
	if _, err := s.cs.AppsV1().Deployments(relNS).Patch(ctx, s.deploy, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	cm := fmt.Sprintf("%s-%d", s.deploy, s.n)
	if _, err := s.cs.CoreV1().ConfigMaps(relNS).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: cm}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.cs.CoreV1().Secrets(relNS).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: cm}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	n := float64(s.n)
	return func(text string) (bool, time.Time) {
			var latest time.Time
			for _, want := range []struct {
				name   string
				v      float64
				labels []string
			}{
				{"kube_deployment_spec_replicas", n, []string{`namespace="` + relNS + `"`, `deployment="` + s.deploy + `"`}},
				{"kube_configmap_info", 1, []string{`namespace="` + relNS + `"`, `configmap="` + cm + `"`}},
				{"kube_secret_info", 1, []string{`namespace="` + relNS + `"`, `secret="` + cm + `"`}},
			} {
				got, ok := find(text, want.name, want.v, want.labels...)
				if !ok {
					return false, time.Time{}
				}
				if got.ts.After(latest) {
					latest = got.ts
				}
			}
			return true, latest
		}, fmt.Sprintf("kube_deployment_spec_replicas{deployment=%q}=%d, kube_configmap_info{configmap=%q}, kube_secret_info{secret=%q}",
			s.deploy, s.n, cm, cm)
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
