package controlplane

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func binDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs("../../../bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(d, b)); err != nil {
			t.Fatalf("%s missing: run make tools", b)
		}
	}
	return d
}

func TestUpTwiceThenDownLeavesNothing(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := Options{BinDir: binDir(t), StateDir: state, Detach: true}
	c, running, err := Up(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if running {
		t.Fatal("first Up reported an already running cluster")
	}
	t.Cleanup(func() { _ = c.Remove() })

	// The kubeconfig it wrote works, as `bin/kubectl --kubeconfig .local/kubeconfig get ns` would.
	cfg, err := clientcmd.BuildConfigFromFlags("", c.KubeconfigPath())
	if err != nil {
		t.Fatal(err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	if _, err := cs.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{}); err != nil {
		t.Fatalf("reading namespace default through the kubeconfig: %v", err)
	}

	// The apiserver and kubectl report the release they were built from (make tools stamps it).
	want, err := os.ReadFile("../../../tools/kube/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := cs.Discovery().ServerVersion(); err != nil || v.GitVersion != strings.TrimSpace(string(want)) {
		t.Errorf("kube-apiserver reports version %v (err %v), want %s", v, err, want)
	}
	out, err := exec.Command(filepath.Join(opts.BinDir, "kubectl"), "version", "--client", "-o", "json").Output()
	if err != nil || !strings.Contains(string(out), `"gitVersion": "`+strings.TrimSpace(string(want))+`"`) {
		t.Errorf("kubectl version --client: %s (err %v), want gitVersion %s", out, err, want)
	}

	again, running, err := Up(ctx, opts)
	if err != nil || !running || again.Server != c.Server {
		t.Fatalf("second Up: running=%v server=%s err=%v; want the running cluster at %s", running, again.Server, err, c.Server)
	}

	// cluster-down, from another process's point of view: load the record and remove.
	loaded, alive, err := Load(state)
	if err != nil || !alive {
		t.Fatalf("Load: alive=%v err=%v", alive, err)
	}
	pids := []int{loaded.EtcdPID, loaded.APIServerPID}
	if err := loaded.Remove(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if processAlive(pid) {
			t.Errorf("process %d still alive after Remove", pid)
		}
	}
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state dir still present after Remove: %v", err)
	}
}

func TestRestartAPIServerKeepsAddressAndData(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx, Options{BinDir: binDir(t), StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Remove() }()
	cs := kubernetes.NewForConfigOrDie(c.RESTConfig())
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "survives-restart"}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	server := c.Server
	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Server != server {
		t.Fatalf("apiserver moved from %s to %s", server, c.Server)
	}
	if _, err := cs.CoreV1().Namespaces().Get(ctx, ns.Name, metav1.GetOptions{}); err != nil {
		t.Fatalf("namespace lost across an apiserver restart: %v", err)
	}
}

// A binary that dies at start-up (here: a port already in use) gives its log, never a hang.
func TestStartupFailureQuotesTheLog(t *testing.T) {
	bin := t.TempDir()
	fake := "#!/bin/sh\necho 'listen tcp 127.0.0.1:2379: bind: address already in use' >&2\nexit 1\n"
	for _, b := range []string{"etcd", "kube-apiserver"} {
		if err := os.WriteFile(filepath.Join(bin, b), []byte(fake), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	_, err := Start(ctx, Options{BinDir: bin, StateDir: t.TempDir(), ReadyTimeout: 30 * time.Second})
	if err == nil {
		t.Fatal("start with a failing etcd succeeded")
	}
	if !strings.Contains(err.Error(), "etcd exited during start-up") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("error does not say what failed: %v", err)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatalf("failure took %s to report", time.Since(start))
	}
}

func TestMissingBinariesSayRunMakeTools(t *testing.T) {
	_, err := Start(context.Background(), Options{BinDir: t.TempDir(), StateDir: t.TempDir()})
	if !errors.Is(err, ErrMissingBinary) || !strings.Contains(err.Error(), "run make tools") {
		t.Fatalf("got %v, want an error telling to run make tools", err)
	}
}
