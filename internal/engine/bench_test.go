package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// The snapshot's cost per data point against the floor: what appending a point to pdata costs at
// all. Run with
//
//	go test ./internal/engine -run '^$' -bench 'Floor|Collect' -benchmem -count 6 | tee new.txt
//
// and compare runs with benchstat. Every benchmark reports ns/point, allocs/point and B/point;
// "encode" variants also marshal each batch to OTLP protobuf, as the OTLP exporter does.

const batch = 8192

// BenchmarkFloor is what appending points to pdata costs at all, 8192 points per batch, built the
// plainest way pdata allows from points already in hand (no records, no stores): AppendEmpty,
// timestamps, value, EnsureCapacity, one PutStr per attribute. "pods" are exactly the points
// BenchmarkCollect exports (the same families, attributes and values), so Collect/Floor is the
// snapshot's overhead; "5attrs" are gauge points with five string attributes each.
func BenchmarkFloor(b *testing.B) {
	pods := podPoints(b, 2000)
	keys := []string{"namespace", "pod", "uid", "container", "reason"}
	values := make([]string, 1024)
	for i := range values {
		values[i] = fmt.Sprintf("value-%04d", i)
	}
	five := make([]flatPoint, 2000*48)
	for i := range five {
		fp := flatPoint{family: i % 48, keys: keys, values: make([]string, len(keys)), value: 1}
		for k := range keys {
			fp.values[k] = values[(i+k)%len(values)]
		}
		five[i] = fp
	}
	for _, set := range []struct {
		name   string
		points []flatPoint
		descs  []engine.FamilyDesc
	}{{"pods", pods.points, pods.descs}, {"5attrs", five, nil}} {
		for _, encode := range []bool{false, true} {
			b.Run(set.name+"/"+variant(encode), func(b *testing.B) {
				ts := pcommon.NewTimestampFromTime(time.Now())
				measure(b, func() int {
					buildFlat(set.points, set.descs, ts, func(md pmetric.Metrics) {
						if encode {
							marshal(b, md)
						}
					})
					return len(set.points)
				})
			})
		}
	}
}

type flatPoint struct {
	family int
	keys   []string // prefix keys, then the point's keys
	values []string
	value  float64
}

type flatPoints struct {
	points []flatPoint
	descs  []engine.FamilyDesc
}

// podPoints unpacks the records of n served pods into plain points with all their attributes.
func podPoints(b testing.TB, n int) flatPoints {
	src := resources.Pods.Compile(family.Filter{})
	var out flatPoints
	out.descs = src.Families()
	for _, p := range seed.ServedPods(n) {
		obj, err := src.Transform(p)
		if err != nil {
			b.Fatal(err)
		}
		rec := src.Record(obj)
		prefix := rec.Prefix()
		for _, pt := range rec.Points(out.descs) {
			out.points = append(out.points, flatPoint{family: pt.Family, keys: append(slices.Clone(src.PrefixKeys()), pt.Keys...),
				values: append(slices.Clone(prefix), pt.Values...), value: pt.Value})
		}
	}
	return out
}

// buildFlat builds batches of 8192 points, one metric per family per batch, and hands each on.
func buildFlat(points []flatPoint, descs []engine.FamilyDesc, ts pcommon.Timestamp, emit func(pmetric.Metrics)) {
	var md pmetric.Metrics
	var ms pmetric.MetricSlice
	dps := map[int]pmetric.NumberDataPointSlice{}
	n := 0
	for i := range points {
		if n == 0 {
			md = pmetric.NewMetrics()
			ms = md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
			clear(dps)
		}
		p := &points[i]
		d, ok := dps[p.family]
		if !ok {
			m := ms.AppendEmpty()
			if descs != nil {
				m.SetName(descs[p.family].Name)
				m.SetDescription(descs[p.family].Help)
			}
			if descs != nil && descs[p.family].Type == engine.Counter {
				s := m.SetEmptySum()
				s.SetIsMonotonic(true)
				s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
				d = s.DataPoints()
			} else {
				d = m.SetEmptyGauge().DataPoints()
			}
			dps[p.family] = d
		}
		dp := d.AppendEmpty()
		dp.SetTimestamp(ts)
		if descs != nil && descs[p.family].Type == engine.Counter {
			dp.SetStartTimestamp(ts)
		}
		dp.SetDoubleValue(p.value)
		attrs := dp.Attributes()
		attrs.EnsureCapacity(len(p.keys))
		for k, key := range p.keys {
			attrs.PutStr(key, p.values[k])
		}
		if n++; n == batch {
			emit(md)
			n = 0
		}
	}
	if n > 0 {
		emit(md)
	}
}

// BenchmarkCollect is the engine's snapshot over real pod records (the seeder's synthetic pods,
// KSM's default pod families), in batches of 8192 points, with the stale-series bookkeeping of the
// engine's cycles (nothing changes between iterations, so no stale points). "objectlabels/"
// variants put each pod's two labels (app, pod-template-hash) on every point
// (object_labels_as_attributes).
func BenchmarkCollect(b *testing.B) {
	benchCollect(b, "", family.Filter{})
	labels, err := family.ParseAllowlist([]string{"app", "pod-template-hash"})
	if err != nil {
		b.Fatal(err)
	}
	benchCollect(b, "objectlabels/", family.Filter{ObjectLabels: labels})
}

func benchCollect(b *testing.B, name string, filter family.Filter) {
	src := resources.Pods.Compile(filter)
	st := engine.NewStore()
	total := 0
	for i, p := range seed.ServedPods(2000) { // the same pods as BenchmarkFloor/pods
		obj, err := src.Transform(p)
		if err != nil {
			b.Fatal(err)
		}
		rec := src.Record(obj)
		total += rec.Len()
		st.Put(fmt.Sprint(i), rec)
	}
	collectStore(b, name, src, st, total)
}

// collectStore benchmarks a cycle's snapshot of one Store holding total points, with the stale-series
// bookkeeping, nothing changing between iterations: building pdata alone and building and encoding.
func collectStore(b *testing.B, name string, src engine.Source, st *engine.Store, total int) {
	cols := []engine.Collection{{Source: src, Stores: []*engine.Store{st}}}
	for _, encode := range []bool{false, true} {
		b.Run(name+variant(encode), func(b *testing.B) {
			// As the engine's cycles: with what the previous snapshot exported, to mark what vanished.
			opts := engine.BatchOptions{Scope: "bench", Version: "v0", MaxDataPointsPerBatch: batch, Now: pcommon.NewTimestampFromTime(time.Now()), Last: engine.NewLastExported()}
			measure(b, func() int {
				s := engine.Collect(context.Background(), cols, opts, func(md pmetric.Metrics) error {
					if encode {
						marshal(b, md)
					}
					return nil
				})
				if s.Points != total {
					b.Fatalf("collected %d points, want %d", s.Points, total)
				}
				return s.Points
			})
		})
	}
}

func variant(encode bool) string {
	if encode {
		return "encode"
	}
	return "build"
}

var sink []byte

func marshal(b *testing.B, md pmetric.Metrics) {
	data, err := pmetricotlp.NewExportRequestFromMetrics(md).MarshalProto()
	if err != nil {
		b.Fatal(err)
	}
	sink = data
}

// measure runs op (which returns the points it handled) b.N times and reports per-point figures.
func measure(b *testing.B, op func() int) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu := cpuTime()
	points := 0
	for b.Loop() {
		points += op()
	}
	cpu = cpuTime() - cpu
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(points), "ns/point")
	// CPU time of the whole process (GC workers included) per point: steadier than wall time on a
	// shared machine.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(points), "cpu-ns/point")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(points), "allocs/point")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(points), "B/point")
	b.ReportMetric(0, "ns/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
