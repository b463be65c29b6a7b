// Package integration runs the kubestate receiver as a user would, through its factory, against a
// real kube-apiserver started from bin/.
package integration

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/goleak"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/points"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

var typ = component.MustNewType("kubestate")

func newConfig() *kubestatereceiver.Config {
	return kubestatereceiver.NewFactory().CreateDefaultConfig().(*kubestatereceiver.Config)
}

func TestMain(m *testing.M) {
	testenv.Main(m, func() error { return goleak.Find(goleak.IgnoreAnyFunction("github.com/dlclark/regexp2/v2.runClock")) })
}

// statusHost records the component status events the receiver reports.
type statusHost struct {
	mu     sync.Mutex
	events []*componentstatus.Event
}

func (h *statusHost) GetExtensions() map[component.ID]component.Component { return nil }
func (h *statusHost) Report(ev *componentstatus.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, ev)
}

func (h *statusHost) last() *componentstatus.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) == 0 {
		return nil
	}
	return h.events[len(h.events)-1]
}

// kubectl runs bin/kubectl against the test cluster: state changes come from outside the process,
// as a user's would.
func kubectl(t *testing.T, args ...string) {
	t.Helper()
	bin, err := testenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(bin, "kubectl"), append([]string{"--kubeconfig", testenv.Kubeconfig(t)}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %v: %v\n%s", args, err, out)
	}
}

// hasPoint reports whether md holds a point of metric name whose attributes include attrs, valued v.
func hasPoint(md pmetric.Metrics, name string, attrs map[string]string, v float64) (found bool) {
	points.Each(md, func(m pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		if m.Name() != name || m.Type() != pmetric.MetricTypeGauge || dp.DoubleValue() != v {
			return true
		}
		for ak, av := range attrs {
			if got, ok := dp.Attributes().Get(ak); !ok || got.Str() != av {
				return true
			}
		}
		found = true
		return false
	})
	return found
}

// waitForPoint waits until a batch exported after the call holds the point.
func waitForPoint(t *testing.T, sink *consumertest.MetricsSink, name string, attrs map[string]string, v float64) {
	t.Helper()
	sink.Reset()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, md := range sink.AllMetrics() {
			if hasPoint(md, name, attrs, v) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no exported point %s%v = %v within 30s", name, attrs, v)
}

func TestReceiverAgainstRealAPIServer(t *testing.T) {
	kubeconfig := testenv.Kubeconfig(t) // starts the control plane before the leak baseline
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	cfg := newConfig()
	cfg.AuthType, cfg.Kubeconfig = kubestatereceiver.AuthKubeConfig, kubeconfig
	cfg.CollectionInterval, cfg.ExportTimeout = 300*time.Millisecond, 200*time.Millisecond
	sink := new(consumertest.MetricsSink)
	r, err := kubestatereceiver.NewFactory().CreateMetrics(context.Background(), receivertest.NewNopSettings(typ), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	host := &statusHost{}
	if err := r.Start(context.Background(), host); err != nil {
		t.Fatal(err)
	}
	waitForPoint(t, sink, "kube_namespace_status_phase", map[string]string{"namespace": "default", "phase": "Active"}, 1)
	if ev := host.last(); ev == nil || ev.Status() != componentstatus.StatusOK {
		t.Fatalf("status after sync and export: %+v, want OK", ev)
	}

	ns := fmt.Sprintf("e2e-%d", time.Now().UnixNano()%100000)
	kubectl(t, "create", "namespace", ns)
	waitForPoint(t, sink, "kube_namespace_status_phase", map[string]string{"namespace": ns, "phase": "Active"}, 1)
	kubectl(t, "label", "namespace", ns, "team=payments")
	kubectl(t, "delete", "namespace", ns, "--wait=false")
	// No namespace controller runs here, so the namespace stays Terminating.
	waitForPoint(t, sink, "kube_namespace_status_phase", map[string]string{"namespace": ns, "phase": "Terminating"}, 1)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestStartFailsClearlyWithoutCluster(t *testing.T) {
	cfg := newConfig() // serviceAccount, outside a pod
	r, err := kubestatereceiver.NewFactory().CreateMetrics(context.Background(), receivertest.NewNopSettings(typ), cfg, consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	err = r.Start(context.Background(), &statusHost{})
	if err == nil || !strings.Contains(err.Error(), "auth_type serviceAccount") {
		t.Fatalf("got %v, want an error naming auth_type serviceAccount", err)
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	cfg = newConfig()
	cfg.AuthType, cfg.Kubeconfig = kubestatereceiver.AuthKubeConfig, "/nonexistent/kubeconfig"
	r, _ = kubestatereceiver.NewFactory().CreateMetrics(context.Background(), receivertest.NewNopSettings(typ), cfg, consumertest.NewNop())
	if err := r.Start(context.Background(), &statusHost{}); err == nil || !strings.Contains(err.Error(), "/nonexistent/kubeconfig") {
		t.Fatalf("got %v, want an error naming the kubeconfig path", err)
	}
	_ = r.Shutdown(context.Background())
}
