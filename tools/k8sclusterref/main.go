// Command k8sclusterref runs the contrib k8s_cluster receiver v0.149.0 on its own, as the reference
// peer of kubestate's `schema: k8s_cluster`: it lists and watches the cluster of $KUBECONFIG and
// writes each batch it emits as one line of OTLP JSON to stdout. It lives in a module of its own so
// that the product module never depends on the contrib receiver.
//
// With -otlp host:port it is instead the receiver deployed as a user's Collector runs it: each batch
// goes through the core otlp_grpc exporter v0.149.0 (its sending queue, retries and timeout at
// their defaults; compression its default, gzip, unless -compression) to that endpoint, without
// TLS. The bench runs it so (-pipeline -k8scluster) beside kubestate and KSM.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/k8sclusterreceiver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/xconfmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/zap"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "k8sclusterref:", err)
		os.Exit(1)
	}
}

// options are the command line's.
type options struct {
	interval    time.Duration
	otlp        string // "" writes OTLP JSON lines to stdout
	compression string // with otlp: "" keeps the exporter's default
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("k8sclusterref", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.DurationVar(&o.interval, "interval", 2*time.Second, "collection_interval")
	fs.StringVar(&o.otlp, "otlp", "", "export each batch to this OTLP/gRPC endpoint (host:port, no TLS) with the otlp_grpc exporter at its defaults, instead of writing it to stdout")
	fs.StringVar(&o.compression, "compression", "", "with -otlp: the exporter's compression (none, gzip, zstd, snappy, ...); default: the exporter's own (gzip)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.interval <= 0 {
		return o, fmt.Errorf("-interval: %s, want > 0", o.interval)
	}
	if o.compression != "" && o.otlp == "" {
		return o, errors.New("-compression: only with -otlp")
	}
	return o, nil
}

// receiverConfig is the k8s_cluster receiver's configuration, set as a user would in YAML: the
// config's auth type lives in a contrib-internal package.
func receiverConfig(f receiverFactory, interval time.Duration) (component.Config, error) {
	cfg := f.CreateDefaultConfig()
	conf := confmap.NewFromStringMap(map[string]any{"auth_type": "kubeConfig", "collection_interval": interval.String()})
	if err := conf.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, xconfmap.Validate(cfg)
}

type receiverFactory interface{ CreateDefaultConfig() component.Config }

// exporterConfig is the otlp_grpc exporter's configuration as a user's YAML would set it: endpoint,
// tls.insecure and, if not "", compression; everything else at the exporter's defaults.
func exporterConfig(endpoint, compression string) (component.Config, error) {
	cfg := otlpexporter.NewFactory().CreateDefaultConfig()
	m := map[string]any{"endpoint": endpoint, "tls": map[string]any{"insecure": true}}
	if compression != "" {
		m["compression"] = compression
	}
	if err := confmap.NewFromStringMap(m).Unmarshal(cfg); err != nil {
		return nil, fmt.Errorf("otlp_grpc exporter: %w", err)
	}
	if err := xconfmap.Validate(cfg); err != nil {
		return nil, fmt.Errorf("otlp_grpc exporter: %w", err)
	}
	return cfg, nil
}

func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	// Logs at info to stderr, as the bench's other collectors log: an export that fails says so.
	logger, err := zap.NewProduction()
	if err != nil {
		return err
	}
	defer func() { _ = logger.Sync() }()

	f := k8sclusterreceiver.NewFactory()
	cfg, err := receiverConfig(f, o.interval)
	if err != nil {
		return fmt.Errorf("k8s_cluster receiver: %w", err)
	}

	ctx := context.Background()
	var next consumer.Metrics
	var exp exporter.Metrics
	if o.otlp != "" {
		ecfg, err := exporterConfig(o.otlp, o.compression)
		if err != nil {
			return err
		}
		ef := otlpexporter.NewFactory()
		eset := exportertest.NewNopSettings(ef.Type())
		eset.Logger = logger.With(zap.String("exporter", ef.Type().String()))
		if exp, err = ef.CreateMetrics(ctx, eset, ecfg); err != nil {
			return err
		}
		if err := exp.Start(ctx, host{}); err != nil {
			return err
		}
		next = exp
	} else if next, err = jsonLines(stdout); err != nil {
		return err
	}

	set := receivertest.NewNopSettings(f.Type())
	set.Logger = logger.With(zap.String("receiver", f.Type().String()))
	r, err := f.CreateMetrics(ctx, set, cfg, next)
	if err != nil {
		return err
	}
	if err := r.Start(ctx, host{}); err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	// The receiver first, then the exporter, which sends what its queue still holds.
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = r.Shutdown(sctx)
	if exp != nil {
		err = errors.Join(err, exp.Shutdown(sctx))
	}
	return err
}

// jsonLines writes each batch to w as one line of OTLP JSON.
func jsonLines(w io.Writer) (consumer.Metrics, error) {
	out := bufio.NewWriter(w)
	var mu sync.Mutex
	var enc pmetric.JSONMarshaler
	return consumer.NewMetrics(func(_ context.Context, md pmetric.Metrics) error {
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
}

// host is a host without extensions or exporters; the receiver asks for the exporters (for its
// metadata exporters, none here).
type host struct{}

func (host) GetExtensions() map[component.ID]component.Component { return nil }
func (host) GetExporters() map[pipeline.Signal]map[component.ID]component.Component {
	return nil
}
