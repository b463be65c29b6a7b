package resources

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/randfill"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
)

// Bad input everywhere: every resource table, with every family enabled (opt-in ones too) and the
// label and annotation allowlists at "*", must turn zero-value objects, randomly filled objects
// (nil pointers, empty statuses, odd enum values, invalid UTF-8, huge quantities) and huge label
// sets into well-formed records, never a panic. The random objects also check that Transform
// (what the informer caches) keeps every field a family reads: a record built from the stripped
// object must equal the one built from the full object.
//
// KUBESTATE_BADINPUT_OBJECTS sets the random objects per resource (default 20; make reliability
// runs more). KUBESTATE_BADINPUT_SEED replays one run.

var badPromLabelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// badAllFamilies enables every family, opt-in included, with both allowlists at "*".
func badAllFamilies(t testing.TB) family.Filter {
	star, err := family.ParseAllowlist([]string{"*"})
	if err != nil {
		t.Fatal(err)
	}
	return family.Filter{Enabled: func(string, bool) bool { return true }, Labels: star, Annotations: star}
}

// badCheckRecord fails unless rec is a well-formed record of src: prefix values for every prefix key,
// valid family indexes in order, one value per key, valid and unique label names per point.
func badCheckRecord(t testing.TB, src engine.Source, rec *engine.Record) {
	t.Helper()
	if rec == nil {
		t.Fatalf("%s: Record returned nil for an object of its own type", src.Name())
	}
	keys := src.PrefixKeys()
	if len(rec.Prefix()) != len(keys) {
		t.Fatalf("%s: %d prefix values for prefix keys %v", src.Name(), len(rec.Prefix()), keys)
	}
	fams := src.Families()
	last := -1
	for i, p := range rec.Points(fams) {
		if p.Family < 0 || p.Family >= len(fams) {
			t.Fatalf("%s: point %d has family index %d of %d", src.Name(), i, p.Family, len(fams))
		}
		if p.Family < last {
			t.Fatalf("%s: point %d (%s) out of family order", src.Name(), i, fams[p.Family].Name)
		}
		last = p.Family
		name := fams[p.Family].Name
		if len(p.Keys) != len(p.Values) {
			t.Fatalf("%s: %d keys, %d values", name, len(p.Keys), len(p.Values))
		}
		seen := make(map[string]bool, len(keys)+len(p.Keys))
		for _, k := range slices.Concat(keys, p.Keys) {
			if !badPromLabelName.MatchString(k) {
				t.Fatalf("%s: label name %q is not a valid Prometheus label name", name, k)
			}
			if seen[k] {
				t.Fatalf("%s: label %q appears twice in one point (keys %v)", name, k, p.Keys)
			}
			seen[k] = true
		}
	}
}

// badRecordLines is a record's exposition lines, sorted: families may iterate maps, so only the set counts.
func badRecordLines(src engine.Source, rec *engine.Record) []string {
	ls := strings.Split(strings.TrimSuffix(family.Text(src, rec), "\n"), "\n")
	slices.Sort(ls)
	return ls
}

func TestBadInputZeroValueObjects(t *testing.T) {
	for _, m := range All {
		t.Run(m.ResourceName(), func(t *testing.T) {
			src := m.Compile(badAllFamilies(t))
			// The bare example, as the informer hands it over before Transform.
			badCheckRecord(t, src, src.Record(src.Example()))
			obj, err := src.Transform(src.Example())
			if err != nil {
				t.Fatal(err)
			}
			rec := src.Record(obj)
			badCheckRecord(t, src, rec)
			// Objects of another type (tombstones, a wrong informer) are passed through and ignored.
			if _, err := src.Transform(badForeignObject{}); err != nil {
				t.Fatalf("Transform of a foreign object: %v", err)
			}
			if r := src.Record(badForeignObject{}); r != nil {
				t.Fatalf("Record of a foreign object = %+v, want nil", r)
			}
		})
	}
}

type badForeignObject struct{ Key string }

func TestBadInputRandomObjects(t *testing.T) {
	n := badEnvInt(t, "KUBESTATE_BADINPUT_OBJECTS", 20)
	seed := int64(badEnvInt(t, "KUBESTATE_BADINPUT_SEED", int(time.Now().UnixNano()%1_000_000)))
	t.Logf("seed %d (KUBESTATE_BADINPUT_SEED=%d replays it), %d objects per resource", seed, seed, n)
	for ri, m := range All {
		t.Run(m.ResourceName(), func(t *testing.T) {
			src := m.Compile(badAllFamilies(t))
			for i := 0; i < n; i++ {
				s := seed*1_000_003 + int64(ri)*10_007 + int64(i)
				obj := badRandomObject(src.Example(), s)
				full := obj.DeepCopyObject()
				var stripped any
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("object %d (seed %d): panic: %v\nobject: %s", i, s, r, badDump(obj))
						}
					}()
					fullRec := src.Record(full)
					badCheckRecord(t, src, fullRec)
					var err error
					stripped, err = src.Transform(obj)
					if err != nil {
						t.Fatalf("object %d (seed %d): Transform: %v", i, s, err)
					}
					rec := src.Record(stripped)
					badCheckRecord(t, src, rec)
					if got, want := badRecordLines(src, rec), badRecordLines(src, fullRec); !slices.Equal(got, want) {
						t.Fatalf("object %d (seed %d): the record of the transformed (cached) object differs from the full object's (want: full, got: transformed): Strip drops a field a family reads\n%s",
							i, s, badDiffLines(want, got))
					}
					if again := badRecordLines(src, src.Record(stripped)); !slices.Equal(again, badRecordLines(src, rec)) {
						t.Fatalf("object %d (seed %d): two records of one object differ: a family depends on map order", i, s)
					}
				}()
			}
		})
	}
}

func badDump(obj runtime.Object) string {
	s := fmt.Sprintf("%+v", obj)
	if len(s) > 4000 {
		s = s[:4000] + "..."
	}
	return s
}

func badDiffLines(want, got []string) string {
	var b strings.Builder
	for _, l := range want {
		if !slices.Contains(got, l) {
			fmt.Fprintf(&b, "  want only: %.300s\n", l)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			fmt.Fprintf(&b, "  got only:  %.300s\n", l)
		}
	}
	return b.String()
}

func badEnvInt(t testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}

// badOddStrings are the values families branch on, plus values no API server validation would let
// through but a protobuf decode can: invalid UTF-8, quotes, newlines, empty, very long.
var badOddStrings = []string{
	"", "True", "False", "Unknown", "true", "Running", "Pending", "Succeeded", "Failed", "Unknown",
	"cpu", "memory", "storage", "ephemeral-storage", "pods", "nvidia.com/gpu", "hugepages-2Mi", "requests.cpu", "limits.memory",
	"Ready", "Available", "Progressing", "Complete", "Suspended", "ReplicaFailure", "DiskPressure", "Approved", "Denied",
	"Bound", "Lost", "Released", "Active", "Terminating", "ClusterIP", "LoadBalancer", "NodePort", "ExternalName",
	"TCP", "UDP", "Evicted", "CrashLoopBackOff", "OOMKilled", "ContainerCreating", "Error", "NodeLost",
	"kubernetes.io/hostname", "app", "node-role.kubernetes.io/control-plane", "10.0.0.1", "fd00::1", "not-an-ip",
	"Always", "OnFailure", "Never", "Guaranteed", "Burstable", "BestEffort", "Container", "Pod", "PersistentVolumeClaim",
	"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "<none>", "*", "0", "-1", "1e309", "NaN",
	"a\xffb\xfe", "\xc3\x28", "quote\"back\\slash\nnew line", "ünïcødé ✓", "key=value,other=thing", "{}",
	strings.Repeat("x", 70_000),
}

// badRandomObject fills a fresh object of obj's type: random structure from randfill (nil pointers,
// empty and long slices and maps), then strings swapped for badOddStrings half the time.
func badRandomObject(obj runtime.Object, seed int64) runtime.Object {
	return badFillObject(obj, rand.NewSource(seed))
}

// badFillObject is badRandomObject with its randomness from src (fuzz targets pass their bytes).
func badFillObject(obj runtime.Object, src rand.Source) runtime.Object {
	r := rand.New(src)
	f := randfill.New().RandSource(src).NilChance(0.35).NumElements(0, 4).MaxDepth(12).Funcs(
		func(q *resource.Quantity, c randfill.Continue) {
			vals := []int64{0, 1, -1, 7, 1000, 1 << 40, math.MaxInt64 / 2, resource.MaxMilliValue + 1, math.MinInt64 / 4}
			v := vals[c.Intn(len(vals))]
			switch c.Intn(4) {
			case 0:
				*q = *resource.NewMilliQuantity(v, resource.DecimalSI)
			case 1:
				*q = *resource.NewQuantity(v, resource.BinarySI)
			case 2:
				*q = *resource.NewScaledQuantity(v, resource.Scale(c.Intn(30)-15))
			default:
				*q = resource.Quantity{} // zero value: no format, no amount
			}
		},
		func(tm *metav1.Time, c randfill.Continue) {
			switch c.Intn(4) {
			case 0:
				*tm = metav1.Time{} // zero: "never"
			case 1:
				*tm = metav1.NewTime(time.Unix(c.Int63n(4_000_000_000)-1_000_000_000, 0))
			default:
				*tm = metav1.NewTime(time.Unix(1_700_000_000+c.Int63n(100_000_000), 0))
			}
		},
		func(tm *metav1.MicroTime, c randfill.Continue) {
			*tm = metav1.NewMicroTime(time.Unix(1_700_000_000+c.Int63n(100_000_000), c.Int63n(1e9)))
		},
		func(e *runtime.RawExtension, c randfill.Continue) {
			if c.Bool() {
				e.Raw = []byte(`{"apiVersion":"v1","kind":"Odd","x":` + strconv.Itoa(c.Intn(100)) + `}`)
			}
		},
	)
	out := obj.DeepCopyObject()
	f.Fill(out)
	badOddify(reflect.ValueOf(out), r, 0)
	return out
}

// badOddify walks v and replaces strings (and string map keys) with badOddStrings half the time.
func badOddify(v reflect.Value, r *rand.Rand, depth int) {
	if depth > 40 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			badOddify(v.Elem(), r, depth+1)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				badOddify(v.Field(i), r, depth+1)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes: leave randfill's
		}
		for i := 0; i < v.Len(); i++ {
			badOddify(v.Index(i), r, depth+1)
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			badOddify(v.Index(i), r, depth+1)
		}
	case reflect.Map:
		if v.IsNil() || !v.CanSet() {
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := reflect.New(v.Type().Key()).Elem()
			k.Set(iter.Key())
			badOddify(k, r, depth+1)
			val := reflect.New(v.Type().Elem()).Elem()
			val.Set(iter.Value())
			badOddify(val, r, depth+1)
			m.SetMapIndex(k, val)
		}
		v.Set(m)
	case reflect.String:
		if v.CanSet() && r.Intn(2) == 0 {
			v.SetString(badOddStrings[r.Intn(len(badOddStrings))])
		}
	}
}

// TestBadInputHugeLabelSets runs every resource's families over an object carrying 500 labels
// and annotations whose keys collide after sanitizing, with odd values: one point each, every key
// a distinct valid label name, every value passed through byte for byte (KSM does not rewrite
// label values).
func TestBadInputHugeLabelSets(t *testing.T) {
	labels := map[string]string{}
	for i := 0; i < 500; i++ {
		labels[fmt.Sprintf("example.com/key-%d", i)] = badOddStrings[i%len(badOddStrings)]
	}
	// Keys that all sanitize to label_a_b: KSM's _conflictN suffixes must keep them apart.
	for _, k := range []string{"a.b", "a-b", "a/b", "a_b", "a b", "a\xffb", "A.b"} {
		labels[k] = "v-" + k
	}
	for _, m := range All {
		t.Run(m.ResourceName(), func(t *testing.T) {
			src := m.Compile(badAllFamilies(t))
			obj := src.Example()
			acc, err := badMetaAccessor(obj)
			if err != nil {
				t.Fatal(err)
			}
			acc.SetName("huge")
			acc.SetNamespace("ns")
			acc.SetLabels(labels)
			acc.SetAnnotations(labels)
			tobj, err := src.Transform(obj)
			if err != nil {
				t.Fatal(err)
			}
			rec := src.Record(tobj)
			badCheckRecord(t, src, rec)
			found := 0
			for _, p := range rec.Points(src.Families()) {
				name := src.Families()[p.Family].Name
				if !strings.HasSuffix(name, "_labels") && !strings.HasSuffix(name, "_annotations") || len(p.Keys) < len(labels) {
					continue
				}
				found++
				got := map[string]bool{}
				for i := range p.Keys {
					got[p.Values[i]] = true
				}
				for k, v := range labels {
					if !got[v] {
						t.Fatalf("%s: value of %q (%q) missing or rewritten", name, k, v)
					}
				}
			}
			if found == 0 && badHasLabelsFamily(m) {
				t.Fatalf("no *_labels or *_annotations point carries the %d labels", len(labels))
			}
		})
	}
}

func badMetaAccessor(obj runtime.Object) (metav1.Object, error) {
	o, ok := obj.(metav1.Object)
	if !ok {
		return nil, fmt.Errorf("%T has no object metadata", obj)
	}
	return o, nil
}

func badHasLabelsFamily(m family.AnyResource) bool {
	for _, fi := range m.FamilyInfo() {
		if strings.HasSuffix(fi.Name, "_labels") || strings.HasSuffix(fi.Name, "_annotations") {
			return true
		}
	}
	return false
}

// TestBadInputMoreLabelsThanUint16 gives a pod 70,000 labels (about 1.2 MB, under etcd's 1.5 MiB
// request limit): kube_pod_labels must carry every one, each with its own value, as KSM's does, and
// every other point must be what it is without the labels.
func TestBadInputMoreLabelsThanUint16(t *testing.T) {
	labels := make(map[string]string, 70_000)
	for i := range 70_000 {
		labels[fmt.Sprintf("k%d", i)] = fmt.Sprintf("v%d", i)
	}
	src := Pods.Compile(badAllFamilies(t))
	record := func(labels map[string]string) []engine.Point {
		pod := src.Example()
		acc, _ := badMetaAccessor(pod)
		acc.SetName("many-labels")
		acc.SetNamespace("ns")
		acc.SetLabels(labels)
		obj, err := src.Transform(pod)
		if err != nil {
			t.Fatal(err)
		}
		rec := src.Record(obj)
		badCheckRecord(t, src, rec)
		return rec.Points(src.Families())
	}
	var others []string
	found := false
	for _, p := range record(labels) {
		name := src.Families()[p.Family].Name
		if name != "kube_pod_labels" {
			others = append(others, fmt.Sprint(name, p.Keys, p.Values, p.Value))
			continue
		}
		found = true
		if len(p.Keys) != len(labels) {
			t.Errorf("kube_pod_labels has %d labels, want %d", len(p.Keys), len(labels))
		}
		for i, k := range p.Keys {
			if k != "label_k"+strings.TrimPrefix(p.Values[i], "v") {
				t.Fatalf("label %s has value %q", k, p.Values[i])
			}
		}
	}
	if !found {
		t.Fatal("no kube_pod_labels point")
	}
	var want []string
	for _, p := range record(nil) {
		if name := src.Families()[p.Family].Name; name != "kube_pod_labels" {
			want = append(want, fmt.Sprint(name, p.Keys, p.Values, p.Value))
		}
	}
	if !slices.Equal(others, want) {
		t.Errorf("the other points differ once the pod has 70,000 labels:\n%s", badDiffLines(want, others))
	}
}
