package resources

import (
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestLeaseFamilies(t *testing.T) {
	meta := metav1.ObjectMeta{
		Generation:        2,
		Name:              "kube-master",
		Namespace:         "default",
		CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
		OwnerReferences:   []metav1.OwnerReference{{Kind: "Node", Name: "kube-master"}},
	}
	renew := &metav1.MicroTime{Time: time.Unix(1500000000, 0)}
	runGolden(t, Leases, []golden[*coordinationv1.Lease]{
		{
			name: "holder",
			obj:  &coordinationv1.Lease{ObjectMeta: meta, Spec: coordinationv1.LeaseSpec{RenewTime: renew, HolderIdentity: ptr.To("kube-master")}},
			want: `
				kube_lease_owner{lease="kube-master",owner_kind="Node",owner_name="kube-master",namespace="default",lease_holder="kube-master"} 1
				kube_lease_renew_time{lease="kube-master",namespace="default"} 1.5e+09`,
		},
		{
			name: "no holder",
			obj:  &coordinationv1.Lease{ObjectMeta: meta, Spec: coordinationv1.LeaseSpec{RenewTime: renew}},
			want: `
				kube_lease_owner{lease="kube-master",owner_kind="Node",owner_name="kube-master",namespace="default",lease_holder=""} 1
				kube_lease_renew_time{lease="kube-master",namespace="default"} 1.5e+09`,
		},
		{
			name: "no owner, no renew time",
			obj: &coordinationv1.Lease{
				ObjectMeta: metav1.ObjectMeta{Name: "kube-scheduler", Namespace: "kube-system"},
				Spec: coordinationv1.LeaseSpec{
					HolderIdentity: ptr.To("cp-1_1234"), LeaseDurationSeconds: ptr.To[int32](15),
					AcquireTime: renew, LeaseTransitions: ptr.To[int32](3),
				},
			},
			want: `kube_lease_owner{lease="kube-scheduler",owner_kind="",owner_name="",namespace="kube-system",lease_holder="cp-1_1234"} 1`,
		},
		{
			name: "several owners",
			obj: &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{
				Name: "l", Namespace: "ns",
				OwnerReferences: []metav1.OwnerReference{{Kind: "A", Name: "a", Controller: ptr.To(true)}, {Kind: "B", Name: "b"}},
			}},
			want: `
				kube_lease_owner{lease="l",owner_kind="A",owner_name="a",namespace="ns",lease_holder=""} 1
				kube_lease_owner{lease="l",owner_kind="B",owner_name="b",namespace="ns",lease_holder=""} 1`,
		},
	})
}

func TestLeaseStrip(t *testing.T) {
	l := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: "l", Labels: map[string]string{"a": "b"}, OwnerReferences: []metav1.OwnerReference{{Kind: "Node", Name: "n", UID: "u"}}},
		Spec:       coordinationv1.LeaseSpec{HolderIdentity: ptr.To("h"), LeaseDurationSeconds: ptr.To[int32](15)},
	}
	Leases.Strip(l)
	if l.Labels != nil || l.Spec.LeaseDurationSeconds != nil || *l.Spec.HolderIdentity != "h" || l.OwnerReferences[0] != (metav1.OwnerReference{Kind: "Node", Name: "n"}) {
		t.Errorf("strip: %+v", l)
	}
}
