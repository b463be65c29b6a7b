package resources

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
)

// mapJSON is a MutatingAdmissionPolicy as kube-apiserver v1.37 serves it in JSON: every spec field,
// most of which mutatingAdmissionPolicy does not declare.
const mapJSON = `{"kind":"MutatingAdmissionPolicy","apiVersion":"admissionregistration.k8s.io/v1",
"metadata":{"name":"sidecar","uid":"u1","resourceVersion":"%RV%","generation":2,"creationTimestamp":"2017-08-01T06:30:18Z",
 "labels":{"app":"x"},"annotations":{"note":"y"},
 "managedFields":[{"manager":"kubectl","operation":"Apply","apiVersion":"admissionregistration.k8s.io/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{}}}]},
"spec":{"paramKind":{"apiVersion":"rules.example.com/v1","kind":"Rule"},
 "matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["deployments"]}],"matchPolicy":"Equivalent","namespaceSelector":{},"objectSelector":{}},
 "variables":[{"name":"v","expression":"object.spec"}],
 "mutations":[{"patchType":"ApplyConfiguration","applyConfiguration":{"expression":"Object{}"}}],
 "failurePolicy":"Fail","matchConditions":[{"name":"c","expression":"true"}],"reinvocationPolicy":"IfNeeded"}}`

const mapbJSON = `{"kind":"MutatingAdmissionPolicyBinding","apiVersion":"admissionregistration.k8s.io/v1",
"metadata":{"name":"sidecar-binding","resourceVersion":"8","creationTimestamp":"2017-08-01T06:30:18Z"},
"spec":{"policyName":"sidecar","paramRef":{"name":"p","namespace":"ns","selector":{"matchLabels":{"a":"b"}},"parameterNotFoundAction":"Deny"},
 "matchResources":{"namespaceSelector":{},"objectSelector":{},"matchPolicy":"Equivalent"}}}`

// jsonServer answers list and watch of one admissionregistration.k8s.io/v1 resource on loopback as
// kube-apiserver does, and fails the test if a request asks for anything but JSON.
func jsonServer(t *testing.T, resource, list, watchStream string) kubernetes.Interface {
	t.Helper()
	return fakeAPIServer(t, list, watchStream, func(r *http.Request) {
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("request %s: Accept %q, want only application/json", r.URL, got)
		}
		if got := r.URL.Query().Get("fieldSelector"); got != "metadata.name!=skipped" {
			t.Errorf("request %s: fieldSelector %q not passed on", r.URL, got)
		}
		if want := "/apis/admissionregistration.k8s.io/v1/" + resource; r.URL.Path != want {
			t.Errorf("request path %s, want %s", r.URL.Path, want)
		}
	})
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "") }

// recordText runs every family of r over obj as the informer does (Transform, then Record).
func recordText(t *testing.T, r family.AnyResource, obj any) []string {
	t.Helper()
	src := r.Compile(badAllFamilies(t))
	o, err := src.Transform(obj)
	if err != nil {
		t.Fatal(err)
	}
	rec := src.Record(o)
	if rec == nil {
		t.Fatalf("%s: no record for %T", r.ResourceName(), obj)
	}
	return lines(family.Text(src, rec))
}

const (
	wantMAPLines = `kube_mutatingadmissionpolicy_created{namespace="",mutatingadmissionpolicy="sidecar"} 1.501569018e+09
kube_mutatingadmissionpolicy_info{namespace="",mutatingadmissionpolicy="sidecar",param_api_version="rules.example.com/v1",param_kind="Rule",failure_policy="Fail",reinvocation_policy="IfNeeded"} 1`
	wantMAPBLines = `kube_mutatingadmissionpolicybinding_created{namespace="",mutatingadmissionpolicybinding="sidecar-binding"} 1.501569018e+09
kube_mutatingadmissionpolicybinding_info{namespace="",mutatingadmissionpolicybinding="sidecar-binding",policy_name="sidecar",param_name="p",param_namespace="ns",param_not_found_action="Deny"} 1`
)

func TestMutatingAdmissionPolicyJSONList(t *testing.T) {
	list := `{"kind":"MutatingAdmissionPolicyList","apiVersion":"admissionregistration.k8s.io/v1",
		"metadata":{"resourceVersion":"20","continue":"next"},"items":[` + strings.ReplaceAll(oneLine(mapJSON), "%RV%", "7") + `]}`
	cs := jsonServer(t, "mutatingadmissionpolicies", list, "")
	lw := MutatingAdmissionPolicies.ListWatch(engine.Clients{Kube: cs}, "", "metadata.name!=skipped").(cache.ListerWatcherWithContext)
	obj, err := lw.ListWithContext(context.Background(), metav1.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	l, ok := obj.(*jsonList[mutatingAdmissionPolicy, *mutatingAdmissionPolicy])
	if !ok {
		t.Fatalf("list is %T", obj)
	}
	if l.ResourceVersion != "20" || l.Continue != "next" || len(l.Items) != 1 {
		t.Fatalf("list meta %+v with %d items: want resourceVersion 20, continue next, 1 item", l.ListMeta, len(l.Items))
	}
	p := &l.Items[0]
	if p.UID != "u1" || p.ResourceVersion != "7" || p.Generation != 2 || p.Labels["app"] != "x" {
		t.Errorf("metadata not decoded: %+v", p.ObjectMeta)
	}
	if got, want := recordText(t, MutatingAdmissionPolicies, p), lines(wantMAPLines); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("families over the decoded policy\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A watch decodes every event type into the local type; bookmarks keep their annotations (the end
// of a streamed initial list) and errors stay Status.
func TestMutatingAdmissionPolicyBindingJSONWatch(t *testing.T) {
	bookmark := `{"kind":"MutatingAdmissionPolicyBinding","apiVersion":"admissionregistration.k8s.io/v1",
		"metadata":{"resourceVersion":"9","creationTimestamp":null,"annotations":{"k8s.io/initial-events-end":"true"}},"spec":{"policyName":""}}`
	gone, _ := json.Marshal(&metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusFailure,
		Code: http.StatusGone, Reason: metav1.StatusReasonExpired, Message: "too old resource version: 1 (5)"})
	stream := watchEvent(watch.Added, []byte(oneLine(mapbJSON))) +
		watchEvent(watch.Bookmark, []byte(oneLine(bookmark))) +
		watchEvent(watch.Modified, []byte(oneLine(mapbJSON))) +
		watchEvent(watch.Deleted, []byte(oneLine(mapbJSON))) +
		watchEvent(watch.Error, gone)
	cs := jsonServer(t, "mutatingadmissionpolicybindings", "", stream)
	lw := MutatingAdmissionPolicyBindings.ListWatch(engine.Clients{Kube: cs}, "", "metadata.name!=skipped").(cache.ListerWatcherWithContext)
	w, err := lw.WatchWithContext(context.Background(), metav1.ListOptions{ResourceVersion: "4"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for i, typ := range []watch.EventType{watch.Added, watch.Bookmark, watch.Modified, watch.Deleted} {
		ev := nextEvent(t, w)
		b, ok := ev.Object.(*mutatingAdmissionPolicyBinding)
		if ev.Type != typ || !ok {
			t.Fatalf("event %d: %s %T %+v, want %s of a *mutatingAdmissionPolicyBinding", i, ev.Type, ev.Object, ev.Object, typ)
		}
		if typ == watch.Bookmark {
			if b.ResourceVersion != "9" || b.Annotations[metav1.InitialEventsAnnotationKey] != "true" {
				t.Errorf("bookmark: %+v, want resourceVersion 9 with the initial-events-end annotation", b.ObjectMeta)
			}
			continue
		}
		if got, want := recordText(t, MutatingAdmissionPolicyBindings, b), lines(wantMAPBLines); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("event %d: families\n got:\n%s\nwant:\n%s", i, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if b.Spec.ParamRef == nil || b.Spec.ParamRef.ParameterNotFoundAction == nil || *b.Spec.ParamRef.ParameterNotFoundAction != admissionregistrationv1.DenyAction {
			t.Errorf("event %d: paramRef %+v not decoded", i, b.Spec.ParamRef)
		}
	}
	ev := nextEvent(t, w)
	if st, ok := ev.Object.(*metav1.Status); ev.Type != watch.Error || !ok || st.Code != http.StatusGone {
		t.Fatalf("last event: %s %+v, want an Error with the 410 Status", ev.Type, ev.Object)
	}
}

// An answer of another kind (a Table, another resource's objects) is refused with an error naming
// the resource and what came, never decoded into the wrong type.
func TestMutatingAdmissionPolicyJSONRefusesOtherKinds(t *testing.T) {
	vap := strings.NewReplacer("MutatingAdmissionPolicy", "ValidatingAdmissionPolicy", "%RV%", "7").Replace(oneLine(mapJSON))
	for _, c := range []struct{ name, list, event, want string }{
		{"a Table", `{"kind":"Table","apiVersion":"meta.k8s.io/v1","rows":[]}`, `{"kind":"Table","apiVersion":"meta.k8s.io/v1"}`,
			"answered meta.k8s.io/v1 Table"},
		{"another kind", `{"kind":"ValidatingAdmissionPolicyList","apiVersion":"admissionregistration.k8s.io/v1","items":[]}`, vap,
			"answered admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy"},
		{"another version", `{"kind":"MutatingAdmissionPolicyList","apiVersion":"admissionregistration.k8s.io/v1beta1","items":[]}`,
			strings.Replace(oneLine(mapJSON), "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1", 1),
			"answered admissionregistration.k8s.io/v1beta1 MutatingAdmissionPolicy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := jsonServer(t, "mutatingadmissionpolicies", c.list, watchEvent(watch.Added, []byte(c.event)))
			lw := MutatingAdmissionPolicies.ListWatch(engine.Clients{Kube: cs}, "", "metadata.name!=skipped").(cache.ListerWatcherWithContext)
			_, err := lw.ListWithContext(context.Background(), metav1.ListOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "mutatingadmissionpolicies") {
				t.Errorf("list: error %v, want one naming mutatingadmissionpolicies and saying %q", err, c.want)
			}
			w, err := lw.WatchWithContext(context.Background(), metav1.ListOptions{})
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

// DeepCopyObject of the local types shares nothing with the original: the informer's path strips
// the object it was handed, and the fuzz and bad-input tests compare it with a copy.
func TestMutatingAdmissionPolicyDeepCopy(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		p := badRandomObject(&mutatingAdmissionPolicy{}, seed).(*mutatingAdmissionPolicy)
		b := badRandomObject(&mutatingAdmissionPolicyBinding{}, seed).(*mutatingAdmissionPolicyBinding)
		p.ManagedFields, b.ManagedFields = nil, nil // random FieldsV1 bytes are not JSON
		pj, bj := mustJSON(t, p), mustJSON(t, b)
		pc, bc := p.DeepCopyObject().(*mutatingAdmissionPolicy), b.DeepCopyObject().(*mutatingAdmissionPolicyBinding)
		if mustJSON(t, pc) != pj || mustJSON(t, bc) != bj {
			t.Fatalf("seed %d: copy differs from the original", seed)
		}
		// Write through every pointer of the copies; the originals must not change.
		pc.Labels, pc.Annotations = map[string]string{"changed": "1"}, nil
		if pc.Spec.ParamKind != nil {
			pc.Spec.ParamKind.Kind += "-changed"
		}
		if pc.Spec.FailurePolicy != nil {
			*pc.Spec.FailurePolicy += "-changed"
		}
		if bc.Spec.ParamRef != nil {
			bc.Spec.ParamRef.Name += "-changed"
			if bc.Spec.ParamRef.ParameterNotFoundAction != nil {
				*bc.Spec.ParamRef.ParameterNotFoundAction += "-changed"
			}
		}
		MutatingAdmissionPolicyBindings.Strip(bc)
		if mustJSON(t, p) != pj || mustJSON(t, b) != bj {
			t.Fatalf("seed %d: changing the copy changed the original", seed)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
