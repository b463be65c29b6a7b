package resources

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/testenv"
)

// TestSecretsTableAgainstAPIServer: what kube-apiserver serves as Tables gives every secret family
// exactly the series the full Secret gives (all families, every label and annotation allowed), in
// a list (also paged), in watch events, and in a streamed initial list; and never a value.
func TestSecretsTableAgainstAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cs := testenv.Clientset(t)
	ns := "secrets-table"
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	owner := metav1.OwnerReference{APIVersion: "v1", Kind: "ServiceAccount", Name: "sa", UID: "0b9d5e4e-0000-4000-8000-000000000001", Controller: ptr.To(true)}
	for _, s := range []*corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Name: "opaque", Labels: map[string]string{"app": "x", "team.example.com/owner": "y"}}, Data: map[string][]byte{"k": []byte("v")}},
		{ObjectMeta: metav1.ObjectMeta{Name: "tls", Annotations: map[string]string{"note": `quoted "and" \escaped`}}, Type: corev1.SecretTypeTLS,
			Data: map[string][]byte{"tls.crt": []byte("c"), "tls.key": []byte("k")}},
		{ObjectMeta: metav1.ObjectMeta{Name: "owned", OwnerReferences: []metav1.OwnerReference{owner, {APIVersion: "v1", Kind: "ConfigMap", Name: "cm", UID: "0b9d5e4e-0000-4000-8000-000000000002"}}},
			Type: corev1.SecretTypeBasicAuth, StringData: map[string]string{"password": "p"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "custom"}, Type: "example.com/custom"},
		{ObjectMeta: metav1.ObjectMeta{Name: "empty-type"}},
	} {
		if _, err := cs.CoreV1().Secrets(ns).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	src := Secrets.Compile(family.Filter{Enabled: func(string, bool) bool { return true }, Labels: allow(t, "*"), Annotations: allow(t, "*")})
	lw := src.ListWatch(engine.Clients{Kube: cs}, ns, "").(cache.ListerWatcherWithContext)
	text := func(s *corev1.Secret) string {
		t.Helper()
		if s.Data != nil || s.StringData != nil {
			t.Errorf("secret %s: values decoded", s.Name)
		}
		obj, err := src.Transform(s.DeepCopy())
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines(family.Text(src, src.Record(obj))), "\n")
	}
	// What KSM would read: the full objects, through the typed client.
	fullText := func() map[string]string {
		full, err := cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for i := range full.Items {
			s := full.Items[i].DeepCopy()
			s.Data, s.StringData = nil, nil
			out[s.Name] = text(s)
		}
		return out
	}
	same := func(what string, got, want map[string]string) {
		t.Helper()
		for _, name := range slices.Sorted(maps.Keys(want)) {
			if got[name] != want[name] {
				t.Errorf("%s: secret %s\n got:\n%s\nwant:\n%s", what, name, got[name], want[name])
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: secrets %v, want %v", what, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
	}

	want := fullText()
	obj, err := lw.ListWithContext(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	list := obj.(*corev1.SecretList)
	got := map[string]string{}
	for i := range list.Items {
		got[list.Items[i].Name] = text(&list.Items[i])
	}
	same("list", got, want)
	if list.ResourceVersion == "" {
		t.Error("list without a resourceVersion")
	}

	// Paged, as the reflector's pager lists from etcd.
	got = map[string]string{}
	for opts := (metav1.ListOptions{Limit: 2}); ; {
		obj, err := lw.ListWithContext(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		page := obj.(*corev1.SecretList)
		if len(page.Items) > 2 {
			t.Fatalf("page of %d items with limit 2", len(page.Items))
		}
		for i := range page.Items {
			got[page.Items[i].Name] = text(&page.Items[i])
		}
		if page.Continue == "" {
			break
		}
		opts.Continue = page.Continue
	}
	same("paged list", got, want)

	// Watch events.
	w, err := lw.WatchWithContext(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	s, err := cs.CoreV1().Secrets(ns).Get(ctx, "opaque", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Labels["app"], s.Annotations = "changed", map[string]string{"added": "1"}
	if _, err := cs.CoreV1().Secrets(ns).Update(ctx, s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cs.CoreV1().Secrets(ns).Delete(ctx, "custom", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	want = fullText()
	for _, ev := range []struct {
		typ  watch.EventType
		name string
	}{{watch.Modified, "opaque"}, {watch.Deleted, "custom"}} {
		var got watch.Event
		for got = nextEvent(t, w); got.Type == watch.Bookmark; got = nextEvent(t, w) {
		}
		s, ok := got.Object.(*corev1.Secret)
		if got.Type != ev.typ || !ok || s.Name != ev.name {
			t.Fatalf("watch: %s %T, want %s of secret %s", got.Type, got.Object, ev.typ, ev.name)
		}
		if ev.typ == watch.Modified && text(s) != want[ev.name] {
			t.Errorf("watch: modified secret %s\n got:\n%s\nwant:\n%s", s.Name, text(s), want[ev.name])
		}
	}

	// A streamed initial list (client-go's default with this apiserver): every object, then the
	// bookmark that ends the list.
	ws, err := lw.WatchWithContext(ctx, metav1.ListOptions{SendInitialEvents: ptr.To(true), AllowWatchBookmarks: true,
		ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Stop()
	got = map[string]string{}
	for {
		ev := nextEvent(t, ws)
		s, ok := ev.Object.(*corev1.Secret)
		if !ok {
			t.Fatalf("streamed list: %s %T %+v", ev.Type, ev.Object, ev.Object)
		}
		if ev.Type == watch.Bookmark {
			if s.Annotations[metav1.InitialEventsAnnotationKey] == "true" {
				break
			}
			continue
		}
		got[s.Name] = text(s)
	}
	same("streamed list", got, want)
}
