package resources

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// MutatingAdmissionPolicies is KSM's mutatingadmissionpolicies resource (admissionregistration/v1,
// as in KSM v2.20.0). k8s.io/api has its v1 type from v0.36 only, newer than the module requires,
// so it is read in JSON into mutatingAdmissionPolicy.
var MutatingAdmissionPolicies = &Resource[*mutatingAdmissionPolicy]{
	Name:    "mutatingadmissionpolicies",
	Default: true,
	Prefix:  []string{"namespace", "mutatingadmissionpolicy"},
	PrefixValues: func(p *mutatingAdmissionPolicy) []string {
		return []string{p.Namespace, p.Name}
	},
	New: func() *mutatingAdmissionPolicy { return &mutatingAdmissionPolicy{} },
	ListWatch: func(c engine.Clients, _, fieldSelector string) cache.ListerWatcher {
		return &jsonListWatch[mutatingAdmissionPolicy, *mutatingAdmissionPolicy]{
			client: c.Kube.AdmissionregistrationV1().RESTClient(), resource: "mutatingadmissionpolicies",
			kind: "MutatingAdmissionPolicy", fieldSelector: fieldSelector,
		}
	},
	Strip: func(p *mutatingAdmissionPolicy) {
		stripMeta(&p.ObjectMeta, metaKept{generation: true})
	},
	Families: []Family[*mutatingAdmissionPolicy]{
		{
			Name: "kube_mutatingadmissionpolicy_info", Help: "Information about the MutatingAdmissionPolicy.", Stability: Alpha,
			Labels: []string{"param_api_version", "param_kind", "failure_policy", "reinvocation_policy"},
			Points: func(p *mutatingAdmissionPolicy, e *Emitter) {
				apiVersion, kind := admissionPolicyParamKind(p.Spec.ParamKind)
				e.Add(1, apiVersion, kind, admissionPolicyFailurePolicy(p.Spec.FailurePolicy), string(p.Spec.ReinvocationPolicy))
			},
		},
		{
			Name: "kube_mutatingadmissionpolicy_created", Help: "Unix creation timestamp.", Stability: Alpha,
			Points: func(p *mutatingAdmissionPolicy, e *Emitter) {
				e.Timestamp(&p.CreationTimestamp)
			},
		},
	},
}

// mutatingAdmissionPolicy is an admissionregistration.k8s.io/v1 MutatingAdmissionPolicy with just
// the fields the families read, under the names and JSON keys of the upstream type; its spec's
// field types are those k8s.io/api v1 already has (for ValidatingAdmissionPolicy and webhooks).
type mutatingAdmissionPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              mutatingAdmissionPolicySpec `json:"spec"`
}

type mutatingAdmissionPolicySpec struct {
	ParamKind          *admissionregistrationv1.ParamKind             `json:"paramKind,omitempty"`
	FailurePolicy      *admissionregistrationv1.FailurePolicyType     `json:"failurePolicy,omitempty"`
	ReinvocationPolicy admissionregistrationv1.ReinvocationPolicyType `json:"reinvocationPolicy,omitempty"`
}

func (p *mutatingAdmissionPolicy) DeepCopyObject() runtime.Object {
	out := &mutatingAdmissionPolicy{TypeMeta: p.TypeMeta, Spec: p.Spec}
	p.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Spec.ParamKind = p.Spec.ParamKind.DeepCopy()
	if p.Spec.FailurePolicy != nil {
		fp := *p.Spec.FailurePolicy
		out.Spec.FailurePolicy = &fp
	}
	return out
}
