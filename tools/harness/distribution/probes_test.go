package distribution

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/tools/harness/parity"
)

// probeEndpoints are the deployed probes of a collector under test, on loopback ports.
type probeEndpoints struct{ liveness, readiness string }

// deployedConfig is deploy/base/config.yaml as the pods run it, with every listening address moved
// to a free loopback port and the receiver reading the cluster through kubeconfig, with more
// (receiver keys) merged in. It returns the config and the probes' URLs.
func deployedConfig(t *testing.T, kubeconfig string, more map[string]any, exporters ...map[string]any) (string, probeEndpoints) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, "base", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := utilyaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	rcv := cfg["receivers"].(map[string]any)["kubestate"].(map[string]any)
	rcv["auth_type"], rcv["kubeconfig"] = "kubeConfig", kubeconfig
	rcv["collection_interval"] = "1s"
	rcv["pull"].(map[string]any)["endpoint"] = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	for k, v := range more {
		rcv[k] = v
	}
	var ep probeEndpoints
	for name, ext := range cfg["extensions"].(map[string]any) {
		port := freePort(t)
		ext.(map[string]any)["http"].(map[string]any)["endpoint"] = fmt.Sprintf("127.0.0.1:%d", port)
		url := fmt.Sprintf("http://127.0.0.1:%d/status", port)
		switch name {
		case "healthcheckv2/liveness":
			ep.liveness = url
		case "healthcheckv2/readiness":
			ep.readiness = url
		}
	}
	if ep.liveness == "" || ep.readiness == "" {
		t.Fatalf("deploy/base/config.yaml: no healthcheckv2/liveness and healthcheckv2/readiness extensions")
	}
	for _, e := range exporters { // replaces the pipeline's exporters (push on)
		cfg["exporters"] = e
		var names []string
		for n := range e {
			names = append(names, n)
		}
		cfg["service"].(map[string]any)["pipelines"].(map[string]any)["metrics"].(map[string]any)["exporters"] = names
		rcv["push"] = true
	}
	out, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), ep
}

// probeState is one answer of a probe endpoint.
type probeState struct {
	code   int
	status string // the aggregate component status
	err    string // its error
}

func (s probeState) String() string {
	if s.err != "" {
		return fmt.Sprintf("%d %s: %s", s.code, s.status, strings.ReplaceAll(s.err, "\n", " | "))
	}
	return fmt.Sprintf("%d %s", s.code, s.status)
}

func probe(url string) (probeState, error) {
	resp, err := client.Get(url)
	if err != nil {
		return probeState{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return probeState{}, err
	}
	var st struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &st); err != nil {
			return probeState{}, fmt.Errorf("%s: %w: %s", url, err, body)
		}
	}
	return probeState{code: resp.StatusCode, status: st.Status, err: st.Error}, nil
}

// awaitProbe waits until url answers code with an error containing msg (any, if empty), and returns
// the answer.
func awaitProbe(t *testing.T, p *proc, what, url string, code int, msg string, within time.Duration) probeState {
	t.Helper()
	var last probeState
	waitFor(t, within, what, func() (bool, string) {
		if p.exited() {
			t.Fatalf("%s exited: %v\n%s", p.name, p.waitErr, tailFile(p.logPath, 40))
		}
		st, err := probe(url)
		if err != nil {
			return false, err.Error()
		}
		last = st
		return st.code == code && strings.Contains(st.err, msg), st.String()
	})
	return last
}

func wantLive(t *testing.T, ep probeEndpoints, when string) {
	t.Helper()
	st, err := probe(ep.liveness)
	if err != nil || st.code != http.StatusOK {
		t.Errorf("liveness %s: %v %v, want 200 (a restart cannot fix it)", when, st, err)
	}
}

// The deployed probes (deploy/base's healthcheckv2 extensions) on the built distribution, while the
// informers' initial lists hang (a proxy in front of kube-apiserver accepts connections and closes
// them, so client-go retries): readiness fails, naming the resources still listing, until every
// informer has synced; then, with the proxy closing connections again, it fails until it forwards
// again. Liveness stays 200.
func TestProbesNotReadyUntilSynced(t *testing.T) {
	seededCluster(t)
	px := testenv.StartProxy(t, strings.TrimPrefix(testenv.Cluster(t).Server, "https://"))
	rc := testenv.RESTConfig(t)
	rc.Host = "https://" + px.Addr()
	viaProxy := filepath.Join(t.TempDir(), "kubeconfig")
	if err := parity.WriteKubeconfig(rc, viaProxy); err != nil {
		t.Fatal(err)
	}
	px.Cut()
	cfg, ep := deployedConfig(t, viaProxy, map[string]any{"resources": []string{"namespaces", "configmaps", "pods"}})
	p := startCollector(t, "probes-sync", cfg)

	// Ready would be wrong at any time before the lists complete: look for 5 s.
	var st probeState
	waitFor(t, 30*time.Second, "the collector's pipelines started", func() (bool, string) {
		var err error
		st, err = probe(ep.liveness)
		return err == nil && st.code == http.StatusOK, fmt.Sprint(st, err)
	})
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		st = awaitProbe(t, p, "readiness fails before sync", ep.readiness, http.StatusInternalServerError, "informers not synced", 10*time.Second)
		wantLive(t, ep, "before sync")
	}
	t.Logf("observed: before sync (lists hanging), readiness %s", st)
	if !strings.Contains(st.err, "the initial list of configmaps, namespaces, pods has not completed") {
		t.Errorf("readiness before sync does not say which resources are still listing: %s", st.err)
	}

	restored := time.Now()
	px.Restore()
	st = awaitProbe(t, p, "readiness passes once synced", ep.readiness, http.StatusOK, "", 60*time.Second)
	t.Logf("observed: after sync, readiness %s (%s after the proxy forwarded again)", st, time.Since(restored).Round(10*time.Millisecond))
	if st.status != "StatusOK" {
		t.Errorf("readiness after sync: %s, want StatusOK", st)
	}
	wantLive(t, ep, "after sync")

	// The same proxy closing every connection after sync (a load balancer with no API server behind
	// it): client-go retries, then returns an empty watch and no error; that is a failed read.
	cut := time.Now()
	px.Cut()
	st = awaitProbe(t, p, "readiness fails while every connection is closed", ep.readiness, http.StatusInternalServerError, "cannot read from the Kubernetes API", 90*time.Second)
	t.Logf("observed: connections closed after sync, readiness %s (%s after the cut)", st, time.Since(cut).Round(10*time.Millisecond))
	wantLive(t, ep, "while connections are closed")
	restored = time.Now()
	px.Restore()
	st = awaitProbe(t, p, "readiness passes once the proxy forwards again", ep.readiness, http.StatusOK, "", 90*time.Second)
	t.Logf("observed: proxy forwarding again, readiness %s (%s after)", st, time.Since(restored).Round(10*time.Millisecond))
}

// kube-apiserver stopped, before and after sync: readiness fails with the read error in the body and
// passes again, without a restart, once the server is back; liveness stays 200.
func TestProbesAPIServerStopped(t *testing.T) {
	kubeconfig, _ := seededCluster(t)
	cluster := testenv.Cluster(t)
	startAPIServer := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := cluster.StartAPIServer(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The collector starts while kube-apiserver is stopped: its informers cannot sync.
	if err := cluster.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	stopped := true
	t.Cleanup(func() {
		if stopped { // leave the server up for the next test
			startAPIServer()
		}
	})
	cfg, ep := deployedConfig(t, kubeconfig, map[string]any{"resources": []string{"namespaces", "configmaps", "pods"}})
	p := startCollector(t, "probes-apiserver", cfg)

	st := awaitProbe(t, p, "readiness fails before sync", ep.readiness, http.StatusInternalServerError, "cannot read from the Kubernetes API", 30*time.Second)
	t.Logf("observed: kube-apiserver stopped before sync, readiness %s", st)
	if !strings.Contains(st.err, "informers not synced") {
		t.Errorf("readiness before sync does not say the informers have not synced: %s", st.err)
	}
	wantLive(t, ep, "before sync")

	started := time.Now()
	startAPIServer()
	stopped = false
	st = awaitProbe(t, p, "readiness passes once synced", ep.readiness, http.StatusOK, "", 60*time.Second)
	t.Logf("observed: after sync, readiness %s (%s after kube-apiserver was started)", st, time.Since(started).Round(10*time.Millisecond))
	wantLive(t, ep, "after sync")

	if err := cluster.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	stopped = true
	stop := time.Now()
	st = awaitProbe(t, p, "readiness fails while kube-apiserver is stopped", ep.readiness, http.StatusInternalServerError, "cannot read from the Kubernetes API", 60*time.Second)
	t.Logf("observed: kube-apiserver stopped after sync, readiness %s (%s after the stop)", st, time.Since(stop).Round(10*time.Millisecond))
	if st.status != "StatusRecoverableError" || strings.Contains(st.err, "not synced") {
		t.Errorf("readiness while kube-apiserver is stopped: %s, want StatusRecoverableError naming the read failure only", st)
	}
	wantLive(t, ep, "while kube-apiserver is stopped")

	started = time.Now()
	startAPIServer()
	stopped = false
	st = awaitProbe(t, p, "readiness recovers with kube-apiserver", ep.readiness, http.StatusOK, "", 60*time.Second)
	t.Logf("observed: kube-apiserver back, readiness %s (%s after it was started)", st, time.Since(started).Round(10*time.Millisecond))
	wantLive(t, ep, "after kube-apiserver came back")
}

// An identity that may not list configmaps: readiness fails naming the resource and verb, the
// collector stays live, and granting access makes it ready without a restart.
func TestProbesRBACDenied(t *testing.T) {
	seededCluster(t)
	cluster := testenv.Cluster(t)
	cs := testenv.Clientset(t)
	role := testenv.NewLimitedRole(t, cs, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"list", "watch"}})
	rc := cluster.RESTConfigFor(testenv.Identities[0].Token)
	limited := filepath.Join(t.TempDir(), "kubeconfig")
	if err := parity.WriteKubeconfig(rc, limited); err != nil {
		t.Fatal(err)
	}
	cfg, ep := deployedConfig(t, limited, map[string]any{"resources": []string{"namespaces", "configmaps"}})
	p := startCollector(t, "probes-rbac", cfg)

	st := awaitProbe(t, p, "readiness fails while configmaps may not be listed", ep.readiness, http.StatusInternalServerError, "list configmaps", 30*time.Second)
	t.Logf("observed: RBAC denies configmaps, readiness %s", st)
	if !strings.Contains(st.err, "forbidden") {
		t.Errorf("readiness error does not carry the refusal: %s", st.err)
	}
	wantLive(t, ep, "while configmaps may not be listed")

	role.Grant(rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"list", "watch"}})
	granted := time.Now()
	st = awaitProbe(t, p, "readiness passes once access is granted", ep.readiness, http.StatusOK, "", 60*time.Second)
	t.Logf("observed: access granted, readiness %s (%s after the grant)", st, time.Since(granted).Round(10*time.Millisecond))
	wantLive(t, ep, "after the grant")
}

// Exports refused by the backend: readiness fails with the export error while they fail, and
// passes again once the backend accepts.
func TestProbesExportsFailing(t *testing.T) {
	kubeconfig, _ := seededCluster(t)
	var refuse atomic.Bool
	refuse.Store(true)
	backend := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if refuse.Load() {
			http.Error(w, "backend says no", http.StatusBadRequest) // permanent: not retried
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = backend.Serve(ln) }()
	t.Cleanup(func() { _ = backend.Close() })

	cfg, ep := deployedConfig(t, kubeconfig, map[string]any{"resources": []string{"namespaces"}}, map[string]any{
		"otlphttp": map[string]any{
			"endpoint":         "http://" + ln.Addr().String(),
			"retry_on_failure": map[string]any{"enabled": false},
			"sending_queue":    map[string]any{"enabled": false},
		},
	})
	p := startCollector(t, "probes-export", cfg)
	st := awaitProbe(t, p, "readiness fails while exports fail", ep.readiness, http.StatusInternalServerError, "export failed", 30*time.Second)
	t.Logf("observed: exports refused, readiness %s", st)
	wantLive(t, ep, "while exports fail")
	accepted := time.Now()
	refuse.Store(false)
	st = awaitProbe(t, p, "readiness passes once exports succeed", ep.readiness, http.StatusOK, "", 30*time.Second)
	t.Logf("observed: exports accepted, readiness %s (%s after)", st, time.Since(accepted).Round(10*time.Millisecond))
}
