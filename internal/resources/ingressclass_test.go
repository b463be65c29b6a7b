package resources

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestIngressClassFamilies(t *testing.T) {
	runGolden(t, IngressClasses, []golden[*networkingv1.IngressClass]{
		{
			name: "info",
			obj: &networkingv1.IngressClass{
				ObjectMeta: metav1.ObjectMeta{Name: "test_ingressclass-info"},
				Spec: networkingv1.IngressClassSpec{
					Controller: "controller",
					Parameters: &networkingv1.IngressClassParametersReference{Kind: "K", Name: "n", Scope: ptr.To("Cluster")},
				},
			},
			families: []string{"kube_ingressclass_info"},
			want:     `kube_ingressclass_info{ingressclass="test_ingressclass-info",controller="controller"} 1`,
		},
		{
			name: "created",
			obj: &networkingv1.IngressClass{
				ObjectMeta: metav1.ObjectMeta{Name: "test_kube_ingressclass-created", CreationTimestamp: metav1.Unix(1501569018, 0)},
				Spec:       networkingv1.IngressClassSpec{Controller: "controller"},
			},
			families: []string{"kube_ingressclass_created"},
			want:     `kube_ingressclass_created{ingressclass="test_kube_ingressclass-created"} 1.501569018e+09`,
		},
		{
			name: "annotations allowlisted, labels not",
			obj: &networkingv1.IngressClass{
				ObjectMeta: metav1.ObjectMeta{
					Name:        "test_ingressclass-labels",
					Annotations: map[string]string{"ingressclass.kubernetes.io/is-default-class": "true"},
					Labels:      map[string]string{"foo": "bar"},
				},
				Spec: networkingv1.IngressClassSpec{Controller: "controller"},
			},
			filter:   family.Filter{Annotations: allow(t, "ingressclass.kubernetes.io/is-default-class")},
			families: []string{"kube_ingressclass_annotations", "kube_ingressclass_labels"},
			want:     `kube_ingressclass_annotations{ingressclass="test_ingressclass-labels",annotation_ingressclass_kubernetes_io_is_default_class="true"} 1`,
		},
		{
			name: "labels allowlisted, no creation timestamp, empty controller",
			obj: &networkingv1.IngressClass{
				ObjectMeta: metav1.ObjectMeta{Name: "c", Labels: map[string]string{"foo": "bar"}},
			},
			filter: family.Filter{Labels: allow(t, "foo")},
			want: `
				kube_ingressclass_info{ingressclass="c",controller=""} 1
				kube_ingressclass_labels{ingressclass="c",label_foo="bar"} 1`,
		},
	})
}
