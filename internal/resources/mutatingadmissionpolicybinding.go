package resources

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// MutatingAdmissionPolicyBindings is KSM's mutatingadmissionpolicybindings resource
// (admissionregistration/v1, as in KSM v2.20.0).
var MutatingAdmissionPolicyBindings = &Resource[*admissionregistrationv1.MutatingAdmissionPolicyBinding]{
	Name:    "mutatingadmissionpolicybindings",
	Default: true,
	Prefix:  []string{"namespace", "mutatingadmissionpolicybinding"},
	PrefixValues: func(b *admissionregistrationv1.MutatingAdmissionPolicyBinding) []string {
		return []string{b.Namespace, b.Name}
	},
	New: func() *admissionregistrationv1.MutatingAdmissionPolicyBinding {
		return &admissionregistrationv1.MutatingAdmissionPolicyBinding{}
	},
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*admissionregistrationv1.MutatingAdmissionPolicyBindingList] {
		return c.Kube.AdmissionregistrationV1().MutatingAdmissionPolicyBindings()
	}),
	Strip: func(b *admissionregistrationv1.MutatingAdmissionPolicyBinding) {
		stripMeta(&b.ObjectMeta, metaKept{generation: true})
		b.Spec.MatchResources = nil
		admissionPolicyStripParamRef(b.Spec.ParamRef)
	},
	Families: []Family[*admissionregistrationv1.MutatingAdmissionPolicyBinding]{
		{
			Name: "kube_mutatingadmissionpolicybinding_info", Help: "Information about the MutatingAdmissionPolicyBinding.", Stability: Alpha,
			Labels: admissionPolicyBindingLabels,
			Points: func(b *admissionregistrationv1.MutatingAdmissionPolicyBinding, e *Emitter) {
				admissionPolicyBindingInfo(e, b.Spec.PolicyName, b.Spec.ParamRef)
			},
		},
		{
			Name: "kube_mutatingadmissionpolicybinding_created", Help: "Unix creation timestamp.", Stability: Alpha,
			Points: func(b *admissionregistrationv1.MutatingAdmissionPolicyBinding, e *Emitter) {
				e.Timestamp(&b.CreationTimestamp)
			},
		},
	},
}
