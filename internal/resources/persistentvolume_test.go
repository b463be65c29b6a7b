package resources

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

// storageAllFamilies enables every family, opt-in ones included.
var storageAllFamilies = func(string, bool) bool { return true }

// persistentVolumeInfoLine is the kube_persistentvolume_info line of volume pv: the labels in set
// have the given values, every other label is "".
func persistentVolumeInfoLine(pv string, set map[string]string) string {
	keys := []string{
		"storageclass", "gce_persistent_disk_name", "ebs_volume_id", "azure_disk_name", "fc_wwids", "fc_lun",
		"fc_target_wwns", "iscsi_target_portal", "iscsi_iqn", "iscsi_lun", "iscsi_initiator_name", "nfs_server",
		"nfs_path", "csi_driver", "csi_volume_handle", "local_path", "local_fs", "host_path", "host_path_type",
		"reclaim_policy",
	}
	var b strings.Builder
	fmt.Fprintf(&b, `kube_persistentvolume_info{persistentvolume=%q`, pv)
	for _, k := range keys {
		fmt.Fprintf(&b, `,%s=%q`, k, set[k])
	}
	b.WriteString("} 1")
	return b.String()
}

func persistentVolumePhaseLines(pv string, phase corev1.PersistentVolumePhase) string {
	var b strings.Builder
	for _, p := range []string{"Pending", "Available", "Bound", "Released", "Failed"} {
		v := 0
		if p == string(phase) {
			v = 1
		}
		fmt.Fprintf(&b, "kube_persistentvolume_status_phase{persistentvolume=%q,phase=%q} %d\n", pv, p, v)
	}
	return b.String()
}

func TestPersistentVolumeFamilies(t *testing.T) {
	pvAvailable := func(src corev1.PersistentVolumeSource) *corev1.PersistentVolume {
		return &corev1.PersistentVolume{
			ObjectMeta: metav1.ObjectMeta{Name: "test-pv-available"},
			Spec:       corev1.PersistentVolumeSpec{PersistentVolumeSource: src},
			Status:     corev1.PersistentVolumeStatus{Phase: corev1.VolumeAvailable},
		}
	}
	info := []string{"kube_persistentvolume_info"}
	var cases []golden[*corev1.PersistentVolume]
	for _, ph := range []corev1.PersistentVolumePhase{corev1.VolumePending, corev1.VolumeAvailable, corev1.VolumeBound, corev1.VolumeReleased, corev1.VolumeFailed} {
		name := "test-pv-" + strings.ToLower(string(ph))
		cases = append(cases, golden[*corev1.PersistentVolume]{
			name:     "phase " + string(ph),
			obj:      &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.PersistentVolumeStatus{Phase: ph}},
			families: []string{"kube_persistentvolume_status_phase"},
			want:     persistentVolumePhaseLines(name, ph),
		})
	}
	cases = append(cases, []golden[*corev1.PersistentVolume]{
		{
			name: "phase with storage class",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv-pending"},
				Spec:       corev1.PersistentVolumeSpec{StorageClassName: "test"},
				Status:     corev1.PersistentVolumeStatus{Phase: corev1.VolumePending},
			},
			families: []string{"kube_persistentvolume_status_phase"},
			want:     persistentVolumePhaseLines("test-pv-pending", corev1.VolumePending),
		},
		{
			name:     "no phase: no status_phase points",
			obj:      &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv"}},
			families: []string{"kube_persistentvolume_status_phase"},
			want:     ``,
		},
		{
			name: "info reclaim policy",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv-available"},
				Spec:       corev1.PersistentVolumeSpec{PersistentVolumeReclaimPolicy: "Retain"},
				Status:     corev1.PersistentVolumeStatus{Phase: corev1.VolumeAvailable},
			},
			families: info,
			want:     `kube_persistentvolume_info{persistentvolume="test-pv-available",storageclass="",gce_persistent_disk_name="",ebs_volume_id="",azure_disk_name="",fc_wwids="",fc_lun="",fc_target_wwns="",iscsi_target_portal="",iscsi_iqn="",iscsi_lun="",iscsi_initiator_name="",nfs_server="",nfs_path="",csi_driver="",csi_volume_handle="",local_path="",local_fs="",host_path="",host_path_type="",reclaim_policy="Retain"} 1`,
		},
		{
			name: "info ignores labels",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv-available", Labels: map[string]string{"fc_lun": "456"}},
				Status:     corev1.PersistentVolumeStatus{Phase: corev1.VolumeAvailable},
			},
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", nil),
		},
		{
			name:     "info gce pd",
			obj:      pvAvailable(corev1.PersistentVolumeSource{GCEPersistentDisk: &corev1.GCEPersistentDiskVolumeSource{PDName: "name", FSType: "ext4", Partition: 2}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"gce_persistent_disk_name": "name"}),
		},
		{
			name:     "info ebs",
			obj:      pvAvailable(corev1.PersistentVolumeSource{AWSElasticBlockStore: &corev1.AWSElasticBlockStoreVolumeSource{VolumeID: "aws://eu-west-1c/vol-012d34d567890123b"}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"ebs_volume_id": "aws://eu-west-1c/vol-012d34d567890123b"}),
		},
		{
			name:     "info azure disk",
			obj:      pvAvailable(corev1.PersistentVolumeSource{AzureDisk: &corev1.AzureDiskVolumeSource{DiskName: "azure_disk_1", DataDiskURI: "https://x"}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"azure_disk_name": "azure_disk_1"}),
		},
		{
			name:     "info fc lun and target wwns",
			obj:      pvAvailable(corev1.PersistentVolumeSource{FC: &corev1.FCVolumeSource{Lun: ptr.To[int32](123), TargetWWNs: []string{"0123456789abcdef", "abcdef0123456789"}}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"fc_lun": "123", "fc_target_wwns": "0123456789abcdef,abcdef0123456789"}),
		},
		{
			name:     "info fc wwids",
			obj:      pvAvailable(corev1.PersistentVolumeSource{FC: &corev1.FCVolumeSource{WWIDs: []string{"0123456789abcdef", "abcdef0123456789"}}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"fc_wwids": "0123456789abcdef,abcdef0123456789"}),
		},
		{
			name:     "info iscsi",
			obj:      pvAvailable(corev1.PersistentVolumeSource{ISCSI: &corev1.ISCSIPersistentVolumeSource{TargetPortal: "1.2.3.4:3260", IQN: "iqn.my.test.server.target00", Lun: 123}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"iscsi_target_portal": "1.2.3.4:3260", "iscsi_iqn": "iqn.my.test.server.target00", "iscsi_lun": "123"}),
		},
		{
			name: "info iscsi with initiator",
			obj: pvAvailable(corev1.PersistentVolumeSource{ISCSI: &corev1.ISCSIPersistentVolumeSource{
				TargetPortal: "1.2.3.4:3260", IQN: "iqn.my.test.server.target00", Lun: 123, InitiatorName: ptr.To("iqn.my.test.initiator:112233"),
				Portals: []string{"5.6.7.8:3260"}, SecretRef: &corev1.SecretReference{Name: "chap"},
			}}),
			families: info,
			want: persistentVolumeInfoLine("test-pv-available", map[string]string{
				"iscsi_target_portal": "1.2.3.4:3260", "iscsi_iqn": "iqn.my.test.server.target00", "iscsi_lun": "123", "iscsi_initiator_name": "iqn.my.test.initiator:112233",
			}),
		},
		{
			name:     "info iscsi lun zero",
			obj:      pvAvailable(corev1.PersistentVolumeSource{ISCSI: &corev1.ISCSIPersistentVolumeSource{TargetPortal: "p", IQN: "q"}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"iscsi_target_portal": "p", "iscsi_iqn": "q", "iscsi_lun": "0"}),
		},
		{
			name:     "info nfs",
			obj:      pvAvailable(corev1.PersistentVolumeSource{NFS: &corev1.NFSVolumeSource{Server: "1.2.3.4", Path: "/myPath", ReadOnly: true}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"nfs_server": "1.2.3.4", "nfs_path": "/myPath"}),
		},
		{
			name:     "info csi",
			obj:      pvAvailable(corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{Driver: "test-driver", VolumeHandle: "test-volume-handle", FSType: "xfs"}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"csi_driver": "test-driver", "csi_volume_handle": "test-volume-handle"}),
		},
		{
			name:     "info local with fs type",
			obj:      pvAvailable(corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{FSType: ptr.To("ext4"), Path: "/mnt/data"}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"local_path": "/mnt/data", "local_fs": "ext4"}),
		},
		{
			name:     "info local",
			obj:      pvAvailable(corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: "/mnt/data"}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"local_path": "/mnt/data"}),
		},
		{
			name:     "info host path with type",
			obj:      pvAvailable(corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/mnt/data", Type: ptr.To(corev1.HostPathDirectory)}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"host_path": "/mnt/data", "host_path_type": "Directory"}),
		},
		{
			name:     "info host path",
			obj:      pvAvailable(corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/mnt/data"}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", map[string]string{"host_path": "/mnt/data"}),
		},
		{
			name:     "info source kubestate does not report",
			obj:      pvAvailable(corev1.PersistentVolumeSource{RBD: &corev1.RBDPersistentVolumeSource{CephMonitors: []string{"m"}, RBDImage: "img"}}),
			families: info,
			want:     persistentVolumeInfoLine("test-pv-available", nil),
		},
		{
			name: "info precedence when several sources are set: the first wins, csi attributes still read",
			obj: pvAvailable(corev1.PersistentVolumeSource{
				NFS: &corev1.NFSVolumeSource{Server: "s", Path: "/p"},
				CSI: &corev1.CSIPersistentVolumeSource{Driver: "d", VolumeAttributes: map[string]string{"mounter": "rbd"}},
			}),
			filter:   family.Filter{Enabled: storageAllFamilies},
			families: []string{"kube_persistentvolume_info", "kube_persistentvolume_csi_attributes"},
			want: persistentVolumeInfoLine("test-pv-available", map[string]string{"nfs_server": "s", "nfs_path": "/p"}) + `
				kube_persistentvolume_csi_attributes{persistentvolume="test-pv-available",csi_mounter="rbd",csi_map_options=""} 1`,
		},
		{
			name: "labels without allowlist",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-labeled-pv", Labels: map[string]string{"app": "mysql-server"}},
				Spec:       corev1.PersistentVolumeSpec{StorageClassName: "test"},
				Status:     corev1.PersistentVolumeStatus{Phase: corev1.VolumePending},
			},
			families: []string{"kube_persistentvolume_labels"},
			want:     ``,
		},
		{
			name: "claim ref",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-claimed-pv"},
				Spec: corev1.PersistentVolumeSpec{
					StorageClassName: "test",
					ClaimRef:         &corev1.ObjectReference{APIVersion: "v1", Kind: "PersistentVolumeClaim", Name: "pv-claim", Namespace: "default", UID: "u"},
				},
				Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumePending},
			},
			families: []string{"kube_persistentvolume_claim_ref"},
			want:     `kube_persistentvolume_claim_ref{persistentvolume="test-claimed-pv",name="pv-claim",claim_namespace="default"} 1`,
		},
		{
			name:     "no claim ref",
			obj:      &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "test-unclaimed-pv"}, Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeAvailable}},
			families: []string{"kube_persistentvolume_claim_ref"},
			want:     ``,
		},
		{
			name: "capacity",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv"},
				Spec: corev1.PersistentVolumeSpec{Capacity: corev1.ResourceList{
					corev1.ResourceStorage: resource.MustParse("5Gi"),
					"example.com/other":    resource.MustParse("1"),
				}},
			},
			families: []string{"kube_persistentvolume_capacity_bytes"},
			want:     `kube_persistentvolume_capacity_bytes{persistentvolume="test-pv"} 5.36870912e+09`,
		},
		{
			name:     "capacity missing reads 0",
			obj:      &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "test-pv"}},
			families: []string{"kube_persistentvolume_capacity_bytes"},
			want:     `kube_persistentvolume_capacity_bytes{persistentvolume="test-pv"} 0`,
		},
		{
			name: "capacity rounds up to whole bytes",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv"},
				Spec:       corev1.PersistentVolumeSpec{Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1500m")}},
			},
			families: []string{"kube_persistentvolume_capacity_bytes"},
			want:     `kube_persistentvolume_capacity_bytes{persistentvolume="test-pv"} 2`,
		},
		{
			name: "labels and annotations allowlisted",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{
					Name:        "test-allowlisted-labels-annotations",
					Annotations: map[string]string{"app.k8s.io/owner": "mysql-server", "foo": "bar"},
					Labels:      map[string]string{"app": "mysql-server", "hello": "world"},
				},
				Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumePending},
			},
			filter:   family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			families: []string{"kube_persistentvolume_annotations", "kube_persistentvolume_labels"},
			want: `
				kube_persistentvolume_annotations{persistentvolume="test-allowlisted-labels-annotations",annotation_app_k8s_io_owner="mysql-server"} 1
				kube_persistentvolume_labels{persistentvolume="test-allowlisted-labels-annotations",label_app="mysql-server"} 1`,
		},
		{
			name: "labels and annotations without allowlists",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{
					Name:        "test-defaul-labels-annotations",
					Annotations: map[string]string{"app.k8s.io/owner": "mysql-server", "foo": "bar"},
					Labels:      map[string]string{"app": "mysql-server", "hello": "world"},
				},
				Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumePending},
			},
			families: []string{"kube_persistentvolume_annotations", "kube_persistentvolume_labels"},
			want:     ``,
		},
		{
			name: "created",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv-created", CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)}},
				Status:     corev1.PersistentVolumeStatus{Phase: corev1.VolumePending},
			},
			families: []string{"kube_persistentvolume_created", "kube_persistentvolume_deletion_timestamp"},
			want:     `kube_persistentvolume_created{persistentvolume="test-pv-created"} 1.5e+09`,
		},
		{
			name: "deletion timestamp",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "test-pv-terminating",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
					Finalizers:        []string{"kubernetes.io/pv-protection"},
				},
				Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound},
			},
			families: []string{"kube_persistentvolume_deletion_timestamp"},
			want:     `kube_persistentvolume_deletion_timestamp{persistentvolume="test-pv-terminating"} 1.8e+09`,
		},
		{
			name: "csi attributes empty",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv-available"},
				Spec: corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{
					CSI: &corev1.CSIPersistentVolumeSource{Driver: "test-driver", VolumeHandle: "test-volume-handle"},
				}},
			},
			filter:   family.Filter{Enabled: storageAllFamilies},
			families: []string{"kube_persistentvolume_csi_attributes"},
			want:     `kube_persistentvolume_csi_attributes{persistentvolume="test-pv-available",csi_mounter="",csi_map_options=""} 1`,
		},
		{
			name: "csi attributes",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv-available"},
				Spec: corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{
					CSI: &corev1.CSIPersistentVolumeSource{
						Driver:                     "test-driver",
						VolumeHandle:               "test-volume-handle",
						VolumeAttributes:           map[string]string{"mounter": "rbd", "mapOptions": "krbd:rxbounce", "pool": "replicapool"},
						NodeStageSecretRef:         &corev1.SecretReference{Name: "s", Namespace: "ns"},
						ControllerExpandSecretRef:  &corev1.SecretReference{Name: "s", Namespace: "ns"},
						ControllerPublishSecretRef: &corev1.SecretReference{Name: "s", Namespace: "ns"},
					},
				}},
			},
			filter:   family.Filter{Enabled: storageAllFamilies},
			families: []string{"kube_persistentvolume_csi_attributes"},
			want:     `kube_persistentvolume_csi_attributes{persistentvolume="test-pv-available",csi_mounter="rbd",csi_map_options="krbd:rxbounce"} 1`,
		},
		{
			name:     "csi attributes without a csi source",
			obj:      pvAvailable(corev1.PersistentVolumeSource{NFS: &corev1.NFSVolumeSource{Server: "s"}}),
			filter:   family.Filter{Enabled: storageAllFamilies},
			families: []string{"kube_persistentvolume_csi_attributes"},
			want:     ``,
		},
		{
			name: "csi attributes are opt-in",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv-available"},
				Spec: corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{
					CSI: &corev1.CSIPersistentVolumeSource{Driver: "test-driver", VolumeAttributes: map[string]string{"mounter": "rbd"}},
				}},
			},
			families: []string{"kube_persistentvolume_csi_attributes"},
			want:     ``,
		},
		{
			name:     "default volume mode",
			obj:      &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "test-default-volumemode"}},
			families: []string{"kube_persistentvolume_volume_mode"},
			want:     `kube_persistentvolume_volume_mode{persistentvolume="test-default-volumemode",volumemode="Filesystem"} 1`,
		},
		{
			name:     "block volume mode",
			obj:      &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "test-block-volumemode"}, Spec: corev1.PersistentVolumeSpec{VolumeMode: ptr.To(corev1.PersistentVolumeBlock)}},
			families: []string{"kube_persistentvolume_volume_mode"},
			want:     `kube_persistentvolume_volume_mode{persistentvolume="test-block-volumemode",volumemode="Block"} 1`,
		},
		{
			name: "access modes",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "test-pv-access-modes"},
				Spec:       corev1.PersistentVolumeSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadOnlyMany}},
			},
			families: []string{"kube_persistentvolume_access_mode"},
			want: `
				kube_persistentvolume_access_mode{persistentvolume="test-pv-access-modes",access_mode="ReadWriteOnce"} 1
				kube_persistentvolume_access_mode{persistentvolume="test-pv-access-modes",access_mode="ReadOnlyMany"} 1`,
		},
		{
			name: "full object, every family",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pv-full",
					UID:               "uid-1",
					ResourceVersion:   "42",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Labels:            map[string]string{"app": "db"},
					Annotations:       map[string]string{"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com"},
					Finalizers:        []string{"kubernetes.io/pv-protection"},
				},
				Spec: corev1.PersistentVolumeSpec{
					Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")},
					AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod},
					ClaimRef:                      &corev1.ObjectReference{Kind: "PersistentVolumeClaim", Name: "data", Namespace: "db", ResourceVersion: "7"},
					PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
					StorageClassName:              "gp3",
					MountOptions:                  []string{"noatime"},
					VolumeMode:                    ptr.To(corev1.PersistentVolumeFilesystem),
					NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
						MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "topology.kubernetes.io/zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}},
					}}}},
					VolumeAttributesClassName: ptr.To("fast"),
					PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{
						Driver: "ebs.csi.aws.com", VolumeHandle: "vol-1", FSType: "ext4",
						VolumeAttributes: map[string]string{"storage.kubernetes.io/csiProvisionerIdentity": "x"},
					}},
				},
				Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound, Message: "m", Reason: "r", LastPhaseTransitionTime: &metav1.Time{Time: time.Unix(1500000001, 0)}},
			},
			filter: family.Filter{Enabled: storageAllFamilies, Labels: allow(t, "*"), Annotations: allow(t, "*")},
			want: persistentVolumePhaseLines("pv-full", corev1.VolumeBound) +
				persistentVolumeInfoLine("pv-full", map[string]string{"storageclass": "gp3", "csi_driver": "ebs.csi.aws.com", "csi_volume_handle": "vol-1", "reclaim_policy": "Delete"}) + `
				kube_persistentvolume_claim_ref{persistentvolume="pv-full",name="data",claim_namespace="db"} 1
				kube_persistentvolume_annotations{persistentvolume="pv-full",annotation_pv_kubernetes_io_provisioned_by="ebs.csi.aws.com"} 1
				kube_persistentvolume_labels{persistentvolume="pv-full",label_app="db"} 1
				kube_persistentvolume_capacity_bytes{persistentvolume="pv-full"} 1.073741824e+10
				kube_persistentvolume_created{persistentvolume="pv-full"} 1.5e+09
				kube_persistentvolume_csi_attributes{persistentvolume="pv-full",csi_mounter="",csi_map_options=""} 1
				kube_persistentvolume_volume_mode{persistentvolume="pv-full",volumemode="Filesystem"} 1
				kube_persistentvolume_access_mode{persistentvolume="pv-full",access_mode="ReadWriteOncePod"} 1`,
		},
		{
			name: "empty object",
			obj:  &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-empty"}},
			want: persistentVolumeInfoLine("pv-empty", nil) + `
				kube_persistentvolume_capacity_bytes{persistentvolume="pv-empty"} 0
				kube_persistentvolume_volume_mode{persistentvolume="pv-empty",volumemode="Filesystem"} 1`,
		},
	}...)
	runGolden(t, PersistentVolumes, cases)
}

func TestPersistentVolumeStrip(t *testing.T) {
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "pv", Finalizers: []string{"f"}, OwnerReferences: []metav1.OwnerReference{{Kind: "K", Name: "n"}}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:     corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi"), "other": resource.MustParse("1")},
			MountOptions: []string{"ro"},
			NodeAffinity: &corev1.VolumeNodeAffinity{},
			PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{
				Driver: "d", FSType: "ext4", VolumeAttributes: map[string]string{"mounter": "rbd", "pool": "p"},
				NodePublishSecretRef: &corev1.SecretReference{Name: "s"},
			}},
		},
		Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound, Message: "m"},
	}
	PersistentVolumes.Strip(pv)
	if pv.Finalizers != nil || pv.OwnerReferences != nil || pv.Spec.MountOptions != nil || pv.Spec.NodeAffinity != nil || pv.Status.Message != "" {
		t.Errorf("unread fields kept: %+v", pv)
	}
	if len(pv.Spec.Capacity) != 1 || pv.Spec.CSI.FSType != "" || pv.Spec.CSI.NodePublishSecretRef != nil {
		t.Errorf("unread fields kept: %+v", pv.Spec)
	}
	if got := pv.Spec.CSI.VolumeAttributes; len(got) != 1 || got["mounter"] != "rbd" {
		t.Errorf("csi attributes: %v", got)
	}
}
