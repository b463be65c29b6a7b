package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestResourceQuotaFamilies(t *testing.T) {
	hard := corev1.ResourceList{
		corev1.ResourceCPU:                    resource.MustParse("4.3"),
		corev1.ResourceMemory:                 resource.MustParse("2.1G"),
		corev1.ResourceStorage:                resource.MustParse("10G"),
		corev1.ResourcePods:                   resource.MustParse("9"),
		corev1.ResourceServices:               resource.MustParse("8"),
		corev1.ResourceReplicationControllers: resource.MustParse("7"),
		corev1.ResourceQuotas:                 resource.MustParse("6"),
		corev1.ResourceSecrets:                resource.MustParse("5"),
		corev1.ResourceConfigMaps:             resource.MustParse("4"),
		corev1.ResourcePersistentVolumeClaims: resource.MustParse("3"),
		corev1.ResourceServicesNodePorts:      resource.MustParse("2"),
		corev1.ResourceServicesLoadBalancers:  resource.MustParse("1"),
	}
	runGolden(t, ResourceQuotas, []golden[*corev1.ResourceQuota]{
		{
			name: "KSM: created, empty status emits no quota points",
			obj: &corev1.ResourceQuota{
				ObjectMeta: metav1.ObjectMeta{Name: "quotaTest", Namespace: "testNS", CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)}},
			},
			want: `
				kube_resourcequota_created{namespace="testNS",resourcequota="quotaTest"} 1.5e+09`,
		},
		{
			name: "KSM: hard and used from status (spec is not read)",
			obj: &corev1.ResourceQuota{
				ObjectMeta: metav1.ObjectMeta{Name: "quotaTest", Namespace: "testNS"},
				Spec:       corev1.ResourceQuotaSpec{Hard: hard, Scopes: []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort}},
				Status: corev1.ResourceQuotaStatus{
					Hard: hard,
					Used: corev1.ResourceList{
						corev1.ResourceCPU:                    resource.MustParse("2.1"),
						corev1.ResourceMemory:                 resource.MustParse("500M"),
						corev1.ResourceStorage:                resource.MustParse("9G"),
						corev1.ResourcePods:                   resource.MustParse("8"),
						corev1.ResourceServices:               resource.MustParse("7"),
						corev1.ResourceReplicationControllers: resource.MustParse("6"),
						corev1.ResourceQuotas:                 resource.MustParse("5"),
						corev1.ResourceSecrets:                resource.MustParse("4"),
						corev1.ResourceConfigMaps:             resource.MustParse("3"),
						corev1.ResourcePersistentVolumeClaims: resource.MustParse("2"),
						corev1.ResourceServicesNodePorts:      resource.MustParse("1"),
						corev1.ResourceServicesLoadBalancers:  resource.MustParse("0"),
					},
				},
			},
			want: `
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="configmaps",type="hard"} 4
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="configmaps",type="used"} 3
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="cpu",type="hard"} 4.3
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="cpu",type="used"} 2.1
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="memory",type="hard"} 2.1e+09
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="memory",type="used"} 5e+08
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="persistentvolumeclaims",type="hard"} 3
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="persistentvolumeclaims",type="used"} 2
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="pods",type="hard"} 9
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="pods",type="used"} 8
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="replicationcontrollers",type="hard"} 7
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="replicationcontrollers",type="used"} 6
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="resourcequotas",type="hard"} 6
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="resourcequotas",type="used"} 5
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="secrets",type="hard"} 5
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="secrets",type="used"} 4
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="services",type="hard"} 8
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="services",type="used"} 7
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="services.loadbalancers",type="hard"} 1
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="services.loadbalancers",type="used"} 0
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="services.nodeports",type="hard"} 2
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="services.nodeports",type="used"} 1
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="storage",type="hard"} 1e+10
				kube_resourcequota{namespace="testNS",resourcequota="quotaTest",resource="storage",type="used"} 9e+09`,
		},
		{
			name: "KSM: labels and annotations allowlisted",
			obj: &corev1.ResourceQuota{
				ObjectMeta: metav1.ObjectMeta{
					Name: "quotaTest", Namespace: "testNS", CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Annotations: map[string]string{"foo": "bar"},
					Labels:      map[string]string{"hello": "world"},
				},
			},
			filter: family.Filter{Labels: allow(t, "hello"), Annotations: allow(t, "foo")},
			want: `
				kube_resourcequota_annotations{namespace="testNS",resourcequota="quotaTest",annotation_foo="bar"} 1
				kube_resourcequota_created{namespace="testNS",resourcequota="quotaTest"} 1.5e+09
				kube_resourcequota_labels{namespace="testNS",resourcequota="quotaTest",label_hello="world"} 1`,
		},
		{
			name: "huge and milli quantities",
			obj: &corev1.ResourceQuota{
				ObjectMeta: metav1.ObjectMeta{Name: "q", Namespace: "ns"},
				Status: corev1.ResourceQuotaStatus{
					Hard: corev1.ResourceList{"requests.storage": resource.MustParse("5Ei")},
					Used: corev1.ResourceList{"requests.cpu": resource.MustParse("1m")},
				},
			},
			families: []string{"kube_resourcequota"},
			want: `
				kube_resourcequota{namespace="ns",resourcequota="q",resource="requests.storage",type="hard"} 5.764607523034235e+18
				kube_resourcequota{namespace="ns",resourcequota="q",resource="requests.cpu",type="used"} 0.001`,
		},
	})
}
