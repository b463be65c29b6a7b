package engine

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// MetricType is how a family's points are exported.
type MetricType uint8

const (
	Gauge   MetricType = iota // pmetric Gauge
	Counter                   // pmetric Sum, monotonic and cumulative
)

// FamilyDesc describes one exported metric family of a Source.
type FamilyDesc struct {
	Name string
	Help string // description, exactly as the metric should carry it
	Type MetricType
	// Keys are the label keys of the family's points after the Source's PrefixKeys, for points
	// whose keys do not vary per object (see RecordBuilder.Add).
	Keys []string
}

// Clients are the API clients a Source may list and watch with.
type Clients struct {
	Kube    kubernetes.Interface
	Dynamic dynamic.Interface
}

// Source is one kind of object turned into metric families. Implementations are built from
// declarative family tables (package family); the engine treats them all alike.
type Source interface {
	// Name is the resource's plural name as users configure it, e.g. "pods".
	Name() string
	// Namespaced reports whether objects live in namespaces (one informer per watched namespace).
	Namespaced() bool
	// Families are the enabled families; Point.Family indexes this slice.
	Families() []FamilyDesc
	// PrefixKeys are the label keys every point starts with; Record.Prefix holds their values.
	PrefixKeys() []string
	// ListWatch lists and watches the objects of one namespace ("" for all) that match fieldSelector.
	ListWatch(c Clients, namespace, fieldSelector string) cache.ListerWatcher
	// Example is an empty object of the watched type, for the informer.
	Example() runtime.Object
	// Transform strips an object to what the families read. The engine calls it, then Record, as
	// each object is decoded; the informer caches only the record.
	Transform(obj any) (any, error)
	// Record turns one (transformed) object version into its immutable record. It must not block.
	Record(obj any) *Record
}
