package resources

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/testenv"
)

// TestMutatingAdmissionPoliciesAgainstAPIServer: what kube-apiserver serves of
// admissionregistration.k8s.io/v1 MutatingAdmissionPolicy(Binding) in JSON gives the families
// KSM's series, in a list (also paged), in watch events, and in a streamed initial list (client-go's
// default with this apiserver).
func TestMutatingAdmissionPoliciesAgainstAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cs := testenv.Clientset(t)
	rc := cs.AdmissionregistrationV1().RESTClient()
	create := func(resource, body string) {
		t.Helper()
		if err := rc.Post().Resource(resource).SetHeader("Content-Type", "application/json").Body([]byte(body)).Do(ctx).Error(); err != nil {
			t.Fatalf("creating %s: %v", resource, err)
		}
	}
	const prefix = "kubestate-json-"
	for i, fp := range []string{"Fail", "Ignore"} {
		create("mutatingadmissionpolicies", fmt.Sprintf(`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingAdmissionPolicy",
			"metadata":{"name":"%sp%d","labels":{"a":"b"}},
			"spec":{"failurePolicy":%q,"reinvocationPolicy":"IfNeeded","paramKind":{"apiVersion":"v1","kind":"ConfigMap"},
			 "matchConstraints":{"resourceRules":[{"apiGroups":["policy.kubestate.dev"],"apiVersions":["v1alpha1"],"operations":["CREATE"],"resources":["widgets"]}]},
			 "mutations":[{"patchType":"ApplyConfiguration","applyConfiguration":{"expression":"Object{metadata: Object.metadata{labels: {\"x\": \"y\"}}}"}}]}}`,
			prefix, i, fp))
		create("mutatingadmissionpolicybindings", fmt.Sprintf(`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingAdmissionPolicyBinding",
			"metadata":{"name":"%sb%d"},
			"spec":{"policyName":"%sp%d","paramRef":{"name":"defaults","namespace":"demo","parameterNotFoundAction":"Allow"},
			 "matchResources":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"demo"}}}}}`, prefix, i, prefix, i))
	}
	t.Cleanup(func() {
		for _, r := range []string{"mutatingadmissionpolicybindings", "mutatingadmissionpolicies"} {
			for _, n := range []string{"p0", "p1", "b0", "b1"} {
				_ = rc.Delete().Resource(r).Name(prefix + n).Do(context.Background()).Error()
			}
		}
	})

	// The series each object must give, without the creation timestamp (set by the apiserver).
	want := map[string]string{
		prefix + "p0": `kube_mutatingadmissionpolicy_info{namespace="",mutatingadmissionpolicy="kubestate-json-p0",param_api_version="v1",param_kind="ConfigMap",failure_policy="Fail",reinvocation_policy="IfNeeded"} 1`,
		prefix + "p1": `kube_mutatingadmissionpolicy_info{namespace="",mutatingadmissionpolicy="kubestate-json-p1",param_api_version="v1",param_kind="ConfigMap",failure_policy="Ignore",reinvocation_policy="IfNeeded"} 1`,
		prefix + "b0": `kube_mutatingadmissionpolicybinding_info{namespace="",mutatingadmissionpolicybinding="kubestate-json-b0",policy_name="kubestate-json-p0",param_name="defaults",param_namespace="demo",param_not_found_action="Allow"} 1`,
		prefix + "b1": `kube_mutatingadmissionpolicybinding_info{namespace="",mutatingadmissionpolicybinding="kubestate-json-b1",policy_name="kubestate-json-p1",param_name="defaults",param_namespace="demo",param_not_found_action="Allow"} 1`,
	}
	// text is the object's series, checked to carry its creation timestamp, which is then dropped.
	text := func(r family.AnyResource, obj any) (name, series string) {
		t.Helper()
		src := r.Compile(family.Filter{})
		m := obj.(metav1.Object)
		o, err := src.Transform(obj)
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, l := range lines(family.Text(src, src.Record(o))) {
			if strings.Contains(l, "_created{") {
				if created := m.GetCreationTimestamp(); created.IsZero() || !strings.HasSuffix(l, fmt.Sprintf("} %g", float64(created.Unix()))) {
					t.Errorf("%s: creation timestamp series %s, object created at %v", m.GetName(), l, m.GetCreationTimestamp())
				}
				continue
			}
			kept = append(kept, l)
		}
		return m.GetName(), strings.Join(kept, "\n")
	}
	check := func(what string, got map[string]string, names ...string) {
		t.Helper()
		for _, n := range names {
			if got[n] != want[prefix+n] {
				t.Errorf("%s: %s\n got: %s\nwant: %s", what, prefix+n, got[n], want[prefix+n])
			}
		}
	}

	for _, c := range []struct {
		res   family.AnyResource
		names []string
	}{{MutatingAdmissionPolicies, []string{"p0", "p1"}}, {MutatingAdmissionPolicyBindings, []string{"b0", "b1"}}} {
		t.Run(c.res.ResourceName(), func(t *testing.T) {
			lw := c.res.Compile(family.Filter{}).ListWatch(engine.Clients{Kube: cs}, "", "").(cache.ListerWatcherWithContext)
			// Paged, as the reflector's pager lists from etcd.
			got := map[string]string{}
			var rv string
			for opts := (metav1.ListOptions{Limit: 1}); ; {
				obj, err := lw.ListWithContext(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				page, err := meta.ExtractList(obj) // as the reflector reads it
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > 1 {
					t.Fatalf("page of %d items with limit 1", len(page))
				}
				for _, o := range page {
					if n, series := text(c.res, o); strings.HasPrefix(n, prefix) {
						got[strings.TrimPrefix(n, prefix)] = series
					}
				}
				lm := obj.(metav1.ListInterface)
				if lm.GetContinue() == "" {
					rv = lm.GetResourceVersion()
					break
				}
				opts.Continue = lm.GetContinue()
			}
			check("paged list", got, c.names...)
			if rv == "" {
				t.Fatal("list without a resourceVersion")
			}

			// Watch events: a change of what a family reads, then a deletion.
			w, err := lw.WatchWithContext(ctx, metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			target := prefix + c.names[0]
			patch := `{"spec":{"failurePolicy":"Ignore"}}`
			wantModified := strings.Replace(want[prefix+"p0"], `failure_policy="Fail"`, `failure_policy="Ignore"`, 1)
			if c.res == MutatingAdmissionPolicyBindings {
				patch = `{"spec":{"paramRef":{"parameterNotFoundAction":"Deny"}}}`
				wantModified = strings.Replace(want[prefix+"b0"], `param_not_found_action="Allow"`, `param_not_found_action="Deny"`, 1)
			}
			if err := rc.Patch(types.MergePatchType).Resource(c.res.ResourceName()).Name(target).Body([]byte(patch)).Do(ctx).Error(); err != nil {
				t.Fatal(err)
			}
			if err := rc.Delete().Resource(c.res.ResourceName()).Name(prefix + c.names[1]).Do(ctx).Error(); err != nil {
				t.Fatal(err)
			}
			for _, ev := range []struct {
				typ    watch.EventType
				name   string
				series string
			}{{watch.Modified, target, wantModified}, {watch.Deleted, prefix + c.names[1], want[prefix+c.names[1]]}} {
				var got watch.Event
				for got = nextEvent(t, w); got.Type == watch.Bookmark; got = nextEvent(t, w) {
				}
				if got.Type != ev.typ {
					t.Fatalf("watch: %s %T %+v, want %s of %s", got.Type, got.Object, got.Object, ev.typ, ev.name)
				}
				if n, series := text(c.res, got.Object); n != ev.name || series != ev.series {
					t.Errorf("watch: %s of %s\n got: %s\nwant %s of %s: %s", got.Type, n, series, ev.typ, ev.name, ev.series)
				}
			}

			// A streamed initial list: every object (the deleted one no more), then the bookmark that ends it.
			ws, err := lw.WatchWithContext(ctx, metav1.ListOptions{SendInitialEvents: ptr.To(true), AllowWatchBookmarks: true,
				ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Stop()
			got = map[string]string{}
			for {
				ev := nextEvent(t, ws)
				m, ok := ev.Object.(metav1.Object)
				if !ok {
					t.Fatalf("streamed list: %s %T %+v", ev.Type, ev.Object, ev.Object)
				}
				if ev.Type == watch.Bookmark {
					if m.GetAnnotations()[metav1.InitialEventsAnnotationKey] == "true" {
						break
					}
					continue
				}
				if n, series := text(c.res, ev.Object); strings.HasPrefix(n, prefix) {
					got[strings.TrimPrefix(n, prefix)] = series
				}
			}
			if got[c.names[0]] != wantModified || len(got) != 1 {
				t.Errorf("streamed list: %v, want only %s%s: %s", got, prefix, c.names[0], wantModified)
			}
		})
	}
}
