package resources

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestMutatingAdmissionPolicyBindingFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	runGolden(t, MutatingAdmissionPolicyBindings, []golden[*mutatingAdmissionPolicyBinding]{
		{
			name: "KSM 1: param ref",
			obj: &mutatingAdmissionPolicyBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "mutatingadmissionpolicybinding1", Namespace: "ns1", ResourceVersion: "123456"},
				Spec: mutatingAdmissionPolicyBindingSpec{
					PolicyName: "mutatingadmissionpolicy1",
					ParamRef: &admissionregistrationv1.ParamRef{
						Name: "param1", Namespace: "ns1", ParameterNotFoundAction: policyPtr(admissionregistrationv1.DenyAction),
						Selector: &metav1.LabelSelector{},
					},
				},
			},
			want: `
				kube_mutatingadmissionpolicybinding_info{namespace="ns1",mutatingadmissionpolicybinding="mutatingadmissionpolicybinding1",policy_name="mutatingadmissionpolicy1",param_name="param1",param_namespace="ns1",param_not_found_action="Deny"} 1`,
		},
		{
			name: "KSM 2: no param ref",
			obj: &mutatingAdmissionPolicyBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "mutatingadmissionpolicybinding2", Namespace: "ns2", CreationTimestamp: start, ResourceVersion: "abcdef"},
				Spec:       mutatingAdmissionPolicyBindingSpec{PolicyName: "mutatingadmissionpolicy2"},
			},
			want: `
				kube_mutatingadmissionpolicybinding_created{namespace="ns2",mutatingadmissionpolicybinding="mutatingadmissionpolicybinding2"} 1.501569018e+09
				kube_mutatingadmissionpolicybinding_info{namespace="ns2",mutatingadmissionpolicybinding="mutatingadmissionpolicybinding2",policy_name="mutatingadmissionpolicy2",param_name="",param_namespace="",param_not_found_action=""} 1`,
		},
	})
}

func TestAdmissionPolicyStrip(t *testing.T) {
	p := &admissionregistrationv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Annotations: map[string]string{"a": "b"}},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: policyPtr(admissionregistrationv1.Fail),
			Validations:   []admissionregistrationv1.Validation{{Expression: "true"}},
		},
		Status: admissionregistrationv1.ValidatingAdmissionPolicyStatus{ObservedGeneration: 3},
	}
	ValidatingAdmissionPolicies.Strip(p)
	if p.Annotations != nil || p.Spec.Validations != nil || p.Spec.FailurePolicy == nil || p.Status.ObservedGeneration != 0 {
		t.Errorf("validating admission policy not stripped to what families read: %+v", p)
	}
	m := &mutatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: "m", Annotations: map[string]string{"a": "b"}},
		Spec: mutatingAdmissionPolicySpec{ReinvocationPolicy: admissionregistrationv1.NeverReinvocationPolicy}}
	MutatingAdmissionPolicies.Strip(m)
	if m.Annotations != nil || m.Spec.ReinvocationPolicy == "" {
		t.Errorf("mutating admission policy not stripped to what families read: %+v", m)
	}
	b := &mutatingAdmissionPolicyBinding{Spec: mutatingAdmissionPolicyBindingSpec{
		ParamRef: &admissionregistrationv1.ParamRef{Name: "n", Selector: &metav1.LabelSelector{}},
	}}
	MutatingAdmissionPolicyBindings.Strip(b)
	if b.Spec.ParamRef.Selector != nil || b.Spec.ParamRef.Name != "n" {
		t.Errorf("mutating admission policy binding not stripped to what families read: %+v", b)
	}
}
