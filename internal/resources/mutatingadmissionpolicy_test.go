package resources

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestMutatingAdmissionPolicyFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	runGolden(t, MutatingAdmissionPolicies, []golden[*mutatingAdmissionPolicy]{
		{
			name: "KSM 1: param kind, failure and reinvocation policies",
			obj: &mutatingAdmissionPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "mutatingadmissionpolicy1", Namespace: "ns1", ResourceVersion: "123456"},
				Spec: mutatingAdmissionPolicySpec{
					ParamKind:          &admissionregistrationv1.ParamKind{APIVersion: "rules.example.com/v1", Kind: "Rule"},
					FailurePolicy:      policyPtr(admissionregistrationv1.Fail),
					ReinvocationPolicy: admissionregistrationv1.NeverReinvocationPolicy,
				},
			},
			want: `
				kube_mutatingadmissionpolicy_info{namespace="ns1",mutatingadmissionpolicy="mutatingadmissionpolicy1",param_api_version="rules.example.com/v1",param_kind="Rule",failure_policy="Fail",reinvocation_policy="Never"} 1`,
		},
		{
			name: "KSM 2: no param kind",
			obj: &mutatingAdmissionPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "mutatingadmissionpolicy2", Namespace: "ns2", CreationTimestamp: start, ResourceVersion: "abcdef"},
				Spec: mutatingAdmissionPolicySpec{
					FailurePolicy:      policyPtr(admissionregistrationv1.Ignore),
					ReinvocationPolicy: admissionregistrationv1.IfNeededReinvocationPolicy,
				},
			},
			want: `
				kube_mutatingadmissionpolicy_created{namespace="ns2",mutatingadmissionpolicy="mutatingadmissionpolicy2"} 1.501569018e+09
				kube_mutatingadmissionpolicy_info{namespace="ns2",mutatingadmissionpolicy="mutatingadmissionpolicy2",param_api_version="",param_kind="",failure_policy="Ignore",reinvocation_policy="IfNeeded"} 1`,
		},
		{
			name: "empty spec: empty label values",
			obj:  &mutatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p"}},
			want: `
				kube_mutatingadmissionpolicy_info{namespace="",mutatingadmissionpolicy="p",param_api_version="",param_kind="",failure_policy="",reinvocation_policy=""} 1`,
		},
	})
}
