package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
)

// tableOf is the apiserver's Table of secrets (columns Name, Type, Data, Age), rows carrying
// PartialObjectMetadata, as kube-apiserver encodes it.
func tableOf(withColumns bool, listMeta metav1.ListMeta, secrets ...*corev1.Secret) []byte {
	t := metav1.Table{TypeMeta: metav1.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"}, ListMeta: listMeta}
	if withColumns {
		for _, c := range []string{"Name", "Type", "Data", "Age"} {
			t.ColumnDefinitions = append(t.ColumnDefinitions, metav1.TableColumnDefinition{Name: c, Type: "string"})
		}
	}
	for _, s := range secrets {
		t.Rows = append(t.Rows, metav1.TableRow{
			Cells: []any{s.Name, string(s.Type), int64(len(s.Data)), "5m"},
			Object: runtime.RawExtension{Object: &metav1.PartialObjectMetadata{
				TypeMeta: metav1.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"}, ObjectMeta: s.ObjectMeta,
			}},
		})
	}
	b, err := json.Marshal(t)
	if err != nil {
		panic(err)
	}
	return b
}

func watchEvent(typ watch.EventType, obj []byte) string {
	return fmt.Sprintf(`{"type":%q,"object":%s}`+"\n", typ, obj)
}

// tableServer answers list and watch of secrets on loopback the way kube-apiserver does when asked
// for Tables, and fails the test if a request asks for anything but a Table of metadata.
func tableServer(t *testing.T, list, watchStream string) kubernetes.Interface {
	t.Helper()
	return fakeAPIServer(t, list, watchStream, func(r *http.Request) {
		q := r.URL.Query()
		if got := r.Header.Get("Accept"); got != tableMediaType {
			t.Errorf("request %s: Accept %q, want only %q", r.URL, got, tableMediaType)
		}
		if q.Get("includeObject") != "Metadata" {
			t.Errorf("request %s: includeObject=%q, want Metadata", r.URL, q.Get("includeObject"))
		}
		if q.Get("fieldSelector") != "metadata.namespace!=kube-system" {
			t.Errorf("request %s: fieldSelector %q not passed on", r.URL, q.Get("fieldSelector"))
		}
		if r.URL.Path != "/api/v1/secrets" {
			t.Errorf("request path %s, want /api/v1/secrets", r.URL.Path)
		}
	})
}

// fakeAPIServer answers list with list and watch with watchStream on loopback, after check has
// looked at the request, for a client set up as the receiver's (protobuf preferred).
func fakeAPIServer(t *testing.T, list, watchStream string, check func(*http.Request)) kubernetes.Interface {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		check(r)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("watch") == "true" {
			_, _ = w.Write([]byte(watchStream))
			return
		}
		_, _ = w.Write([]byte(list))
	}))
	t.Cleanup(srv.Close)
	cfg := &rest.Config{Host: srv.URL}
	cfg.ContentType, cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf", "application/vnd.kubernetes.protobuf,application/json"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func secretsLW(cs kubernetes.Interface) cache.ListerWatcherWithContext {
	return Secrets.ListWatch(engine.Clients{Kube: cs}, "", "metadata.namespace!=kube-system").(cache.ListerWatcherWithContext)
}

func TestSecretsTableListDecodesMetadataAndType(t *testing.T) {
	owner := metav1.OwnerReference{APIVersion: "v1", Kind: "ServiceAccount", Name: "sa", UID: "u1"}
	a := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "ns", UID: "ua", ResourceVersion: "17",
		Labels: map[string]string{"l": "1"}, Annotations: map[string]string{"n": "2"}, OwnerReferences: []metav1.OwnerReference{owner},
		CreationTimestamp: metav1.Unix(1501569018, 0)}, Type: corev1.SecretTypeServiceAccountToken, Data: map[string][]byte{"x": nil}}
	b := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns", ResourceVersion: "18"}, Type: "example.com/custom"}
	cs := tableServer(t, string(tableOf(true, metav1.ListMeta{ResourceVersion: "20", Continue: "next"}, a, b)), "")
	obj, err := secretsLW(cs).ListWithContext(context.Background(), metav1.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	l, ok := obj.(*corev1.SecretList)
	if !ok {
		t.Fatalf("list is %T, want *v1.SecretList", obj)
	}
	if l.ResourceVersion != "20" || l.Continue != "next" {
		t.Errorf("list meta %+v: resourceVersion and continue not kept", l.ListMeta)
	}
	if len(l.Items) != 2 {
		t.Fatalf("%d items, want 2", len(l.Items))
	}
	wantA := a.DeepCopy()
	wantA.Data = nil
	if got := l.Items[0]; got.Type != wantA.Type || got.Data != nil || !equalMeta(got.ObjectMeta, wantA.ObjectMeta) {
		t.Errorf("item 0:\n got %+v\nwant %+v", got, *wantA)
	}
	if got := l.Items[1]; got.Type != "example.com/custom" || got.Name != "b" {
		t.Errorf("item 1: %+v", got)
	}
}

func equalMeta(a, b metav1.ObjectMeta) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// A watch sends one single-row Table per event and the column definitions with the first only;
// bookmarks keep their annotations (the end of a streamed initial list) and errors stay Status.
func TestSecretsTableWatchDecodesEveryEvent(t *testing.T) {
	s1 := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s1", Namespace: "ns", ResourceVersion: "5"}, Type: corev1.SecretTypeTLS}
	s2 := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s1", Namespace: "ns", ResourceVersion: "6"}, Type: corev1.SecretTypeTLS}
	bm := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{ResourceVersion: "7", Annotations: map[string]string{metav1.InitialEventsAnnotationKey: "true"}}}
	gone, _ := json.Marshal(&metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusFailure,
		Code: http.StatusGone, Reason: metav1.StatusReasonExpired, Message: "too old resource version: 1 (5)"})
	stream := watchEvent(watch.Added, tableOf(true, metav1.ListMeta{}, s1)) +
		watchEvent(watch.Modified, tableOf(false, metav1.ListMeta{}, s2)) +
		watchEvent(watch.Bookmark, tableOf(false, metav1.ListMeta{}, bm)) +
		watchEvent(watch.Deleted, tableOf(false, metav1.ListMeta{}, s2)) +
		watchEvent(watch.Error, gone)
	cs := tableServer(t, "", stream)
	w, err := secretsLW(cs).WatchWithContext(context.Background(), metav1.ListOptions{ResourceVersion: "4"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	want := []struct {
		typ watch.EventType
		rv  string
	}{{watch.Added, "5"}, {watch.Modified, "6"}, {watch.Bookmark, "7"}, {watch.Deleted, "6"}}
	for i, ev := range want {
		got := nextEvent(t, w)
		s, ok := got.Object.(*corev1.Secret)
		if got.Type != ev.typ || !ok || s.ResourceVersion != ev.rv {
			t.Fatalf("event %d: %s %T %+v, want %s of a Secret at resourceVersion %s", i, got.Type, got.Object, got.Object, ev.typ, ev.rv)
		}
		if ev.typ != watch.Bookmark && (s.Type != corev1.SecretTypeTLS || s.Name != "s1") {
			t.Errorf("event %d: Secret %s of type %q, want s1 of type %s (columns from the first event)", i, s.Name, s.Type, corev1.SecretTypeTLS)
		}
		if ev.typ == watch.Bookmark && s.Annotations[metav1.InitialEventsAnnotationKey] != "true" {
			t.Errorf("bookmark lost its annotations: %v", s.Annotations)
		}
	}
	got := nextEvent(t, w)
	if st, ok := got.Object.(*metav1.Status); got.Type != watch.Error || !ok || st.Code != http.StatusGone {
		t.Fatalf("last event: %s %+v, want an Error with the 410 Status", got.Type, got.Object)
	}
	select {
	case _, open := <-w.ResultChan():
		if open {
			t.Error("an event after the end of the stream")
		}
	case <-time.After(10 * time.Second):
		t.Error("the watch did not end with its stream")
	}
}

func nextEvent(t *testing.T, w watch.Interface) watch.Event {
	t.Helper()
	select {
	case ev, ok := <-w.ResultChan():
		if !ok {
			t.Fatal("watch ended early")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no watch event in 10s")
	}
	return watch.Event{}
}

// Anything but a Table of metadata is refused with an error that says what came, rather than
// used: the full object must never be what we decode.
func TestSecretsTableRefusesOtherAnswers(t *testing.T) {
	full, _ := json.Marshal(&corev1.SecretList{TypeMeta: metav1.TypeMeta{Kind: "SecretList", APIVersion: "v1"},
		Items: []corev1.Secret{{ObjectMeta: metav1.ObjectMeta{Name: "s"}, Data: map[string][]byte{"k": []byte("v")}}}})
	noType := strings.Replace(string(tableOf(true, metav1.ListMeta{}, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}})), `"name":"Type"`, `"name":"Kind"`, 1)
	noObject := strings.Replace(string(tableOf(true, metav1.ListMeta{}, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}})), `"object":{`, `"other":{`, 1)
	for _, c := range []struct{ name, body, want string }{
		{"full objects", string(full), "answered v1 SecretList, not the meta.k8s.io/v1 Table"},
		{"no Type column", noType, "column holding a string"},
		{"no object metadata", noObject, "carries no object metadata"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := tableServer(t, c.body, watchEvent(watch.Added, []byte(c.body)))
			_, err := secretsLW(cs).ListWithContext(context.Background(), metav1.ListOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "secrets") {
				t.Errorf("list: error %v, want one naming secrets and saying %q", err, c.want)
			}
			w, err := secretsLW(cs).WatchWithContext(context.Background(), metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			ev := nextEvent(t, w)
			st, ok := ev.Object.(*metav1.Status)
			if ev.Type != watch.Error || !ok || !strings.Contains(st.Message, c.want) {
				t.Errorf("watch: %s %+v, want an error event saying %q", ev.Type, ev.Object, c.want)
			}
		})
	}
}
