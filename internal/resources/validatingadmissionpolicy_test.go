package resources

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestValidatingAdmissionPolicyFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	runGolden(t, ValidatingAdmissionPolicies, []golden[*admissionregistrationv1.ValidatingAdmissionPolicy]{
		{
			name: "KSM 1: param kind and failure policy",
			obj: &admissionregistrationv1.ValidatingAdmissionPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "validatingadmissionpolicy1", Namespace: "ns1", ResourceVersion: "123456"},
				Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
					ParamKind:     &admissionregistrationv1.ParamKind{APIVersion: "rules.example.com/v1", Kind: "Rule"},
					FailurePolicy: policyPtr(admissionregistrationv1.Fail),
					Validations:   []admissionregistrationv1.Validation{{Expression: "true"}},
				},
			},
			want: `
				kube_validatingadmissionpolicy_info{namespace="ns1",validatingadmissionpolicy="validatingadmissionpolicy1",param_api_version="rules.example.com/v1",param_kind="Rule",failure_policy="Fail"} 1`,
		},
		{
			name: "KSM 2: no param kind",
			obj: &admissionregistrationv1.ValidatingAdmissionPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "validatingadmissionpolicy2", Namespace: "ns2", CreationTimestamp: start, ResourceVersion: "abcdef"},
				Spec:       admissionregistrationv1.ValidatingAdmissionPolicySpec{FailurePolicy: policyPtr(admissionregistrationv1.Ignore)},
			},
			want: `
				kube_validatingadmissionpolicy_created{namespace="ns2",validatingadmissionpolicy="validatingadmissionpolicy2"} 1.501569018e+09
				kube_validatingadmissionpolicy_info{namespace="ns2",validatingadmissionpolicy="validatingadmissionpolicy2",param_api_version="",param_kind="",failure_policy="Ignore"} 1`,
		},
		{
			name: "empty spec: empty label values",
			obj:  &admissionregistrationv1.ValidatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p"}},
			want: `
				kube_validatingadmissionpolicy_info{namespace="",validatingadmissionpolicy="p",param_api_version="",param_kind="",failure_policy=""} 1`,
		},
	})
}
