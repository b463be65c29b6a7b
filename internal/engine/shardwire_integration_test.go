package engine_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/testenv"
)

// The cut reads what a real apiserver writes: a shard's client decodes only its own objects of a
// protobuf list, of a watch stream and of a watch-list stream (the initial events of a reflector's
// streaming sync), and the bookmarks still arrive; the shards' lists together hold every object once.
func TestShardedClientDecodesOnlyItsShard(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := testenv.Clientset(t)
	ns := fmt.Sprintf("shardwire-%d", time.Now().UnixNano())
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	create := func(name string) *corev1.ConfigMap {
		cm, err := admin.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string]string{"k": "v"}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return cm
	}
	all := map[string]*corev1.ConfigMap{}
	for i := range 60 {
		cm := create(fmt.Sprintf("listed-%d", i))
		all[cm.Name] = cm
	}

	const total = 3
	listedBy := map[string]int{}
	for index := range total {
		shard := engine.Shard{Index: index, Total: total}
		cfg := testenv.RESTConfig(t)
		cfg.ContentType = "application/vnd.kubernetes.protobuf"
		cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf"
		cfg.Wrap(shard.Transport)
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		owned := func(name string) bool { return shard.Owns(all[name].UID) }

		list, err := cs.CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, cm := range list.Items {
			got = append(got, cm.Name)
			listedBy[cm.Name]++
		}
		for name := range all {
			if owned(name) {
				want = append(want, name)
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("shard %d listed %v; owns %v", index, got, want)
		}

		// The watch-list stream: every object as an ADDED event, then a bookmark closing the initial events.
		yes := true
		initial, err := cs.CoreV1().ConfigMaps(ns).Watch(ctx, metav1.ListOptions{SendInitialEvents: &yes, AllowWatchBookmarks: true,
			ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
		if err != nil {
			t.Fatal(err)
		}
		var streamed []string
		for ev := range initial.ResultChan() {
			if ev.Type == watch.Bookmark {
				break
			}
			cm, ok := ev.Object.(*corev1.ConfigMap)
			if !ok {
				t.Fatalf("shard %d: watch-list event %s %T", index, ev.Type, ev.Object)
			}
			streamed = append(streamed, cm.Name)
		}
		initial.Stop()
		sort.Strings(streamed)
		if fmt.Sprint(streamed) != fmt.Sprint(want) {
			t.Errorf("shard %d streamed %v; owns %v", index, streamed, want)
		}

		// A watch from the list's version: the shard sees its own of the objects created after it.
		w, err := cs.CoreV1().ConfigMaps(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		var mine []string
		created := map[string]bool{}
		for i := range 30 {
			cm := create(fmt.Sprintf("watched-%d-%d", index, i))
			all[cm.Name] = cm
			created[cm.Name] = true
			if owned(cm.Name) {
				mine = append(mine, cm.Name)
			}
		}
		// The watch ends at the first object after those that this shard owns: seen, the stream has
		// passed every event before it.
		var last *corev1.ConfigMap
		for i := 0; last == nil; i++ {
			cm := create(fmt.Sprintf("watched-%d-end-%d", index, i))
			all[cm.Name] = cm
			created[cm.Name] = true
			if owned(cm.Name) {
				mine = append(mine, cm.Name)
				last = cm
			}
		}
		var watched []string
		deadline := time.After(30 * time.Second)
	events:
		for {
			select {
			case ev := <-w.ResultChan():
				cm, ok := ev.Object.(*corev1.ConfigMap)
				if !ok {
					t.Fatalf("shard %d: watch event %s %T", index, ev.Type, ev.Object)
				}
				if created[cm.Name] {
					watched = append(watched, cm.Name)
				}
				if cm.Name == last.Name {
					break events
				}
			case <-deadline:
				t.Fatalf("shard %d: no event for %s, which it owns, in 30s (got %v)", index, last.Name, watched)
			}
		}
		w.Stop()
		if fmt.Sprint(watched) != fmt.Sprint(mine) {
			t.Errorf("shard %d watched %v; owns %v of those created", index, watched, mine)
		}
	}
	for name := range all {
		if n := listedBy[name]; n != 1 && !isWatched(name) {
			t.Errorf("%s listed by %d shards", name, n)
		}
	}
}

func isWatched(name string) bool { return len(name) > 8 && name[:8] == "watched-" }
