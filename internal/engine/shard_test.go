package engine

import (
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/types"
)

// The shard of a uid is kube-state-metrics v2.20.0's: these were printed by its own sharding code
// (pkg/sharding: fnv64a of the uid, github.com/dgryski/go-jump's Hash) for 1, 2, 3, 5, 16 and
// 1000 shards, so a fleet mixing KSM and kubestate shards covers every object exactly once.
func TestShardMatchesKSM(t *testing.T) {
	totals := [6]int{1, 2, 3, 5, 16, 1000}
	for _, tc := range []struct {
		uid  string
		want [6]int
	}{
		{"", [6]int{0, 1, 1, 1, 13, 266}},
		{"0b5f1c5e-6f3a-4c1e-9d2a-1f2e3d4c5b6a", [6]int{0, 0, 2, 4, 13, 366}},
		{"7d3e2c1b-aaaa-4bbb-8ccc-123456789abc", [6]int{0, 1, 2, 3, 3, 977}},
		{"ffffffff-ffff-4fff-bfff-ffffffffffff", [6]int{0, 0, 2, 3, 6, 285}},
		{"abc", [6]int{0, 0, 2, 4, 5, 922}},
		{"kube-system", [6]int{0, 1, 1, 1, 15, 179}},
		{"11111111-2222-4333-8444-555555555555", [6]int{0, 1, 2, 3, 3, 164}},
	} {
		for i, total := range totals {
			for index := range total {
				owns := Shard{Index: index, Total: total}.Owns(types.UID(tc.uid))
				if owns != (index == tc.want[i]) {
					t.Errorf("uid %q, %d shards: shard %d owns=%v; KSM puts it in shard %d", tc.uid, total, index, owns, tc.want[i])
				}
			}
		}
	}
}

// Every object belongs to exactly one shard, and the shards are about even.
func TestShardsPartitionObjects(t *testing.T) {
	const n, total = 30000, 3
	counts := make([]int, total)
	for i := range n {
		uid := types.UID(fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i*7919))
		owners := 0
		for s := range total {
			if (Shard{Index: s, Total: total}).Owns(uid) {
				owners++
				counts[s]++
			}
		}
		if owners != 1 {
			t.Fatalf("uid %s has %d owners", uid, owners)
		}
	}
	for s, c := range counts {
		if c < n/total*9/10 || c > n/total*11/10 {
			t.Errorf("shard %d holds %d of %d objects: uneven (%v)", s, c, n, counts)
		}
	}
}

// countingSource counts the records it builds.
type countingSource struct {
	*fakeSource
	built int
}

func (s *countingSource) Record(obj any) *Record {
	s.built++
	return s.fakeSource.Record(obj)
}

// Objects of other shards are dropped before their record is built and never reach the Store,
// in the initial list and in watch events alike.
func TestShardDropsOtherObjectsBeforeRecords(t *testing.T) {
	src := &countingSource{fakeSource: newFakeSource(0, 1)}
	shard := Shard{Index: 1, Total: 3}
	st := NewStore()
	q := newQueue(src, st, shard)
	var list []any
	owned := 0
	for i := range 300 {
		cm := configMap(i, 0)
		cm.UID = types.UID(fmt.Sprintf("uid-%d", i))
		if shard.Owns(cm.UID) {
			owned++
		}
		list = append(list, cm)
	}
	if err := q.Replace(list, "1"); err != nil {
		t.Fatal(err)
	}
	if st.Len() != owned || src.built != owned {
		t.Fatalf("after the list: %d records stored, %d built; want %d (the shard's objects only)", st.Len(), src.built, owned)
	}
	for _, obj := range list {
		if err := q.Update(obj); err != nil {
			t.Fatal(err)
		}
	}
	if st.Len() != owned || src.built != 2*owned {
		t.Fatalf("after updates: %d records stored, %d built; want %d and %d", st.Len(), src.built, owned, 2*owned)
	}
	if owned == 0 || owned == 300 {
		t.Fatalf("shard 1 of 3 owns %d of 300 objects: the test proves nothing", owned)
	}
}

// The per-node field selector is ANDed with the namespace filters of every informer.
func TestSelectionsAddFieldSelector(t *testing.T) {
	ns := newFakeSource(0, 1) // the fake reports Namespaced() false: wrap it
	for _, tc := range []struct {
		cfg        Config
		namespaced bool
		want       []selection
	}{
		{Config{FieldSelector: "spec.nodeName=n1"}, true, []selection{{fieldSelector: "spec.nodeName=n1"}}},
		{Config{FieldSelector: "spec.nodeName=n1", NamespacesDenylist: []string{"a", "b"}}, true,
			[]selection{{fieldSelector: "metadata.namespace!=a,metadata.namespace!=b,spec.nodeName=n1"}}},
		{Config{FieldSelector: "spec.nodeName=", Namespaces: []string{"a", "b"}, NamespacesDenylist: []string{"b"}}, true,
			[]selection{{namespace: "a", fieldSelector: "spec.nodeName="}}},
		{Config{NamespacesDenylist: []string{"a"}}, true, []selection{{fieldSelector: "metadata.namespace!=a"}}},
		{Config{FieldSelector: "spec.nodeName=n1"}, false, []selection{{fieldSelector: "spec.nodeName=n1"}}},
	} {
		e := &Engine{cfg: tc.cfg}
		var src Source = ns
		if tc.namespaced {
			src = namespacedSource{ns}
		}
		got := e.selections(src)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.cfg, got, tc.want)
		}
	}
}

type namespacedSource struct{ *fakeSource }

func (namespacedSource) Namespaced() bool { return true }
