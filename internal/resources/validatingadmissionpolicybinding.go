package resources

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ValidatingAdmissionPolicyBindings is KSM's validatingadmissionpolicybindings resource.
var ValidatingAdmissionPolicyBindings = &Resource[*admissionregistrationv1.ValidatingAdmissionPolicyBinding]{
	Name:    "validatingadmissionpolicybindings",
	Default: true,
	Prefix:  []string{"namespace", "validatingadmissionpolicybinding"},
	PrefixValues: func(b *admissionregistrationv1.ValidatingAdmissionPolicyBinding) []string {
		return []string{b.Namespace, b.Name}
	},
	New: func() *admissionregistrationv1.ValidatingAdmissionPolicyBinding {
		return &admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
	},
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*admissionregistrationv1.ValidatingAdmissionPolicyBindingList] {
		return c.Kube.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings()
	}),
	Strip: func(b *admissionregistrationv1.ValidatingAdmissionPolicyBinding) {
		stripMeta(&b.ObjectMeta, metaKept{generation: true})
		b.Spec.MatchResources = nil
		admissionPolicyStripParamRef(b.Spec.ParamRef)
	},
	Families: []Family[*admissionregistrationv1.ValidatingAdmissionPolicyBinding]{
		{
			Name: "kube_validatingadmissionpolicybinding_info", Help: "Information about the ValidatingAdmissionPolicyBinding.", Stability: Alpha,
			Labels: admissionPolicyBindingLabels,
			Points: func(b *admissionregistrationv1.ValidatingAdmissionPolicyBinding, e *Emitter) {
				admissionPolicyBindingInfo(e, b.Spec.PolicyName, b.Spec.ParamRef)
			},
		},
		{
			Name: "kube_validatingadmissionpolicybinding_created", Help: "Unix creation timestamp.", Stability: Alpha,
			Points: func(b *admissionregistrationv1.ValidatingAdmissionPolicyBinding, e *Emitter) {
				e.Timestamp(&b.CreationTimestamp)
			},
		},
		{
			Name: "kube_validatingadmissionpolicybinding_validation_action", Help: "Validation actions for the ValidatingAdmissionPolicyBinding.", Stability: Alpha,
			Labels: []string{"action"},
			Points: func(b *admissionregistrationv1.ValidatingAdmissionPolicyBinding, e *Emitter) {
				for _, a := range b.Spec.ValidationActions {
					e.Add(1, string(a))
				}
			},
		},
	},
}
