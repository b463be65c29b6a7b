package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestLimitRangeFamilies(t *testing.T) {
	mem := corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2.1G")}
	runGolden(t, LimitRanges, []golden[*corev1.LimitRange]{
		{
			name: "KSM: every constraint",
			obj: &corev1.LimitRange{
				ObjectMeta: metav1.ObjectMeta{Name: "quotaTest", Namespace: "testNS", CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)}},
				Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
					Type: corev1.LimitTypePod, Max: mem, Min: mem, Default: mem, DefaultRequest: mem, MaxLimitRequestRatio: mem,
				}}},
			},
			want: `
				kube_limitrange_created{namespace="testNS",limitrange="quotaTest"} 1.5e+09
				kube_limitrange{namespace="testNS",limitrange="quotaTest",resource="memory",type="Pod",constraint="default"} 2.1e+09
				kube_limitrange{namespace="testNS",limitrange="quotaTest",resource="memory",type="Pod",constraint="defaultRequest"} 2.1e+09
				kube_limitrange{namespace="testNS",limitrange="quotaTest",resource="memory",type="Pod",constraint="max"} 2.1e+09
				kube_limitrange{namespace="testNS",limitrange="quotaTest",resource="memory",type="Pod",constraint="maxLimitRequestRatio"} 2.1e+09
				kube_limitrange{namespace="testNS",limitrange="quotaTest",resource="memory",type="Pod",constraint="min"} 2.1e+09`,
		},
		{
			name: "several items and resources; no creation timestamp",
			obj: &corev1.LimitRange{
				ObjectMeta: metav1.ObjectMeta{Name: "lr", Namespace: "ns", Labels: map[string]string{"a": "b"}},
				Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{
					{
						Type:           corev1.LimitTypeContainer,
						Default:        corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
						DefaultRequest: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")},
					},
					{Type: corev1.LimitTypePersistentVolumeClaim, Max: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}},
				}},
			},
			want: `
				kube_limitrange{namespace="ns",limitrange="lr",resource="cpu",type="Container",constraint="default"} 0.5
				kube_limitrange{namespace="ns",limitrange="lr",resource="memory",type="Container",constraint="default"} 2.68435456e+08
				kube_limitrange{namespace="ns",limitrange="lr",resource="cpu",type="Container",constraint="defaultRequest"} 0.1
				kube_limitrange{namespace="ns",limitrange="lr",resource="storage",type="PersistentVolumeClaim",constraint="max"} 1.073741824e+10`,
		},
		{
			name: "empty spec",
			obj:  &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "lr", Namespace: "ns"}},
			want: ``,
		},
	})
}
