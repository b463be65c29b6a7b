// Command k8sclusterref runs the contrib k8s_cluster receiver v0.149.0 on its own, as the reference
// peer of kubestate's `schema: k8s_cluster`: it lists and watches the cluster of $KUBECONFIG and
// writes each batch it emits as one line of OTLP JSON to stdout. It lives in a module of its own so
// that the product module never depends on the contrib receiver.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/k8sclusterreceiver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

func main() {
	interval := flag.Duration("interval", 2*time.Second, "collection_interval")
	flag.Parse()
	f := k8sclusterreceiver.NewFactory()
	cfg := f.CreateDefaultConfig()
	// Set as a user would in YAML: the config's auth type lives in a contrib-internal package.
	conf := confmap.NewFromStringMap(map[string]any{"auth_type": "kubeConfig", "collection_interval": interval.String()})
	if err := conf.Unmarshal(cfg); err != nil {
		fail(err)
	}

	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var enc pmetric.JSONMarshaler
	next, err := consumer.NewMetrics(func(_ context.Context, md pmetric.Metrics) error {
		b, err := enc.MarshalMetrics(md)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		out.Write(b)
		out.WriteByte('\n')
		return out.Flush()
	})
	if err != nil {
		fail(err)
	}
	set := receivertest.NewNopSettings(f.Type())
	r, err := f.CreateMetrics(context.Background(), set, cfg, next)
	if err != nil {
		fail(err)
	}
	if err := r.Start(context.Background(), componenttestHost{}); err != nil {
		fail(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Shutdown(ctx); err != nil {
		fail(err)
	}
}

// componenttestHost is a host without extensions or exporters; the receiver asks for the
// exporters (for its metadata exporters, none here).
type componenttestHost struct{}

func (componenttestHost) GetExtensions() map[component.ID]component.Component { return nil }
func (componenttestHost) GetExporters() map[pipeline.Signal]map[component.ID]component.Component {
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "k8sclusterref:", err)
	os.Exit(1)
}
