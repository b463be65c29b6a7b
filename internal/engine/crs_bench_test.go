package engine_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// The custom resource state side of BenchmarkFloor and BenchmarkCollect: 10,000 points' worth of
// the Releases of the custom resource bench (testdata/bench/crs: 9 points each), decoded from JSON
// as the dynamic client decodes them. Run beside the pod variants to compare per point:
//
//	go test ./internal/engine -run '^$' -bench 'Floor|Collect|CRS' -benchmem -count 6

const crsReleases = 2000

// crsSource is the bench's config bound to the Releases' group/version/kind.
func crsSource(b *testing.B) *customresource.Source {
	data, err := os.ReadFile("../../testdata/bench/crs/config.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := customresource.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	rs, err := customresource.Compile(cfg)
	if err != nil {
		b.Fatal(err)
	}
	gvk := customresource.GroupVersionKind{Group: "bench.kubestate.io", Version: "v1", Kind: "Release"}
	return customresource.NewSource(rs[0].Bind(gvk, "releases", true), "releases.v1.bench.kubestate.io", nil)
}

// servedRelease is Release i at revision rev as a watch event carries it: with the metadata the
// apiserver adds (managedFields of the server-side apply included), in JSON.
func servedRelease(b *testing.B, i, rev int) []byte {
	u := seed.Release(i, rev)
	u.SetUID(types.UID(fmt.Sprintf("5b1f4c6e-0000-4000-8000-%012d", i)))
	u.SetResourceVersion(fmt.Sprint(100000 + i + rev))
	u.SetGeneration(int64(1 + rev))
	u.SetCreationTimestamp(seedTime)
	fields := map[string]any{"f:spec": map[string]any{"f:chart": map[string]any{}, "f:replicas": map[string]any{}, "f:suspend": map[string]any{}, "f:version": map[string]any{}},
		"f:status": map[string]any{"f:conditions": map[string]any{}, "f:observedGeneration": map[string]any{}, "f:phase": map[string]any{}}}
	u.Object["metadata"].(map[string]any)["managedFields"] = []any{map[string]any{"manager": "kubestate-bench", "operation": "Apply",
		"apiVersion": seed.ReleaseGroupVersion, "time": "2026-11-29T10:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": fields}}
	data, err := json.Marshal(u.Object)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

var seedTime = metav1.NewTime(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))

// decodeRelease decodes one served Release as the dynamic client does.
func decodeRelease(b *testing.B, data []byte) *unstructured.Unstructured {
	obj, _, err := unstructured.UnstructuredJSONScheme.Decode(data, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	return obj.(*unstructured.Unstructured)
}

// crsStore holds the records of crsReleases served Releases.
func crsStore(b *testing.B, src *customresource.Source) (*engine.Store, int) {
	st := engine.NewStore()
	total := 0
	for i := range crsReleases {
		obj, err := src.Transform(decodeRelease(b, servedRelease(b, i, 0)))
		if err != nil {
			b.Fatal(err)
		}
		rec := src.Record(obj)
		if rec.Len() != 9 {
			b.Fatalf("release %d: %d points, want 9", i, rec.Len())
		}
		total += rec.Len()
		st.Put(fmt.Sprint(i), rec)
	}
	return st, total
}

// BenchmarkCRSFloor is BenchmarkFloor for the Releases' points: what appending exactly the
// points of BenchmarkCRSCollect to pdata costs at all.
func BenchmarkCRSFloor(b *testing.B) {
	src := crsSource(b)
	st, _ := crsStore(b, src)
	var points []flatPoint
	st.Range(func(r *engine.Record) bool {
		for _, pt := range r.Points(src.Families()) {
			points = append(points, flatPoint{family: pt.Family, keys: slices.Clone(pt.Keys), values: slices.Clone(pt.Values), value: pt.Value})
		}
		return true
	})
	for _, encode := range []bool{false, true} {
		b.Run(variant(encode), func(b *testing.B) {
			ts := pcommon.NewTimestampFromTime(time.Now())
			measure(b, func() int {
				buildFlat(points, src.Families(), ts, func(md pmetric.Metrics) {
					if encode {
						marshal(b, md)
					}
				})
				return len(points)
			})
		})
	}
}

// BenchmarkCRSCollect is BenchmarkCollect over the Releases' records: the snapshot of a cycle
// with the stale-series bookkeeping, nothing changing between iterations.
func BenchmarkCRSCollect(b *testing.B) {
	src := crsSource(b)
	st, total := crsStore(b, src)
	collectStore(b, "", src, st, total)
}

// BenchmarkCRSEvent is what one watch event of the bench's churn costs before the snapshot sees
// it: "decode" is the dynamic client's JSON decode of a served Release, "record" Transform and
// Record on a decoded one, "both" the two in turn. Reported per point of the record (9 per
// Release) so that it reads beside the snapshot's per-point figures.
func BenchmarkCRSEvent(b *testing.B) {
	src := crsSource(b)
	served := make([][]byte, 256)
	for i := range served {
		served[i] = servedRelease(b, i, 1)
	}
	decoded := make([]*unstructured.Unstructured, len(served))
	for i, data := range served {
		decoded[i] = decodeRelease(b, data)
	}
	for _, name := range []string{"decode", "record", "both"} {
		b.Run(name, func(b *testing.B) {
			i := 0
			measure(b, func() int {
				i = (i + 1) % len(served)
				u := decoded[i]
				if name != "record" {
					u = decodeRelease(b, served[i])
				}
				if name == "decode" {
					return 9
				}
				obj, err := src.Transform(u)
				if err != nil {
					b.Fatal(err)
				}
				return src.Record(obj).Len()
			})
		})
	}
}
