package resources

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestValidatingAdmissionPolicyBindingFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	runGolden(t, ValidatingAdmissionPolicyBindings, []golden[*admissionregistrationv1.ValidatingAdmissionPolicyBinding]{
		{
			name: "KSM 1: param ref and validation actions",
			obj: &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "validatingadmissionpolicybinding1", Namespace: "ns1", ResourceVersion: "123456"},
				Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
					PolicyName: "validatingadmissionpolicy1",
					ParamRef: &admissionregistrationv1.ParamRef{
						Name: "param1", Namespace: "ns1", ParameterNotFoundAction: policyPtr(admissionregistrationv1.DenyAction),
						Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
					},
					MatchResources:    &admissionregistrationv1.MatchResources{},
					ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny, admissionregistrationv1.Warn},
				},
			},
			want: `
				kube_validatingadmissionpolicybinding_info{namespace="ns1",validatingadmissionpolicybinding="validatingadmissionpolicybinding1",policy_name="validatingadmissionpolicy1",param_name="param1",param_namespace="ns1",param_not_found_action="Deny"} 1
				kube_validatingadmissionpolicybinding_validation_action{namespace="ns1",validatingadmissionpolicybinding="validatingadmissionpolicybinding1",action="Deny"} 1
				kube_validatingadmissionpolicybinding_validation_action{namespace="ns1",validatingadmissionpolicybinding="validatingadmissionpolicybinding1",action="Warn"} 1`,
		},
		{
			name: "KSM 2: no param ref, no actions",
			obj: &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "validatingadmissionpolicybinding2", Namespace: "ns2", CreationTimestamp: start, ResourceVersion: "abcdef"},
				Spec:       admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: "validatingadmissionpolicy2"},
			},
			want: `
				kube_validatingadmissionpolicybinding_created{namespace="ns2",validatingadmissionpolicybinding="validatingadmissionpolicybinding2"} 1.501569018e+09
				kube_validatingadmissionpolicybinding_info{namespace="ns2",validatingadmissionpolicybinding="validatingadmissionpolicybinding2",policy_name="validatingadmissionpolicy2",param_name="",param_namespace="",param_not_found_action=""} 1`,
		},
		{
			name: "param ref without a not-found action",
			obj: &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "b"},
				Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
					PolicyName:        "p",
					ParamRef:          &admissionregistrationv1.ParamRef{Name: "param"},
					ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Audit},
				},
			},
			want: `
				kube_validatingadmissionpolicybinding_info{namespace="",validatingadmissionpolicybinding="b",policy_name="p",param_name="param",param_namespace="",param_not_found_action=""} 1
				kube_validatingadmissionpolicybinding_validation_action{namespace="",validatingadmissionpolicybinding="b",action="Audit"} 1`,
		},
	})
}
