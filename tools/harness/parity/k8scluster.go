package parity

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/kubestate/kubestate/internal/testenv/points"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// OTelSeries are the points of one cycle keyed by series: metric name, resource attributes and
// data point attributes (each sorted); Meta is each metric's type and unit.
type OTelSeries struct {
	Values map[string]float64
	Meta   map[string]string
}

// FlattenOTel reads every live point of md into series.
func FlattenOTel(md pmetric.Metrics, into *OTelSeries) {
	if into.Values == nil {
		into.Values, into.Meta = map[string]float64{}, map[string]string{}
	}
	for i := range md.ResourceMetrics().Len() {
		rm := md.ResourceMetrics().At(i)
		res := points.Attrs(rm.Resource().Attributes())
		for j := range rm.ScopeMetrics().Len() {
			ms := rm.ScopeMetrics().At(j).Metrics()
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
				into.Meta[m.Name()] = fmt.Sprintf("%s unit=%q", m.Type(), m.Unit())
				for l := range dps.Len() {
					dp := dps.At(l)
					if dp.Flags().NoRecordedValue() {
						continue
					}
					v := dp.DoubleValue()
					kind := "double"
					if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
						v, kind = float64(dp.IntValue()), "int"
					}
					into.Values[m.Name()+" "+kind+" ["+res+"] {"+points.Attrs(dp.Attributes())+"}"] = v
				}
			}
		}
	}
}

// K8sClusterDifferences are the contrib k8s_cluster receiver's metrics that kubestate's
// k8s_cluster schema does not emit, with the reason (docs/schemas.md lists them too).
var K8sClusterDifferences = map[string]string{
	"k8s.replicaset.available":             "KSM has no family for a ReplicaSet's available replicas",
	"k8s.replication_controller.available": "replicationcontrollers are not mapped yet",
	"k8s.replication_controller.desired":   "replicationcontrollers are not mapped yet",
}

// K8sClusterPartial are metrics kubestate emits for some objects only: the reference's points
// of them that kubestate lacks are counted as deliberate, never extra or different ones.
var K8sClusterPartial = map[string]string{
	"k8s.job.failed_pods": "for a job failed with a known reason KSM's points are 0/1 flags per reason, not the count",
}

// OTelResult compares two cycles.
type OTelResult struct {
	Matched, Total                   int
	Missing, Extra, Differ, MetaDiff []string
	Deliberate                       map[string]int // reference points left out on purpose, per metric
}

func (r *OTelResult) OK() bool {
	return len(r.Missing) == 0 && len(r.Extra) == 0 && len(r.Differ) == 0 && len(r.MetaDiff) == 0
}

func (r *OTelResult) Summary() string {
	return fmt.Sprintf("k8s_cluster parity: %s%% of the reference's points matched (%d/%d), missing=%d extra=%d differ=%d meta=%d, deliberate=%v",
		Percent(r.Matched, r.Total), r.Matched, r.Total, len(r.Missing), len(r.Extra), len(r.Differ), len(r.MetaDiff), r.Deliberate)
}

// CompareOTel compares kubestate's points (ours) with the reference's (ref), leaving out the
// metrics in deliberate.
func CompareOTel(ref, ours *OTelSeries, deliberate, partial map[string]string) *OTelResult {
	r := &OTelResult{Deliberate: map[string]int{}}
	metric := func(key string) string { return key[:strings.IndexByte(key, ' ')] }
	for _, k := range sortedKeys(ref.Values) {
		if _, ok := deliberate[metric(k)]; ok {
			r.Deliberate[metric(k)]++
			continue
		}
		r.Total++
		v, ok := ours.Values[k]
		switch {
		case !ok && partial[metric(k)] != "":
			r.Total--
			r.Deliberate[metric(k)]++
		case !ok:
			r.Missing = append(r.Missing, k)
		case v != ref.Values[k]:
			r.Differ = append(r.Differ, fmt.Sprintf("%s: reference %g, kubestate %g", k, ref.Values[k], v))
		default:
			r.Matched++
		}
	}
	for _, k := range sortedKeys(ours.Values) {
		if _, ok := ref.Values[k]; !ok {
			r.Extra = append(r.Extra, k)
		}
	}
	for _, name := range sortedKeys(ref.Meta) {
		if m, ok := ours.Meta[name]; ok && m != ref.Meta[name] {
			r.MetaDiff = append(r.MetaDiff, fmt.Sprintf("%s: reference %s, kubestate %s", name, ref.Meta[name], m))
		}
	}
	return r
}

// BuildK8sClusterRef builds the reference peer (tools/k8sclusterref, its own module) into out.
func BuildK8sClusterRef(ctx context.Context, repoRoot, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = filepath.Join(repoRoot, "tools", "k8sclusterref")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building tools/k8sclusterref: %w\n%s", err, b)
	}
	return nil
}

// RefCycles runs the reference peer against kubeconfig and returns its cycles until two in a row
// are equal (the last), or ctx ends.
func RefCycles(ctx context.Context, bin, kubeconfig string, interval time.Duration, logPath string) (*OTelSeries, error) {
	var last, out *OTelSeries
	err := runRef(ctx, bin, kubeconfig, interval, logPath, func(md pmetric.Metrics) (bool, error) {
		var s OTelSeries
		FlattenOTel(md, &s)
		if last != nil && len(s.Values) > 0 && equalSeries(last, &s) {
			out = &s
			return true, nil
		}
		last = &s
		return false, nil
	})
	return out, err
}

// runRef runs the reference peer against kubeconfig and hands each batch it emits to each until
// each says done, or ctx ends; the peer is stopped before it returns.
func runRef(ctx context.Context, bin, kubeconfig string, interval time.Duration, logPath string, each func(pmetric.Metrics) (done bool, err error)) error {
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "-interval", interval.String())
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	lines := make(chan []byte)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			select {
			case lines <- slices.Clone(sc.Bytes()):
			case <-ctx.Done():
				return
			}
		}
	}()
	var dec pmetric.JSONUnmarshaler
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("reference output not stable: %w (log: %s)", ctx.Err(), logPath)
		case line, ok := <-lines:
			if !ok {
				tail, _ := os.ReadFile(logPath)
				return fmt.Errorf("reference exited: %s", tail[max(0, len(tail)-2000):])
			}
			md, err := dec.UnmarshalMetrics(line)
			if err != nil {
				return err
			}
			if done, err := each(md); done || err != nil {
				return err
			}
		}
	}
}

func equalSeries(a, b *OTelSeries) bool {
	if len(a.Values) != len(b.Values) {
		return false
	}
	for k, v := range a.Values {
		if w, ok := b.Values[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// OursCycles runs the receiver with cfg (its schema set) against kubeconfig and returns its
// cycles until two in a row are equal (the last).
func OursCycles(ctx context.Context, in *kubestatereceiver.Config, kubeconfig string, interval time.Duration) (*OTelSeries, error) {
	cfg := *in
	cfg.AuthType, cfg.Kubeconfig, cfg.Context = kubestatereceiver.AuthKubeConfig, kubeconfig, ""
	cfg.CollectionInterval, cfg.ExportTimeout = interval, 0
	sink := newCycleSink(func() *OTelSeries { return &OTelSeries{} }, func(c *OTelSeries, md pmetric.Metrics) error {
		FlattenOTel(md, c)
		return nil
	})
	f := kubestatereceiver.NewFactory()
	rcv, err := f.CreateMetrics(ctx, receivertest.NewNopSettings(f.Type()), &cfg, sink)
	if err != nil {
		return nil, err
	}
	if err := rcv.Start(ctx, componenttest.NewNopHost()); err != nil {
		return nil, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = rcv.Shutdown(sctx)
	}()
	var last *OTelSeries
	for {
		s, err := sink.next(ctx)
		if err != nil {
			return nil, fmt.Errorf("kubestate output not stable: %w", err)
		}
		if last != nil && len(s.Values) > 0 && equalSeries(last, s) {
			return s, nil
		}
		last = s
	}
}
