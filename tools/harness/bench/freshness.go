package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Probe names one series both pipelines export, by its metric and a subset of its labels, so a
// sink can tell when a new value of it arrives: how fresh each pipeline's data is end to end.
type Probe struct {
	Metric string
	Labels map[string]string
}

// ContainerRestartsProbe is the restart count of one container of one pod:
// kube_pod_container_status_restarts_total{namespace, pod, container}, a value the bench sets.
func ContainerRestartsProbe(namespace, pod, container string) Probe {
	return Probe{Metric: "kube_pod_container_status_restarts_total",
		Labels: map[string]string{"namespace": namespace, "pod": pod, "container": container}}
}

// ContainerRestartsProbeFor is the same restart count as a receiver emitting schema names it: KSM's
// family under "" and "ksm"; under "k8s_cluster" (the contrib k8s_cluster receiver's names, which
// kubestate's schema of that name shares) k8s.container.restarts and under "semconv"
// k8s.container.restart.count, both with the pod and container in resource attributes.
func ContainerRestartsProbeFor(schema, namespace, pod, container string) (Probe, error) {
	otel := map[string]string{"k8s.namespace.name": namespace, "k8s.pod.name": pod, "k8s.container.name": container}
	switch schema {
	case "", "ksm":
		return ContainerRestartsProbe(namespace, pod, container), nil
	case "k8s_cluster":
		return Probe{Metric: "k8s.container.restarts", Labels: otel}, nil
	case "semconv":
		return Probe{Metric: "k8s.container.restart.count", Labels: otel}, nil
	}
	return Probe{}, fmt.Errorf("schema %q: want ksm, k8s_cluster or semconv", schema)
}

// metricMatches accepts the probe's name, and the name without a "_total" suffix, which a
// Prometheus receiver normalising names to OTel conventions drops from counters.
func (p Probe) metricMatches(name string) bool {
	return name == p.Metric || name == strings.TrimSuffix(p.Metric, "_total")
}

// Value returns the value of the probed series in dp (of metric m, under resource attributes res),
// and whether dp is that series. A stale marker is never a value. Labels are looked up in the
// point's attributes, then in the resource's (where a receiver may have moved some).
func (p Probe) Value(m pmetric.Metric, dp pmetric.NumberDataPoint, res pcommon.Map) (float64, bool) {
	if !p.metricMatches(m.Name()) || dp.Flags().NoRecordedValue() {
		return 0, false
	}
	for k, want := range p.Labels {
		v, ok := dp.Attributes().Get(k)
		if !ok {
			v, ok = res.Get(k)
		}
		if !ok || v.AsString() != want {
			return 0, false
		}
	}
	switch dp.ValueType() {
	case pmetric.NumberDataPointValueTypeDouble:
		return dp.DoubleValue(), true
	case pmetric.NumberDataPointValueTypeInt:
		return float64(dp.IntValue()), true
	}
	return 0, false
}

// Watch records when each value of a probed series first reached a sink.
type Watch struct {
	Probe Probe

	mu    sync.Mutex
	first map[float64]time.Time
}

// Observe scans md, received at at, for the probed series.
func (w *Watch) Observe(md pmetric.Metrics, at time.Time) {
	if w == nil {
		return
	}
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		res := rms.At(i).Resource().Attributes()
		sms := rms.At(i).ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				m := ms.At(k)
				if !w.Probe.metricMatches(m.Name()) {
					continue
				}
				var dps pmetric.NumberDataPointSlice
				switch m.Type() {
				case pmetric.MetricTypeGauge:
					dps = m.Gauge().DataPoints()
				case pmetric.MetricTypeSum:
					dps = m.Sum().DataPoints()
				default:
					continue
				}
				for l := 0; l < dps.Len(); l++ {
					if v, ok := w.Probe.Value(m, dps.At(l), res); ok {
						w.seen(v, at)
					}
				}
			}
		}
	}
}

func (w *Watch) seen(v float64, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first == nil {
		w.first = map[float64]time.Time{}
	}
	if t, ok := w.first[v]; !ok || at.Before(t) {
		w.first[v] = at
	}
}

// FirstSeen returns when value v of the probed series first arrived.
func (w *Watch) FirstSeen(v float64) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.first[v]
	return t, ok
}

// Freshness is what the probe trials measured: per pipeline, the time from each change of the
// object to the first point carrying the new value at its sink; a trial whose value never
// arrived within its deadline is counted in Missed, not in Delays.
type Freshness struct {
	Delays []time.Duration
	Missed int
}

// Median is the median delay, or -1 without any.
func (f Freshness) Median() time.Duration {
	if len(f.Delays) == 0 {
		return -1
	}
	s := slices.Clone(f.Delays)
	slices.Sort(s)
	return s[len(s)/2]
}

// FreshnessTrials raises the probed container's restart count by one n times, and times each new
// value's arrival at every watch. The count only goes up, so a value is new to every watch even on
// a cluster reused from an earlier run. Each trial starts after
// pause(trial) (a spread over the collection interval, so the trials do not all fall at one phase
// of the pipelines' schedules) and waits for every watch at most deadline. The pod must be left
// out of the churn.
func FreshnessTrials(ctx context.Context, cs kubernetes.Interface, probe Probe, watches []*Watch, n int,
	pause func(trial int) time.Duration, deadline time.Duration) ([]Freshness, error) {
	out := make([]Freshness, len(watches))
	for trial := 1; trial <= n; trial++ {
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(pause(trial)):
		}
		count, changed, err := raiseRestartCount(ctx, cs, probe)
		if err != nil {
			return out, err
		}
		value := float64(count)
		pending := slices.Clone(watches)
		poll := time.NewTicker(50 * time.Millisecond)
		limit := time.NewTimer(deadline)
		for len(pending) > 0 {
			select {
			case <-ctx.Done():
				poll.Stop()
				limit.Stop()
				return out, ctx.Err()
			case <-limit.C:
				for i, w := range watches {
					if slices.Contains(pending, w) {
						out[i].Missed++
					}
				}
				pending = nil
			case <-poll.C:
				pending = slices.DeleteFunc(pending, func(w *Watch) bool {
					at, ok := w.FirstSeen(value)
					if ok {
						i := slices.Index(watches, w)
						out[i].Delays = append(out[i].Delays, max(0, at.Sub(changed)))
					}
					return ok
				})
			}
		}
		poll.Stop()
		limit.Stop()
	}
	return out, nil
}

// raiseRestartCount adds one to the probed container's restart count and returns the new count and
// when the request was sent.
func raiseRestartCount(ctx context.Context, cs kubernetes.Interface, probe Probe) (int32, time.Time, error) {
	ns, name, container := probe.Labels["namespace"], probe.Labels["pod"], probe.Labels["container"]
	pods := cs.CoreV1().Pods(ns)
	for attempt := 0; ; attempt++ {
		p, err := pods.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return 0, time.Time{}, fmt.Errorf("freshness probe pod %s/%s: %w", ns, name, err)
		}
		i := slices.IndexFunc(p.Status.ContainerStatuses, func(s corev1.ContainerStatus) bool { return s.Name == container })
		if i < 0 {
			return 0, time.Time{}, fmt.Errorf("freshness probe pod %s/%s has no container %q", ns, name, container)
		}
		p.Status.ContainerStatuses[i].RestartCount++
		count := p.Status.ContainerStatuses[i].RestartCount
		sent := time.Now()
		_, err = pods.UpdateStatus(ctx, p, metav1.UpdateOptions{})
		if err == nil {
			return count, sent, nil
		}
		if !apierrors.IsConflict(err) || attempt == 5 {
			return 0, time.Time{}, fmt.Errorf("freshness probe pod %s/%s: %w", ns, name, err)
		}
	}
}
