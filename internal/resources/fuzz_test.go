package resources

import (
	"encoding/json"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/randfill/bytesource"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/watchdog"
)

// The object-to-record path under fuzzing: whatever an API server (or a corrupted watch stream)
// hands the informer, Transform then Record must give a well-formed record, never a panic, and the
// cached (transformed) object must give the same record as the full one.
//
//	go test ./internal/resources -run='^$' -fuzz=FuzzRecordFromProtobuf -fuzztime=10s
//	go test ./internal/resources -run='^$' -fuzz=FuzzPodFields -fuzztime=10s

type fuzzProto interface {
	runtime.Object
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// badRecordBoth runs the informer's path (Transform, Record) and the untransformed path on obj and
// checks they agree and are well-formed.
func badRecordBoth(t *testing.T, src engine.Source, obj runtime.Object) {
	t.Helper()
	full := src.Record(obj.DeepCopyObject())
	badCheckRecord(t, src, full)
	stripped, err := src.Transform(obj)
	if err != nil {
		t.Fatalf("Transform: %v", err)
	}
	rec := src.Record(stripped)
	badCheckRecord(t, src, rec)
	if got, want := badRecordLines(src, rec), badRecordLines(src, full); !slices.Equal(got, want) {
		t.Fatalf("%s: record of the transformed object differs from the full object's\n%s", src.Name(), badDiffLines(want, got))
	}
}

// jsonWireResources are the resources read in JSON into local types (jsonListWatch), which have no
// protobuf form: FuzzRecordFromProtobuf decodes their bytes as JSON, the form the informer decodes.
var jsonWireResources = map[string]bool{"mutatingadmissionpolicies": true, "mutatingadmissionpolicybindings": true}

// fuzzWire encodes and decodes one resource's objects as the informer receives them.
type fuzzWire struct {
	marshal   func(runtime.Object) ([]byte, error)
	unmarshal func(data []byte, into runtime.Object) error
}

func fuzzWireOf(f *testing.F, name string, example runtime.Object) fuzzWire {
	_, isProto := example.(fuzzProto)
	switch {
	case isProto && !jsonWireResources[name]:
		return fuzzWire{
			marshal:   func(o runtime.Object) ([]byte, error) { return o.(fuzzProto).Marshal() },
			unmarshal: func(data []byte, into runtime.Object) error { return into.(fuzzProto).Unmarshal(data) },
		}
	case !isProto && jsonWireResources[name]:
		return fuzzWire{
			marshal: func(o runtime.Object) ([]byte, error) {
				if m, err := meta.Accessor(o); err == nil {
					m.SetManagedFields(nil) // random FieldsV1 bytes are not JSON
				}
				return json.Marshal(o)
			},
			unmarshal: func(data []byte, into runtime.Object) error {
				return sigsjson.UnmarshalCaseSensitivePreserveInts(data, into)
			},
		}
	}
	f.Fatalf("%s: %T has protobuf %v, but jsonWireResources says %v", name, example, isProto, jsonWireResources[name])
	return fuzzWire{}
}

// FuzzRecordFromProtobuf decodes the bytes as the wire form (protobuf; JSON for jsonWireResources)
// of one resource's object (resource chosen by the first argument) and runs that resource's
// families over it.
func FuzzRecordFromProtobuf(f *testing.F) {
	wires := make([]fuzzWire, len(All))
	for i, m := range All {
		src := m.Compile(badAllFamilies(f))
		wires[i] = fuzzWireOf(f, m.ResourceName(), src.Example())
		f.Add(uint8(i), []byte{})
		added := 0
		for seed := int64(1); added < 2 && seed < 50; seed++ {
			if b, err := wires[i].marshal(badRandomObject(src.Example(), seed)); err == nil && len(b) < 4096 {
				f.Add(uint8(i), b)
				added++
			}
		}
	}
	sources := make([]engine.Source, len(All))
	for i, m := range All {
		sources[i] = m.Compile(badAllFamilies(f))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		defer watchdog.Start(watchdog.PerInput)() // a hung input fails, saved
		i := int(which) % len(sources)
		src := sources[i]
		obj := src.Example()
		if err := wires[i].unmarshal(data, obj); err != nil {
			return
		}
		badRecordBoth(t, src, obj)
	})
}

// FuzzPodFields fills a Pod from the fuzzer's bytes (structure from randfill, strings from the odd
// values families branch on) and runs the pod families over it.
func FuzzPodFields(f *testing.F) {
	for _, s := range []string{"", "\x00", "\xff\xff\xff\xff", "pod with containers and statuses", "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"} {
		f.Add([]byte(s))
	}
	src := Pods.Compile(badAllFamilies(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog.Start(watchdog.PerInput)() // a hung input fails, saved
		pod := badFillObject(&corev1.Pod{}, bytesource.New(data))
		badRecordBoth(t, src, pod)
	})
}
