package resources

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// MutatingAdmissionPolicyBindings is KSM's mutatingadmissionpolicybindings resource
// (admissionregistration/v1, as in KSM v2.20.0). k8s.io/api has its v1 type from v0.36 only, newer
// than the module requires, so it is read in JSON into mutatingAdmissionPolicyBinding.
var MutatingAdmissionPolicyBindings = &Resource[*mutatingAdmissionPolicyBinding]{
	Name:    "mutatingadmissionpolicybindings",
	Default: true,
	Prefix:  []string{"namespace", "mutatingadmissionpolicybinding"},
	PrefixValues: func(b *mutatingAdmissionPolicyBinding) []string {
		return []string{b.Namespace, b.Name}
	},
	New: func() *mutatingAdmissionPolicyBinding { return &mutatingAdmissionPolicyBinding{} },
	ListWatch: func(c engine.Clients, _, fieldSelector string) cache.ListerWatcher {
		return &jsonListWatch[mutatingAdmissionPolicyBinding, *mutatingAdmissionPolicyBinding]{
			client: c.Kube.AdmissionregistrationV1().RESTClient(), resource: "mutatingadmissionpolicybindings",
			kind: "MutatingAdmissionPolicyBinding", fieldSelector: fieldSelector,
		}
	},
	Strip: func(b *mutatingAdmissionPolicyBinding) {
		stripMeta(&b.ObjectMeta, metaKept{generation: true})
		admissionPolicyStripParamRef(b.Spec.ParamRef)
	},
	Families: []Family[*mutatingAdmissionPolicyBinding]{
		{
			Name: "kube_mutatingadmissionpolicybinding_info", Help: "Information about the MutatingAdmissionPolicyBinding.", Stability: Alpha,
			Labels: admissionPolicyBindingLabels,
			Points: func(b *mutatingAdmissionPolicyBinding, e *Emitter) {
				admissionPolicyBindingInfo(e, b.Spec.PolicyName, b.Spec.ParamRef)
			},
		},
		{
			Name: "kube_mutatingadmissionpolicybinding_created", Help: "Unix creation timestamp.", Stability: Alpha,
			Points: func(b *mutatingAdmissionPolicyBinding, e *Emitter) {
				e.Timestamp(&b.CreationTimestamp)
			},
		},
	},
}

// mutatingAdmissionPolicyBinding is an admissionregistration.k8s.io/v1
// MutatingAdmissionPolicyBinding with just the fields the families read, under the names and JSON
// keys of the upstream type; paramRef is k8s.io/api v1's own (ValidatingAdmissionPolicyBinding's).
type mutatingAdmissionPolicyBinding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              mutatingAdmissionPolicyBindingSpec `json:"spec"`
}

type mutatingAdmissionPolicyBindingSpec struct {
	PolicyName string                            `json:"policyName,omitempty"`
	ParamRef   *admissionregistrationv1.ParamRef `json:"paramRef,omitempty"`
}

func (b *mutatingAdmissionPolicyBinding) DeepCopyObject() runtime.Object {
	out := &mutatingAdmissionPolicyBinding{TypeMeta: b.TypeMeta, Spec: b.Spec}
	b.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Spec.ParamRef = b.Spec.ParamRef.DeepCopy()
	return out
}
