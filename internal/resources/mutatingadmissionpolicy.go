package resources

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// MutatingAdmissionPolicies is KSM's mutatingadmissionpolicies resource (admissionregistration/v1,
// as in KSM v2.20.0).
var MutatingAdmissionPolicies = &Resource[*admissionregistrationv1.MutatingAdmissionPolicy]{
	Name:    "mutatingadmissionpolicies",
	Default: true,
	Prefix:  []string{"namespace", "mutatingadmissionpolicy"},
	PrefixValues: func(p *admissionregistrationv1.MutatingAdmissionPolicy) []string {
		return []string{p.Namespace, p.Name}
	},
	New: func() *admissionregistrationv1.MutatingAdmissionPolicy {
		return &admissionregistrationv1.MutatingAdmissionPolicy{}
	},
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*admissionregistrationv1.MutatingAdmissionPolicyList] {
		return c.Kube.AdmissionregistrationV1().MutatingAdmissionPolicies()
	}),
	Strip: func(p *admissionregistrationv1.MutatingAdmissionPolicy) {
		stripMeta(&p.ObjectMeta, metaKept{generation: true})
		p.Spec = admissionregistrationv1.MutatingAdmissionPolicySpec{
			ParamKind:          p.Spec.ParamKind,
			FailurePolicy:      p.Spec.FailurePolicy,
			ReinvocationPolicy: p.Spec.ReinvocationPolicy,
		}
	},
	Families: []Family[*admissionregistrationv1.MutatingAdmissionPolicy]{
		{
			Name: "kube_mutatingadmissionpolicy_info", Help: "Information about the MutatingAdmissionPolicy.", Stability: Alpha,
			Labels: []string{"param_api_version", "param_kind", "failure_policy", "reinvocation_policy"},
			Points: func(p *admissionregistrationv1.MutatingAdmissionPolicy, e *Emitter) {
				apiVersion, kind := admissionPolicyParamKind(p.Spec.ParamKind)
				e.Add(1, apiVersion, kind, admissionPolicyFailurePolicy(p.Spec.FailurePolicy), string(p.Spec.ReinvocationPolicy))
			},
		},
		{
			Name: "kube_mutatingadmissionpolicy_created", Help: "Unix creation timestamp.", Stability: Alpha,
			Points: func(p *admissionregistrationv1.MutatingAdmissionPolicy, e *Emitter) {
				e.Timestamp(&p.CreationTimestamp)
			},
		},
	},
}
