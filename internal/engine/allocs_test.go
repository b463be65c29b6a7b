package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// TestCollectAllocatesOnlyWhatPdataNeeds: per point, the snapshot (with the stale-series
// bookkeeping of the engine's cycles) allocates exactly what building the same points straight
// into pdata does (buildFlat, BenchmarkFloor's way): walking records costs no allocation per point.
// Per cycle and per batch it may allocate a little; the test allows 1 % of a point's worth.
func TestCollectAllocatesOnlyWhatPdataNeeds(t *testing.T) {
	const pods = 200
	src := resources.Pods.Compile(family.Filter{})
	st := engine.NewStore()
	for i, p := range seed.ServedPods(pods) {
		obj, err := src.Transform(p)
		if err != nil {
			t.Fatal(err)
		}
		st.Put(fmt.Sprint(i), src.Record(obj))
	}
	flat := podPoints(t, pods)
	points := len(flat.points)
	now := pcommon.NewTimestampFromTime(time.Now())
	floor := testing.AllocsPerRun(3, func() {
		buildFlat(flat.points, flat.descs, now, func(pmetric.Metrics) {})
	})
	cols := []engine.Collection{{Source: src, Stores: []*engine.Store{st}}}
	opts := engine.BatchOptions{MaxDataPointsPerBatch: batch, Now: now, Last: engine.NewLastExported()}
	collect := testing.AllocsPerRun(3, func() {
		if s := engine.Collect(context.Background(), cols, opts, func(pmetric.Metrics) error { return nil }); s.Points != points {
			t.Fatalf("collected %d points, want %d", s.Points, points)
		}
	})
	if extra := (collect - floor) / float64(points); extra > 0.01 {
		t.Errorf("the snapshot allocates %.3f times per point beyond pdata's own (%.0f allocations against %.0f for %d points)", extra, collect, floor, points)
	}
}
