package resources

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ValidatingAdmissionPolicies is KSM's validatingadmissionpolicies resource.
var ValidatingAdmissionPolicies = &Resource[*admissionregistrationv1.ValidatingAdmissionPolicy]{
	Name:    "validatingadmissionpolicies",
	Default: true,
	Prefix:  []string{"namespace", "validatingadmissionpolicy"},
	PrefixValues: func(p *admissionregistrationv1.ValidatingAdmissionPolicy) []string {
		return []string{p.Namespace, p.Name}
	},
	New: func() *admissionregistrationv1.ValidatingAdmissionPolicy {
		return &admissionregistrationv1.ValidatingAdmissionPolicy{}
	},
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*admissionregistrationv1.ValidatingAdmissionPolicyList] {
		return c.Kube.AdmissionregistrationV1().ValidatingAdmissionPolicies()
	}),
	Strip: func(p *admissionregistrationv1.ValidatingAdmissionPolicy) {
		stripMeta(&p.ObjectMeta, metaKept{generation: true})
		p.Spec = admissionregistrationv1.ValidatingAdmissionPolicySpec{ParamKind: p.Spec.ParamKind, FailurePolicy: p.Spec.FailurePolicy}
		p.Status = admissionregistrationv1.ValidatingAdmissionPolicyStatus{}
	},
	Families: []Family[*admissionregistrationv1.ValidatingAdmissionPolicy]{
		{
			Name: "kube_validatingadmissionpolicy_info", Help: "Information about the ValidatingAdmissionPolicy.", Stability: Alpha,
			Labels: []string{"param_api_version", "param_kind", "failure_policy"},
			Points: func(p *admissionregistrationv1.ValidatingAdmissionPolicy, e *Emitter) {
				apiVersion, kind := admissionPolicyParamKind(p.Spec.ParamKind)
				e.Add(1, apiVersion, kind, admissionPolicyFailurePolicy(p.Spec.FailurePolicy))
			},
		},
		{
			Name: "kube_validatingadmissionpolicy_created", Help: "Unix creation timestamp.", Stability: Alpha,
			Points: func(p *admissionregistrationv1.ValidatingAdmissionPolicy, e *Emitter) {
				e.Timestamp(&p.CreationTimestamp)
			},
		},
	},
}

// admissionPolicyParamKind is a policy's paramKind, empty strings when it has none.
func admissionPolicyParamKind(k *admissionregistrationv1.ParamKind) (apiVersion, kind string) {
	if k == nil {
		return "", ""
	}
	return k.APIVersion, k.Kind
}

// admissionPolicyFailurePolicy is a policy's failurePolicy, "" when unset.
func admissionPolicyFailurePolicy(p *admissionregistrationv1.FailurePolicyType) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

// admissionPolicyBindingLabels are the keys of both *admissionpolicybinding_info families.
var admissionPolicyBindingLabels = []string{"policy_name", "param_name", "param_namespace", "param_not_found_action"}

// admissionPolicyBindingInfo emits a binding's info point: its policy and paramRef, empty strings
// for what is unset.
func admissionPolicyBindingInfo(e *Emitter, policy string, ref *admissionregistrationv1.ParamRef) {
	var name, namespace, notFound string
	if ref != nil {
		name, namespace = ref.Name, ref.Namespace
		if ref.ParameterNotFoundAction != nil {
			notFound = string(*ref.ParameterNotFoundAction)
		}
	}
	e.Add(1, policy, name, namespace, notFound)
}

// admissionPolicyStripParamRef drops the paramRef's selector, which no family reads.
func admissionPolicyStripParamRef(ref *admissionregistrationv1.ParamRef) {
	if ref != nil {
		ref.Selector = nil
	}
}
