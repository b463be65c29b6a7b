package parity

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	yaml "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// KSMArgs translates the receiver configuration into kube-state-metrics flags with the same meaning.
// Resources are passed only when configured, so that KSM's own default set is compared with ours.
// It refuses values KSM's comma-separated flag syntax cannot carry.
func KSMArgs(cfg *kubestatereceiver.Config) ([]string, error) {
	var args []string
	list := func(flag string, values []string) error {
		if len(values) == 0 {
			return nil
		}
		for _, v := range values {
			if strings.Contains(v, ",") {
				return fmt.Errorf("--%s: %q contains a comma, which kube-state-metrics' flag syntax cannot carry", flag, v)
			}
		}
		args = append(args, "--"+flag+"="+strings.Join(values, ","))
		return nil
	}
	allow := func(flag string, m map[string][]string) error {
		if len(m) == 0 {
			return nil
		}
		resources := make([]string, 0, len(m))
		for r := range m {
			resources = append(resources, r)
		}
		slices.Sort(resources)
		parts := make([]string, 0, len(m))
		for _, r := range resources {
			for _, k := range m[r] {
				if strings.ContainsAny(k, ",[]=") || strings.TrimSpace(k) != k || k == "" {
					return fmt.Errorf("--%s: key %q of %s cannot be written in kube-state-metrics' flag syntax", flag, k, r)
				}
			}
			parts = append(parts, r+"=["+strings.Join(m[r], ",")+"]")
		}
		args = append(args, "--"+flag+"="+strings.Join(parts, ","))
		return nil
	}
	err := errors.Join(
		list("resources", cfg.Resources),
		list("namespaces", cfg.Namespaces),
		list("namespaces-denylist", cfg.NamespacesDenylist),
		list("metric-allowlist", cfg.MetricAllowlist),
		list("metric-denylist", cfg.MetricDenylist),
		list("metric-opt-in-list", cfg.MetricOptInList),
		allow("metric-labels-allowlist", cfg.MetricLabelsAllowlist),
		allow("metric-annotations-allowlist", cfg.MetricAnnotationsAllowlist),
	)
	if cfg.Node != "" {
		args = append(args, "--node="+cfg.Node)
	}
	if cfg.TrackUnscheduledPods {
		args = append(args, "--track-unscheduled-pods")
	}
	if cfg.TotalShards > 1 {
		args = append(args, "--shard="+strconv.Itoa(cfg.Shard), "--total-shards="+strconv.Itoa(cfg.TotalShards))
	}
	switch {
	case cfg.CustomResourceStateFile != "":
		abs, aerr := filepath.Abs(cfg.CustomResourceStateFile)
		err = errors.Join(err, aerr)
		args = append(args, "--custom-resource-state-config-file="+abs)
	case cfg.CustomResourceState != nil:
		data, ierr := inlineCustomResourceState(cfg)
		err = errors.Join(err, ierr)
		args = append(args, "--custom-resource-state-config="+string(data))
	}
	if cfg.CustomResourceStateOnly {
		args = append(args, "--custom-resource-state-only")
	}
	return args, err
}

// inlineCustomResourceState is the inline custom resource state config as YAML text.
func inlineCustomResourceState(cfg *kubestatereceiver.Config) ([]byte, error) {
	switch v := cfg.CustomResourceState.(type) {
	case string:
		return []byte(v), nil
	default:
		return yaml.Marshal(v)
	}
}

// KSM is a running kube-state-metrics process on loopback ports.
type KSM struct {
	MetricsURL   string
	TelemetryURL string
	LogPath      string

	// With a custom resource state config: how many custom resource stores KSM is expected to
	// build (one per served version and kind the config resolves to), and whether it builds only
	// those (--custom-resource-state-only).
	CustomStores int
	CRSOnly      bool

	proc *process
}

// StartKSM runs bin with the given flags against kubeconfig, serving on free loopback ports. Its
// log goes to logPath. Stop must be called, also on failure paths.
func StartKSM(bin, kubeconfig, logPath string, flags []string) (*KSM, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("kube-state-metrics binary: %w (run make tools)", err)
	}
	port, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	tport, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	args := append([]string{
		"--kubeconfig=" + kubeconfig,
		"--host=127.0.0.1", "--port=" + strconv.Itoa(port),
		"--telemetry-host=127.0.0.1", "--telemetry-port=" + strconv.Itoa(tport),
	}, flags...)
	proc, err := startProcess(bin, logPath, args...)
	if err != nil {
		return nil, fmt.Errorf("starting kube-state-metrics: %w", err)
	}
	return &KSM{
		MetricsURL:   fmt.Sprintf("http://127.0.0.1:%d/metrics", port),
		TelemetryURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", tport),
		LogPath:      logPath,
		proc:         proc,
	}, nil
}

// Stop terminates the process (SIGTERM, then SIGKILL after 10s) and waits for it.
func (k *KSM) Stop() {
	if k != nil {
		k.proc.stop()
	}
}

func (k *KSM) exited() bool { return k.proc.Exited() }

func (k *KSM) get(ctx context.Context, url string) ([]byte, error) { return k.proc.get(ctx, url) }

// Exposition reads /metrics once, as Prometheus text 0.0.4.
func (k *KSM) Exposition(ctx context.Context) ([]byte, error) { return k.get(ctx, k.MetricsURL) }

// Scrape reads /metrics once and parses it.
func (k *KSM) Scrape(ctx context.Context) (*Set, error) {
	body, err := k.get(ctx, k.MetricsURL)
	if err != nil {
		return nil, err
	}
	return ParseText(bytes.NewReader(body))
}

// watchedResources counts the resource types KSM has listed or started watching successfully,
// from its self-metrics (kube_state_metrics_{list,watch}_total{result="success"}).
func (k *KSM) watchedResources(ctx context.Context) (int, error) {
	body, err := k.get(ctx, k.TelemetryURL)
	if err != nil {
		return 0, err
	}
	set, err := ParseText(bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	for _, s := range set.Series {
		if (s.Name == "kube_state_metrics_list_total" || s.Name == "kube_state_metrics_watch_total") && s.Value > 0 {
			var res, result string
			for _, l := range s.Labels {
				switch l.Name {
				case "resource":
					res = l.Value
				case "result":
					result = l.Value
				}
			}
			if result == "success" {
				seen[res] = true
			}
		}
	}
	return len(seen), nil
}

// customStoresListed says whether KSM has discovered the CRDs and started CustomStores custom
// resource stores: its discovery logs "discovery finished" once it built them, and every custom
// store's Watch (a streamed initial list, or the watch after a List) counts in
// kube_state_metrics_watch_total under the one resource "*unstructured.Unstructured".
func (k *KSM) customStoresListed(ctx context.Context) error {
	data, err := os.ReadFile(k.LogPath)
	if err != nil || !bytes.Contains(data, []byte("discovery finished, cache updated")) {
		return errors.New("custom resource discovery not finished yet")
	}
	body, err := k.get(ctx, k.TelemetryURL)
	if err != nil {
		return err
	}
	set, err := ParseText(bytes.NewReader(body))
	if err != nil {
		return err
	}
	watches := 0.0
	for _, s := range set.Series {
		if s.Name != "kube_state_metrics_watch_total" {
			continue
		}
		var res, result string
		for _, l := range s.Labels {
			switch l.Name {
			case "resource":
				res = l.Value
			case "result":
				result = l.Value
			}
		}
		if res == "*unstructured.Unstructured" && result == "success" {
			watches += s.Value
		}
	}
	if int(watches) < k.CustomStores {
		return fmt.Errorf("%d of %d custom resource stores watching", int(watches), k.CustomStores)
	}
	return nil
}

// activeResources is the number of resources KSM built stores for, from its "Active resources" log
// line; 0 until it has logged it.
func (k *KSM) activeResources() int {
	data, err := os.ReadFile(k.LogPath)
	if err != nil {
		return 0
	}
	const marker = `activeStoreNames="`
	i := bytes.Index(data, []byte(marker))
	if i < 0 {
		return 0
	}
	rest := data[i+len(marker):]
	end := bytes.IndexByte(rest, '"')
	if end <= 0 {
		return 0
	}
	return len(bytes.Split(rest[:end], []byte(",")))
}

// WaitStable waits until KSM has listed or started watching every resource it enabled and then
// serves the same non-empty exposition twice in a row, settle apart. KSM serves /metrics from its
// first second, before its reflectors have listed anything, so an early scrape would be incomplete.
func (k *KSM) WaitStable(ctx context.Context, settle time.Duration) error {
	var last []byte
	var lastErr error
	for {
		if k.exited() {
			return fmt.Errorf("kube-state-metrics exited; last lines of %s:\n%s", k.LogPath, proc.Tail(k.LogPath, 20))
		}
		n, err := k.watchedResources(ctx)
		wantResources := k.activeResources()
		if k.CRSOnly {
			wantResources, n = 0, 0
		}
		var crsErr error
		if k.CustomStores > 0 && err == nil {
			crsErr = k.customStoresListed(ctx)
		}
		switch {
		case crsErr != nil:
			lastErr, last = crsErr, nil
		case wantResources == 0 && !k.CRSOnly:
			lastErr = errors.New("no resources active yet")
			last = nil
		case err != nil:
			lastErr = err
			last = nil
		case n < wantResources:
			lastErr = fmt.Errorf("%d of %d resources listed", n, wantResources)
			last = nil
		default:
			body, err := k.get(ctx, k.MetricsURL)
			if err != nil {
				lastErr, last = err, nil
				break
			}
			if len(bytes.TrimSpace(body)) > 0 && bytes.Equal(body, last) {
				return nil
			}
			last = body
			lastErr = errors.New("output still changing")
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-state-metrics not ready: %w (last: %v); last lines of %s:\n%s", ctx.Err(), lastErr, k.LogPath, proc.Tail(k.LogPath, 20))
		case <-time.After(settle):
		}
	}
}
