package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestServiceAccountFamilies(t *testing.T) {
	runGolden(t, ServiceAccounts, []golden[*corev1.ServiceAccount]{
		{
			name: "full",
			obj: &corev1.ServiceAccount{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "serviceAccountName",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					DeletionTimestamp: &metav1.Time{Time: time.Unix(3000000000, 0)},
					Namespace:         "serviceAccountNS",
					UID:               "serviceAccountUID",
				},
				AutomountServiceAccountToken: ptr.To(true),
				Secrets:                      []corev1.ObjectReference{{APIVersion: "v1", Kind: "Secret", Name: "secretName", Namespace: "serviceAccountNS"}},
				ImagePullSecrets:             []corev1.LocalObjectReference{{Name: "imagePullSecretName"}},
			},
			families: []string{
				"kube_serviceaccount_info", "kube_serviceaccount_created", "kube_serviceaccount_deleted",
				"kube_serviceaccount_secret", "kube_serviceaccount_image_pull_secret",
			},
			want: `
				kube_serviceaccount_info{namespace="serviceAccountNS",serviceaccount="serviceAccountName",uid="serviceAccountUID",automount_token="true"} 1
				kube_serviceaccount_created{namespace="serviceAccountNS",serviceaccount="serviceAccountName",uid="serviceAccountUID"} 1.5e+09
				kube_serviceaccount_deleted{namespace="serviceAccountNS",serviceaccount="serviceAccountName",uid="serviceAccountUID"} 3e+09
				kube_serviceaccount_secret{namespace="serviceAccountNS",serviceaccount="serviceAccountName",uid="serviceAccountUID",name="secretName"} 1
				kube_serviceaccount_image_pull_secret{namespace="serviceAccountNS",serviceaccount="serviceAccountName",uid="serviceAccountUID",name="imagePullSecretName"} 1`,
		},
		{
			name: "empty: automount unset reads empty",
			obj:  &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: "ns"}},
			want: `kube_serviceaccount_info{namespace="ns",serviceaccount="default",uid="",automount_token=""} 1`,
		},
		{
			name: "automount false, several secrets, labels and annotations allowlisted",
			obj: &corev1.ServiceAccount{
				ObjectMeta: metav1.ObjectMeta{
					Name: "sa", Namespace: "ns", UID: "u",
					Labels:      map[string]string{"app": "x"},
					Annotations: map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/r"},
				},
				AutomountServiceAccountToken: ptr.To(false),
				Secrets:                      []corev1.ObjectReference{{Name: "a"}, {Name: "b"}},
				ImagePullSecrets:             []corev1.LocalObjectReference{{Name: "c"}, {Name: "d"}},
			},
			filter: family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "eks.amazonaws.com/*")},
			want: `
				kube_serviceaccount_info{namespace="ns",serviceaccount="sa",uid="u",automount_token="false"} 1
				kube_serviceaccount_secret{namespace="ns",serviceaccount="sa",uid="u",name="a"} 1
				kube_serviceaccount_secret{namespace="ns",serviceaccount="sa",uid="u",name="b"} 1
				kube_serviceaccount_image_pull_secret{namespace="ns",serviceaccount="sa",uid="u",name="c"} 1
				kube_serviceaccount_image_pull_secret{namespace="ns",serviceaccount="sa",uid="u",name="d"} 1
				kube_serviceaccount_annotations{namespace="ns",serviceaccount="sa",uid="u",annotation_eks_amazonaws_com_role_arn="arn:aws:iam::1:role/r"} 1
				kube_serviceaccount_labels{namespace="ns",serviceaccount="sa",uid="u",label_app="x"} 1`,
		},
	})
}

func TestServiceAccountStrip(t *testing.T) {
	s := &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "sa", UID: "u"},
		Secrets:    []corev1.ObjectReference{{APIVersion: "v1", Kind: "Secret", Name: "a", Namespace: "ns", UID: "x"}},
	}
	ServiceAccounts.Strip(s)
	if s.UID != "u" || s.Secrets[0] != (corev1.ObjectReference{Name: "a"}) {
		t.Errorf("strip: %+v", s)
	}
}
